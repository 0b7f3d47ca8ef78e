"""request-id on Flask: minted, accepted when safe, replaced when not, echoed, seen by handlers."""

from __future__ import annotations

import uuid

import pytest
from flask import Flask, abort

OPTION_SETS = [{}, {"header_name": "X-Correlation-ID", "max_length": 16, "trust_inbound": True}]


def _client(render, options):
    module = render("request-id", "flask", options).module
    app = Flask(__name__)
    module.init_request_id(app)

    @app.get("/echo")
    def echo():
        return {"request_id": module.get_request_id()}

    @app.get("/missing")
    def missing():
        abort(404)

    return app.test_client(), module


@pytest.mark.parametrize("options", OPTION_SETS)
def test_minted_accepted_and_rejected_ids(render, options):
    client, module = _client(render, options)
    header = options.get("header_name", "X-Request-ID")
    assert header == module.REQUEST_ID_HEADER

    minted = client.get("/echo")
    assert uuid.UUID(minted.headers[header]).version == 4
    assert minted.get_json() == {"request_id": minted.headers[header]}
    assert client.get("/echo").headers[header] != minted.headers[header]

    accepted = client.get("/echo", headers={header: "abc-123.X_y"})
    assert accepted.headers[header] == "abc-123.X_y"
    assert accepted.get_json()["request_id"] == "abc-123.X_y"

    for bad in ["has space", "semi;colon", "x" * (options.get("max_length", 128) + 1)]:
        replaced = client.get("/echo", headers={header: bad})
        assert replaced.headers[header] != bad
        assert uuid.UUID(replaced.headers[header])
    # Error responses carry it too; outside a request there is none.
    assert client.get("/missing", headers={header: "err-1"}).headers[header] == "err-1"
    assert module.get_request_id() is None


def test_inbound_ignored_when_not_trusted(render):
    client, _ = _client(render, {"trust_inbound": False})
    response = client.get("/echo", headers={"X-Request-ID": "abc"})
    assert response.headers["X-Request-ID"] != "abc"
    assert uuid.UUID(response.headers["X-Request-ID"])
