"""error-envelope on FastAPI: HTTP, validation, application errors and crashes, one shape."""

from __future__ import annotations

import logging

import pytest
from fastapi import FastAPI, HTTPException
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field

OPTION_SETS = [
    {},
    {"request_id_header": "X-Correlation-ID", "internal_error_message": "Something went wrong"},
]


class Signup(BaseModel):
    email: str = Field(pattern=r"^[^@]+@[^@]+$")
    age: int = Field(ge=18)


def _client(render, options):
    module = render("error-envelope", "fastapi", options).module
    app = FastAPI()
    module.install_error_envelope(app)

    @app.post("/signup")
    def signup(body: Signup):
        if body.email == "taken@example.com":
            raise module.ApiError(409, "EMAIL_TAKEN", "Email already registered")
        return body

    @app.get("/private")
    def private():
        raise HTTPException(401, "Missing token", headers={"WWW-Authenticate": "Bearer"})

    @app.get("/crash")
    def crash():
        raise RuntimeError("db password is hunter2")

    return TestClient(app, raise_server_exceptions=False), module


def _assert_shape(response, status, code):
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"code", "message", "details", "request_id"}
    assert error["code"] == code
    assert isinstance(error["details"], list)
    return error


@pytest.mark.parametrize("options", OPTION_SETS)
def test_every_error_has_the_envelope(render, options, caplog):
    client, module = _client(render, options)
    header = options.get("request_id_header", "X-Request-ID")

    invalid = client.post("/signup", json={"email": "nope", "age": 12}, headers={header: "r-1"})
    error = _assert_shape(invalid, 422, "VALIDATION_FAILED")
    assert error["request_id"] == "r-1" and invalid.headers[header] == "r-1"
    assert {d["field"] for d in error["details"]} == {"email", "age"}
    assert all(d["reason"] for d in error["details"])

    conflict = client.post("/signup", json={"email": "taken@example.com", "age": 30})
    assert _assert_shape(conflict, 409, "EMAIL_TAKEN")["message"] == "Email already registered"

    unauthorized = client.get("/private")
    assert _assert_shape(unauthorized, 401, "UNAUTHENTICATED")["message"] == "Missing token"
    assert unauthorized.headers["WWW-Authenticate"] == "Bearer"

    _assert_shape(client.get("/nowhere"), 404, "NOT_FOUND")
    _assert_shape(client.delete("/private"), 405, "METHOD_NOT_ALLOWED")

    with caplog.at_level(logging.ERROR):
        crashed = client.get("/crash", headers={header: "bad id!"})
    error = _assert_shape(crashed, 500, "INTERNAL_ERROR")
    assert error["message"] == module.INTERNAL_ERROR_MESSAGE
    assert "hunter2" not in crashed.text
    assert error["request_id"] != "bad id!" and len(error["request_id"]) == 36
    assert any("hunter2" in (r.exc_text or "") or r.exc_info for r in caplog.records)


def test_request_id_from_the_request_id_middleware_is_used(render):
    client, _ = _client(render, {})
    request_id_module = render("request-id", "fastapi", {}).module
    client.app.add_middleware(request_id_module.RequestIdMiddleware)
    response = client.post("/signup", json={})
    assert response.json()["error"]["request_id"] == response.headers["X-Request-ID"]
