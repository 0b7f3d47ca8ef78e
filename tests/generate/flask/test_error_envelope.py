"""error-envelope on Flask: HTTP errors, validation (ours and pydantic's) and crashes."""

from __future__ import annotations

import logging

import pytest
from flask import Flask, abort
from pydantic import BaseModel

OPTION_SETS = [
    {},
    {"request_id_header": "X-Correlation-ID", "internal_error_message": "Something broke."},
]


class NewUser(BaseModel):
    name: str
    age: int


@pytest.mark.parametrize("options", OPTION_SETS)
def test_every_error_has_the_envelope(render, options, caplog):
    module = render("error-envelope", "flask", options).module
    header = options.get("request_id_header", "X-Request-ID")
    message = options.get("internal_error_message", "Internal server error")
    app = Flask(__name__)
    module.init_error_envelope(app)

    @app.post("/users")
    def create_user():
        from flask import request

        user = NewUser.model_validate(request.get_json())
        return {"name": user.name}, 201

    @app.get("/validate")
    def validate():
        raise module.ValidationFailed([{"field": "email", "reason": "must be a valid email"}])

    @app.get("/conflict")
    def conflict():
        abort(409)

    @app.get("/locked")
    def locked():
        raise module.ApiError(423, "ORDER_LOCKED", "The order is locked")

    @app.get("/crash")
    def crash():
        raise RuntimeError("password=hunter2")

    client = app.test_client()

    def envelope(response, status, code):
        assert response.status_code == status
        assert response.mimetype == "application/json"
        body = response.get_json()
        assert set(body) == {"error"}
        assert set(body["error"]) == {"code", "message", "details", "request_id"}
        assert body["error"]["code"] == code
        assert isinstance(body["error"]["details"], list)
        assert body["error"]["request_id"] == response.headers[header]
        return body["error"]

    missing = envelope(client.get("/nope", headers={header: "req-42"}), 404, "NOT_FOUND")
    assert missing["request_id"] == "req-42"
    assert missing["details"] == []
    wrong = client.delete("/users")
    envelope(wrong, 405, "METHOD_NOT_ALLOWED")
    assert "POST" in wrong.headers["Allow"]
    envelope(client.get("/conflict"), 409, "CONFLICT")
    envelope(client.get("/locked"), 423, "ORDER_LOCKED")
    ours = envelope(client.get("/validate"), 422, "VALIDATION_FAILED")
    assert ours["details"] == [{"field": "email", "reason": "must be a valid email"}]
    theirs = envelope(client.post("/users", json={"age": "old"}), 422, "VALIDATION_FAILED")
    assert {d["field"] for d in theirs["details"]} == {"name", "age"}
    assert client.post("/users", json={"name": "a", "age": 3}).status_code == 201
    # An unsafe inbound id is not echoed.
    assert (
        envelope(client.get("/nope", headers={header: "a b"}), 404, "NOT_FOUND")["request_id"]
        != "a b"
    )

    with caplog.at_level(logging.ERROR):
        crashed = envelope(client.get("/crash", headers={header: "req-7"}), 500, "INTERNAL_ERROR")
    assert crashed["message"] == message
    assert "hunter2" not in str(crashed)
    logged = [r for r in caplog.records if r.exc_info]
    assert logged and logged[0].request_id == "req-7"
    assert isinstance(logged[0].exc_info[1], RuntimeError)
