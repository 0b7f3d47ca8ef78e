"""json-logging on Flask: JSON lines with the fields, ids from request-id and traceparent,
an access line per request, redaction, exceptions."""

from __future__ import annotations

import io
import json
import logging
from datetime import datetime

import pytest
from flask import Flask, g

OPTION_SETS = [
    {},
    {
        "service_name": "orders-api",
        "level": "WARNING",
        "logger_name": "orders",
        "request_id_header": "X-Correlation-ID",
        "redact_fields": ["card_number", "Secret"],
    },
]
TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
SPAN = "00f067aa0ba902b7"


@pytest.mark.parametrize("options", OPTION_SETS)
def test_json_lines(render, options):
    module = render("json-logging", "flask", options).module
    service = options.get("service_name", "app")
    header = options.get("request_id_header", "X-Request-ID")
    logger = logging.getLogger(options.get("logger_name", "app"))
    app = Flask(__name__)
    stream = io.StringIO()
    handler = module.init_json_logging(app, stream=stream)

    @app.post("/pay")
    def pay():
        logger.warning(
            "payment %s",
            "accepted",
            extra={
                "password": "hunter2",
                "card_number": "4111111111111111",
                "nested": {"token": "tok_live_1", "SECRET": "s3", "amount": 5},
            },
        )
        return {"ok": True}

    @app.get("/assigned")
    def assigned():
        g.request_id = "from-request-id-middleware"
        logger.error("assigned")
        return {}

    @app.get("/crash")
    def crash():
        try:
            raise ValueError("bad value")
        except ValueError:
            logger.exception("it failed")
        return {}

    client = app.test_client()
    try:
        client.post("/pay", headers={header: "req-1", "traceparent": f"00-{TRACE}-{SPAN}-01"})
        client.get("/assigned")
        client.get("/crash", headers={header: "bad id!"})
        logger.error("outside a request")
    finally:
        logging.getLogger().removeHandler(handler)

    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert all(
        {"timestamp", "level", "message", "service", "request_id", "trace_id", "span_id"}
        <= set(line)
        for line in lines
    )
    for line in lines:
        assert line["timestamp"].endswith("Z")
        assert datetime.fromisoformat(line["timestamp"]).utcoffset().total_seconds() == 0
        assert line["service"] == service
    by_message = {line["message"]: line for line in lines}
    paid = by_message["payment accepted"]
    assert paid["level"] == "WARNING"
    assert (paid["request_id"], paid["trace_id"], paid["span_id"]) == ("req-1", TRACE, SPAN)
    text = stream.getvalue()
    if "redact_fields" in options:  # card_number and Secret (any case) are redacted
        assert paid["card_number"] == "[REDACTED]"
        assert paid["nested"]["SECRET"] == "[REDACTED]"
        assert paid["password"] == "hunter2"  # not in this custom list
        assert "4111111111111111" not in text
    else:
        assert paid["password"] == "[REDACTED]"
        assert paid["nested"]["token"] == "[REDACTED]"
        assert paid["nested"]["SECRET"] == "[REDACTED]"
        assert "hunter2" not in text and "tok_live_1" not in text and "s3" not in text
    assert paid["nested"]["amount"] == 5
    assert by_message["assigned"]["request_id"] == "from-request-id-middleware"
    failed = by_message["it failed"]
    assert failed["level"] == "ERROR" and "ValueError: bad value" in failed["exception"]
    assert failed["request_id"] is None, "an unsafe inbound id is not logged"
    assert by_message["outside a request"]["request_id"] is None

    access = [line for line in lines if line["message"] == "request completed"]
    if options.get("level", "INFO") == "INFO":
        assert [(a["method"], a["route"], a["status"]) for a in access] == [
            ("POST", "/pay", 200),
            ("GET", "/assigned", 200),
            ("GET", "/crash", 200),
        ]
        assert access[0]["request_id"] == "req-1" and access[0]["duration_ms"] >= 0
    else:
        assert access == [], "INFO access lines are below the WARNING level"
