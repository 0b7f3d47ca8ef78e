"""tracing on Flask (OpenTelemetry): W3C context in and out, route-named spans, exclusions,
sampling, and the console and OTLP exporters against a real collector on 127.0.0.1."""

from __future__ import annotations

import io
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from flask import Flask
from opentelemetry import propagate, trace
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

OPTION_SETS = [
    {},
    {
        "service_name": "orders-api",
        "exporter": "console",
        "sample_ratio": 0.0,
        "excluded_paths": ["/ping"],
    },
    {"exporter": "none", "service_name": "quiet"},
]
TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT = "00f067aa0ba902b7"


def _app(module, processor=None):
    app = Flask(__name__)
    provider = module.init_tracing(app, span_processor=processor)

    @app.get("/users/<int:user_id>")
    def user(user_id):
        outbound = {}
        propagate.inject(outbound)  # what an outbound HTTP call would carry
        span = trace.get_current_span().get_span_context()
        return {"outbound": outbound, "span_id": f"{span.span_id:016x}"}

    @app.get("/ping")
    def ping():
        return "pong"

    @app.get("/health/live")
    def live():
        return {"status": "ok"}

    return app, provider


@pytest.mark.parametrize("options", OPTION_SETS)
def test_context_in_and_out(render, options):
    module = render("tracing", "flask", options).module
    exporter = InMemorySpanExporter()
    app, _ = _app(module, SimpleSpanProcessor(exporter))
    client = app.test_client()
    service = options.get("service_name", "app")

    body = client.get("/users/7", headers={"traceparent": f"00-{TRACE}-{PARENT}-01"}).get_json()
    (span,) = exporter.get_finished_spans()
    assert span.name == "GET /users/<int:user_id>"
    assert span.attributes["http.route"] == "/users/<int:user_id>"
    assert f"{span.context.trace_id:032x}" == TRACE
    assert f"{span.parent.span_id:016x}" == PARENT
    assert span.resource.attributes["service.name"] == service
    # Outbound calls carry the same trace with this request's span as parent.
    assert body["outbound"]["traceparent"] == f"00-{TRACE}-{body['span_id']}-01"

    exporter.clear()
    sampled = {"traceparent": f"00-{TRACE}-{PARENT}-01"}
    client.get("/ping", headers=sampled)
    client.get("/health/live", headers=sampled)
    names = [s.name for s in exporter.get_finished_spans()]
    if "excluded_paths" in options:
        assert names == ["GET /health/live"], "only /ping is excluded"
    else:
        assert names == ["GET /ping"], "health paths are excluded"

    exporter.clear()
    client.get("/users/1")  # no inbound context: a new root, sampled by ratio
    roots = exporter.get_finished_spans()
    if options.get("sample_ratio", 1.0) == 0:
        assert roots == ()
        # A sampled parent is still honoured (parent-based).
        client.get("/users/2", headers={"traceparent": f"00-{TRACE}-{PARENT}-01"})
        assert len(exporter.get_finished_spans()) == 1
    else:
        assert len(roots) == 1 and roots[0].parent is None


def test_console_exporter_prints_spans(render, monkeypatch):
    module = render("tracing", "flask", OPTION_SETS[1]).module
    # The exporter binds sys.stdout when its module is imported; hand it a buffer instead.
    out = io.StringIO()
    console = module.ConsoleSpanExporter
    monkeypatch.setattr(module, "ConsoleSpanExporter", lambda: console(out=out))
    app, provider = _app(module)
    app.test_client().get("/users/3", headers={"traceparent": f"00-{TRACE}-{PARENT}-01"})
    provider.force_flush()
    printed = json.loads(out.getvalue())
    assert printed["name"] == "GET /users/<int:user_id>"
    assert printed["resource"]["attributes"]["service.name"] == "orders-api"


@pytest.fixture
def collector():
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers["Content-Length"])
            received.append((self.path, self.headers["Content-Type"], self.rfile.read(length)))
            self.send_response(200)
            self.send_header("Content-Type", "application/x-protobuf")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/v1/traces", received
    server.shutdown()


def test_otlp_exporter_sends_to_the_collector(render, collector):
    endpoint, received = collector
    module = render(
        "tracing", "flask", {"otlp_endpoint": endpoint, "service_name": "otlp-svc"}
    ).module
    app, provider = _app(module)
    app.test_client().get("/users/9", headers={"traceparent": f"00-{TRACE}-{PARENT}-01"})
    assert provider.force_flush(10_000)
    assert received, "the collector got no export"
    path, content_type, payload = received[0]
    assert path == "/v1/traces" and content_type == "application/x-protobuf"
    assert b"otlp-svc" in payload and bytes.fromhex(TRACE) in payload
    provider.shutdown()
