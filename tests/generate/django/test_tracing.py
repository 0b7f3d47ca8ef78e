"""tracing on Django (OpenTelemetry Django instrumentation): a server span per request that
continues an inbound W3C traceparent, W3C context in the propagator, excluded paths and the
sampler honoured."""

from __future__ import annotations

import pytest
from django.http import JsonResponse
from django.urls import path
from opentelemetry import propagate, trace
from opentelemetry.instrumentation.django import DjangoInstrumentor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

OPTION_SETS = [
    {},
    {
        "service_name": "billing",
        "exporter": "console",
        "sample_ratio": 0.0,
        "excluded_paths": ["/ping"],
    },
    {"exporter": "none", "excluded_paths": []},
]
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT = "00f067aa0ba902b7"


@pytest.fixture
def traced(render, django_app):
    instrumented = []

    def make(options):
        module = render("tracing", "django", options).module
        seen = {}

        def work(request, item):
            carrier = {}
            propagate.inject(carrier)
            seen["outbound"] = carrier.get("traceparent")
            seen["current"] = trace.get_current_span().get_span_context()
            return JsonResponse({"item": item})

        client = django_app(
            [],
            [
                path("items/<int:item>", work),
                path("ping", lambda r: JsonResponse({})),
                path("health/live", lambda r: JsonResponse({})),
            ],
        )
        exporter = InMemorySpanExporter()
        module.configure_tracing(exporter)  # adds its middleware to the MIDDLEWARE in force
        instrumented.append(True)
        return client, exporter, seen

    yield make
    if instrumented:
        DjangoInstrumentor().uninstrument()


@pytest.mark.parametrize("options", OPTION_SETS)
def test_server_spans_continue_w3c_context(traced, options):
    client, exporter, seen = traced(options)
    ratio = options.get("sample_ratio", 1.0)

    client.get("/items/7", headers={"traceparent": f"00-{TRACE_ID}-{PARENT}-01"})
    spans = exporter.get_finished_spans()
    assert len(spans) == 1, "a sampled parent is followed whatever the ratio"
    span = spans[0]
    assert f"{span.context.trace_id:032x}" == TRACE_ID
    assert f"{span.parent.span_id:016x}" == PARENT
    assert span.kind == trace.SpanKind.SERVER
    assert span.resource.attributes["service.name"] == options.get("service_name", "app")
    assert "items/<int:item>" in span.name
    # Downstream calls carry the same trace in W3C form.
    assert seen["outbound"].startswith(f"00-{TRACE_ID}-")

    exporter.clear()
    client.get("/items/8")  # a new trace, sampled at the configured ratio
    assert len(exporter.get_finished_spans()) == (1 if ratio == 1.0 else 0)

    exporter.clear()
    client.get("/ping", headers={"traceparent": f"00-{TRACE_ID}-{PARENT}-01"})
    excluded = options.get("excluded_paths", ["/health/live", "/health/ready", "/health/startup"])
    assert len(exporter.get_finished_spans()) == (0 if "/ping" in excluded else 1)
    exporter.clear()
    client.get("/health/live", headers={"traceparent": f"00-{TRACE_ID}-{PARENT}-01"})
    assert len(exporter.get_finished_spans()) == (0 if "/health/live" in excluded else 1)
