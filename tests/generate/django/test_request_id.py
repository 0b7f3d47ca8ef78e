"""request-id on Django: minted, accepted when safe, replaced when not, echoed, in context."""

from __future__ import annotations

import uuid

import pytest
from django.http import JsonResponse
from django.urls import path

from tests.generate.django.conftest import dotted

OPTION_SETS = [{}, {"header_name": "X-Correlation-ID", "max_length": 16, "trust_inbound": True}]


def _client(render, django_app, options):
    module = render("request-id", "django", options).module

    def echo(request):
        return JsonResponse({"attr": request.request_id, "context": module.get_request_id()})

    client = django_app([dotted(module, "RequestIdMiddleware")], [path("echo", echo)])
    return client, module


@pytest.mark.parametrize("options", OPTION_SETS)
def test_minted_accepted_and_rejected_ids(render, django_app, options):
    client, module = _client(render, django_app, options)
    header = options.get("header_name", "X-Request-ID")
    assert header == module.REQUEST_ID_HEADER

    minted = client.get("/echo")
    assert uuid.UUID(minted.headers[header]).version == 4
    assert minted.json() == {"attr": minted.headers[header], "context": minted.headers[header]}

    accepted = client.get("/echo", headers={header: "abc-123.X_y"})
    assert accepted.headers[header] == "abc-123.X_y"
    assert accepted.json()["context"] == "abc-123.X_y"

    for bad in ["has space", "semi;colon", "x" * (options.get("max_length", 128) + 1)]:
        replaced = client.get("/echo", headers={header: bad})
        assert replaced.headers[header] != bad
        assert uuid.UUID(replaced.headers[header]).version == 4
    # Longest accepted id is exactly max_length.
    longest = "y" * options.get("max_length", 128)
    assert client.get("/echo", headers={header: longest}).headers[header] == longest
    assert module.get_request_id() is None


def test_inbound_ignored_when_not_trusted(render, django_app):
    client, _ = _client(render, django_app, {"trust_inbound": False})
    response = client.get("/echo", headers={"X-Request-ID": "abc"})
    assert response.headers["X-Request-ID"] != "abc"
    assert response.json()["attr"] == response.headers["X-Request-ID"]
