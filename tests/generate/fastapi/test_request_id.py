"""request-id on FastAPI: minted, accepted when safe, replaced when not, echoed, in context."""

from __future__ import annotations

import uuid

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient

OPTION_SETS = [{}, {"header_name": "X-Correlation-ID", "max_length": 16, "trust_inbound": True}]


def _client(render, options):
    rendered = render("request-id", "fastapi", options)
    module = rendered.module
    app = FastAPI()
    app.add_middleware(module.RequestIdMiddleware)

    @app.get("/echo")
    def echo(request: Request) -> dict[str, str | None]:
        return {"state": request.state.request_id, "context": module.get_request_id()}

    return TestClient(app), module


@pytest.mark.parametrize("options", OPTION_SETS)
def test_minted_accepted_and_rejected_ids(render, options):
    client, module = _client(render, options)
    header = options.get("header_name", "X-Request-ID")
    assert header == module.REQUEST_ID_HEADER

    minted = client.get("/echo")
    assert uuid.UUID(minted.headers[header]).version == 4
    assert minted.json() == {"state": minted.headers[header], "context": minted.headers[header]}

    accepted = client.get("/echo", headers={header: "abc-123.X_y"})
    assert accepted.headers[header] == "abc-123.X_y"
    assert accepted.json()["context"] == "abc-123.X_y"

    for bad in ["has space", "semi;colon", "x" * (options.get("max_length", 128) + 1)]:
        replaced = client.get("/echo", headers={header: bad})
        assert replaced.headers[header] != bad
        assert uuid.UUID(replaced.headers[header])
    # The context variable does not leak out of the request.
    assert module.get_request_id() is None


def test_inbound_ignored_when_not_trusted(render):
    client, _ = _client(render, {"trust_inbound": False})
    response = client.get("/echo", headers={"X-Request-ID": "abc"})
    assert response.headers["X-Request-ID"] != "abc"
