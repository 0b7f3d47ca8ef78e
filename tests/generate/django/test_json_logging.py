"""json-logging on Django: JSON lines with the documented fields, ids bound, secrets redacted."""

from __future__ import annotations

import io
import json
import logging
from datetime import datetime

import pytest
from django.http import JsonResponse
from django.urls import path

from tests.generate.django.conftest import dotted

OPTION_SETS = [
    {},
    {
        "service_name": "billing",
        "level": "DEBUG",
        "logger_name": "billing",
        "request_id_header": "X-Correlation-ID",
        "redact_fields": ["card_number", "Password"],
    },
]
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
SPAN_ID = "00f067aa0ba902b7"


@pytest.mark.parametrize("options", OPTION_SETS)
def test_every_line_is_json_with_ids_and_no_secrets(render, django_app, options):
    module = render("json-logging", "django", options).module
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(module.JsonFormatter())
    logger = logging.getLogger(module.LOGGER_NAME)
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    redacted = options.get("redact_fields", ["password", "token"])

    def work(request):
        logging.getLogger(module.LOGGER_NAME).warning(
            "charging", extra={redacted[0]: "s3cr3t", "order": {redacted[-1]: "x1", "id": 7}}
        )
        return JsonResponse({"ok": True})

    client = django_app([dotted(module, "JsonLoggingMiddleware")], [path("work", work)])
    try:
        client.get(
            "/work",
            headers={
                module.REQUEST_ID_HEADER: "req-42",
                "traceparent": f"00-{TRACE_ID}-{SPAN_ID}-01",
                "Authorization": "Bearer very-secret-token",
            },
        )
        client.get("/work")  # no inbound id: one is minted
    finally:
        logger.removeHandler(handler)

    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [line["message"] for line in lines] == ["charging", "request completed"] * 2
    first, access = lines[0], lines[1]
    for line in lines:
        assert {
            "timestamp",
            "level",
            "message",
            "service",
            "request_id",
            "trace_id",
            "span_id",
        } <= set(line)
        assert line["service"] == options.get("service_name", "app")
        assert datetime.fromisoformat(line["timestamp"]).utcoffset().total_seconds() == 0
    assert first["level"] == "WARNING"
    assert first["request_id"] == access["request_id"] == "req-42"
    assert first["trace_id"] == TRACE_ID and first["span_id"] == SPAN_ID
    assert first[redacted[0]] == "[REDACTED]"
    assert first["order"] == {redacted[-1]: "[REDACTED]", "id": 7}
    assert access["status"] == 200 and access["method"] == "GET" and access["path"] == "/work"
    assert "s3cr3t" not in stream.getvalue() and "very-secret-token" not in stream.getvalue()
    assert lines[2]["request_id"] not in (None, "req-42")
    assert lines[2]["request_id"] == lines[3]["request_id"]
    assert lines[2]["trace_id"] is None


def test_request_id_middleware_id_is_reused(render, django_app):
    request_id = render("request-id", "django").module
    module = render("json-logging", "django").module
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(module.JsonFormatter())
    module.access_logger.addHandler(handler)
    module.access_logger.setLevel(logging.INFO)
    client = django_app(
        [dotted(request_id, "RequestIdMiddleware"), dotted(module, "JsonLoggingMiddleware")],
        [path("x", lambda request: JsonResponse({}))],
    )
    try:
        response = client.get("/x")
    finally:
        module.access_logger.removeHandler(handler)
    assert json.loads(stream.getvalue())["request_id"] == response.headers["X-Request-ID"]


def test_logging_setting_configures_json_output(render, capsys):
    module = render("json-logging", "django", {"logger_name": "cfg_test"}).module
    logging.config.dictConfig(module.LOGGING)
    try:
        logging.getLogger("cfg_test").info("configured", extra={"token": "abc"})
        err = capsys.readouterr().err.strip().splitlines()[-1]
    finally:
        logging.getLogger().handlers.clear()
    line = json.loads(err)
    assert line["message"] == "configured" and line["token"] == "[REDACTED]"


def test_trace_ids_come_from_the_active_span(render, django_app):
    from opentelemetry.instrumentation.django import DjangoInstrumentor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    tracing = render("tracing", "django").module
    module = render("json-logging", "django").module
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(module.JsonFormatter())
    module.access_logger.addHandler(handler)
    module.access_logger.setLevel(logging.INFO)
    client = django_app(
        [dotted(module, "JsonLoggingMiddleware")], [path("x", lambda request: JsonResponse({}))]
    )
    exporter = InMemorySpanExporter()
    tracing.configure_tracing(exporter)
    try:
        client.get("/x", headers={"traceparent": f"00-{TRACE_ID}-{SPAN_ID}-01"})
    finally:
        DjangoInstrumentor().uninstrument()
        module.access_logger.removeHandler(handler)
    line = json.loads(stream.getvalue())
    (span,) = exporter.get_finished_spans()
    assert line["trace_id"] == TRACE_ID == f"{span.context.trace_id:032x}"
    assert line["span_id"] == f"{span.context.span_id:016x}" != SPAN_ID  # the server span's own id
