"""json-logging on FastAPI: JSON lines with the decided fields, ids from the request, redaction."""

from __future__ import annotations

import io
import json
import logging
import re

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient

OPTION_SETS = [
    {},
    {
        "service_name": "orders-api",
        "level": "WARNING",
        "logger_name": "orders",
        "request_id_header": "X-Correlation-ID",
        "redact_fields": ["card_number"],
    },
]
RFC3339_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


@pytest.fixture
def logs():
    stream = io.StringIO()
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield stream
    root.handlers[:] = handlers
    root.setLevel(level)


def _run(render, options, stream, headers):
    module = render("json-logging", "fastapi", options).module
    module.configure_logging(stream)
    app = FastAPI()
    app.add_middleware(module.AccessLogMiddleware)

    @app.get("/users/{user_id}")
    def user(user_id: int, request: Request):
        module.logger.warning(
            "lookup", extra={"user_id": user_id, "password": "pw1", "card_number": "4111"}
        )
        module.logger.info("debugish")
        return {"request_id": request.state.request_id}

    response = TestClient(app).get("/users/7", headers=headers)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    return module, response, lines


def test_default_fields_ids_and_redaction(render, logs):
    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"
    _, response, lines = _run(
        render,
        {},
        logs,
        {
            "X-Request-ID": "req-42",
            "traceparent": f"00-{trace_id}-00f067aa0ba902b7-01",
            "Authorization": "Bearer secret-token",
        },
    )
    assert response.json() == {"request_id": "req-42"}
    lookup = next(line for line in lines if line["message"] == "lookup")
    assert RFC3339_UTC.match(lookup["timestamp"])
    assert lookup["level"] == "WARNING" and lookup["service"] == "app"
    assert lookup["request_id"] == "req-42" and lookup["trace_id"] == trace_id
    assert lookup["password"] == "[REDACTED]" and lookup["user_id"] == 7
    assert lookup["card_number"] == "4111"  # not in the default redaction list
    assert any(line["message"] == "debugish" for line in lines)  # INFO is on by default
    access = next(line for line in lines if line["message"] == "request")
    assert access["route"] == "/users/{user_id}" and access["status"] == 200
    assert access["method"] == "GET" and access["duration_ms"] >= 0
    raw = logs.getvalue()
    assert "secret-token" not in raw and "pw1" not in raw


def test_options_change_service_level_header_and_redaction(render, logs):
    _, response, lines = _run(render, OPTION_SETS[1], logs, {"X-Correlation-ID": "c-1"})
    assert response.json() == {"request_id": "c-1"}
    messages = [line["message"] for line in lines]
    assert "lookup" in messages and "debugish" not in messages and "request" not in messages
    lookup = lines[messages.index("lookup")]
    assert lookup["service"] == "orders-api" and lookup["logger"] == "orders"
    assert lookup["card_number"] == "[REDACTED]" and lookup["password"] == "pw1"


def test_unsafe_inbound_id_is_replaced(render, logs):
    _, response, _ = _run(render, {}, logs, {"X-Request-ID": "bad id;"})
    assert response.json()["request_id"] != "bad id;"
