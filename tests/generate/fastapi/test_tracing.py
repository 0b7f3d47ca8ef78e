"""tracing on FastAPI: W3C traceparent continued, server spans with the route, new traces when
none came in, excluded paths, outbound propagation, exporter wiring."""

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from opentelemetry import trace
from opentelemetry.propagate import inject
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

OPTION_SETS = [
    {},
    {
        "service_name": "orders",
        "exporter": "console",
        "sample_ratio": 0.5,
        "excluded_paths": ["/ping"],
    },
    {"exporter": "none"},
]
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT_ID = "00f067aa0ba902b7"


def _traced(render, options):
    module = render("tracing", "fastapi", options).module
    app = FastAPI()
    seen = {}

    @app.get("/users/{user_id}")
    def user(user_id: int):
        carrier = {}
        inject(carrier)  # what an outbound call would send
        seen["outbound"] = carrier.get("traceparent")
        return {"id": user_id}

    @app.get("/ping")
    def ping():
        return {}

    @app.get("/health/live")
    def live():
        return {}

    exporter = InMemorySpanExporter()
    provider = module.setup_tracing(app, SimpleSpanProcessor(exporter))
    return module, TestClient(app), exporter, provider, seen


def _server_spans(exporter):
    return [s for s in exporter.get_finished_spans() if s.kind == SpanKind.SERVER]


@pytest.mark.parametrize("options", OPTION_SETS)
def test_incoming_context_is_continued_and_propagated(render, options):
    _module, client, exporter, provider, seen = _traced(render, options)
    header = f"00-{TRACE_ID}-{PARENT_ID}-01"  # sampled by the caller: ParentBased keeps it
    assert client.get("/users/7", headers={"traceparent": header}).status_code == 200
    spans = _server_spans(exporter)
    assert len(spans) == 1
    span = spans[0]
    assert format(span.context.trace_id, "032x") == TRACE_ID
    assert format(span.parent.span_id, "016x") == PARENT_ID
    assert span.attributes.get("http.route") == "/users/{user_id}"
    assert span.resource.attributes["service.name"] == options.get("service_name", "app")
    assert seen["outbound"].split("-")[1] == TRACE_ID

    exporter.clear()
    client.get("/users/8")
    fresh = _server_spans(exporter)
    if options.get("sample_ratio", 1.0) == 1.0:
        assert len(fresh) == 1 and format(fresh[0].context.trace_id, "032x") != TRACE_ID

    exporter.clear()
    excluded = options.get("excluded_paths", ["/health/live"])[0]
    client.get(excluded, headers={"traceparent": header})
    assert _server_spans(exporter) == []
    provider.shutdown()


def test_an_unsampled_caller_is_respected(render):
    _, client, exporter, provider, _ = _traced(render, {})
    client.get("/users/1", headers={"traceparent": f"00-{TRACE_ID}-{PARENT_ID}-00"})
    assert _server_spans(exporter) == []
    provider.shutdown()


def test_default_exporter_is_otlp_to_the_configured_endpoint(render):
    module = render(
        "tracing", "fastapi", {"otlp_endpoint": "http://collector:4318/v1/traces"}
    ).module
    processor = module._default_processor()
    exporter = processor.span_exporter
    assert type(exporter).__name__ == "OTLPSpanExporter"
    assert exporter._endpoint == "http://collector:4318/v1/traces"
    processor.shutdown()
    assert render("tracing", "fastapi", {"exporter": "none"}).module._default_processor() is None
    assert isinstance(trace.get_tracer_provider(), trace.TracerProvider)
