"""tracing on Express: a SERVER span per request that continues the caller's W3C trace, is named
by the route template, is active in the handler (outbound headers carry it), honours the sample
ratio and the excluded paths; the OTLP exporter really delivers spans to a collector."""

from __future__ import annotations

import pytest

from tests.generate.express.node import run_scenario

OPTION_SETS = [
    {},
    {
        "service_name": "orders-api",
        "exporter": "none",
        "sample_ratio": 0.0,
        "excluded_paths": ["/ping"],
    },
    {"exporter": "console", "sample_ratio": 0.5},
]

SCENARIO = r"""
const { InMemorySpanExporter, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const api = require('@opentelemetry/api');
const ratio = OPTIONS.sample_ratio ?? 1;
const service = OPTIONS.service_name || 'app';
const excluded = OPTIONS.excluded_paths || ['/health/live', '/health/ready', '/health/startup'];

// The spans are read from memory here; OTLP delivery is tested on its own below.
const memory = new InMemorySpanExporter();
const provider = M.setupTracing({ spanProcessors: [new SimpleSpanProcessor(memory)] });
let outbound;
const app = express();
app.use(M.tracing());
app.get('/items/:id', async (req, res) => {
  await new Promise((resolve) => setTimeout(resolve, 2));
  outbound = M.injectTraceHeaders({});
  res.json({ active: api.trace.getActiveSpan() !== undefined });
});
app.get('/boom', (req, res) => res.status(500).json({}));
for (const path of excluded) app.get(path, (req, res) => res.json({}));
const { url, close } = await serve(app);

const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
const parentId = '00f067aa0ba902b7';
const first = await call(`${url}/items/42`, { headers: { traceparent: `00-${traceId}-${parentId}-01` } });
assert.equal(first.json.active, true);
await provider.forceFlush();
let spans = memory.getFinishedSpans();
assert.equal(spans.length, 1, 'a sampled parent is always followed (parent-based sampling)');
const [span] = spans;
assert.equal(span.spanContext().traceId, traceId);
assert.equal(span.parentSpanContext.spanId, parentId);
assert.equal(span.kind, api.SpanKind.SERVER);
assert.equal(span.name, 'GET /items/{id}');
assert.equal(span.attributes['http.route'], '/items/{id}');
assert.equal(span.attributes['http.response.status_code'], 200);
assert.equal(span.resource.attributes['service.name'], service);
assert.match(outbound.traceparent, new RegExp(`^00-${traceId}-${span.spanContext().spanId}-01$`));

// No parent: a new root, sampled by the ratio.
memory.reset();
for (let i = 0; i < 40; i += 1) await call(`${url}/items/${i}`);
await call(`${url}/boom`);
await provider.forceFlush();
spans = memory.getFinishedSpans();
if (ratio === 1) {
  assert.equal(spans.length, 41);
  assert.ok(spans.every((s) => s.spanContext().traceId !== traceId && !s.parentSpanContext));
  assert.equal(spans[40].status.code, api.SpanStatusCode.ERROR);
} else if (ratio === 0) {
  assert.equal(spans.length, 0);
} else {
  assert.ok(spans.length > 0 && spans.length < 41, `about half sampled: ${spans.length}`);
}
// An unsampled parent is not recorded either.
memory.reset();
await call(`${url}/items/1`, { headers: { traceparent: `00-${traceId}-${parentId}-00` } });
for (const path of excluded) await call(`${url}${path}`, { headers: { traceparent: `00-${traceId}-${parentId}-01` } });
await provider.forceFlush();
assert.equal(memory.getFinishedSpans().length, 0, 'unsampled parent and excluded paths make no span');
await close();
await provider.shutdown();
"""

OTLP_SCENARIO = r"""
const received = [];
const sink = express();
sink.post('/v1/traces', express.raw({ type: '*/*', limit: '5mb' }), (req, res) => { received.push(req.body); res.json({}); });
const collector = await serve(sink);
process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT = `${collector.url}/v1/traces`;
const provider = M.setupTracing();  // the generated default: BatchSpanProcessor + OTLP/HTTP exporter
const app = express();
app.use(M.tracing());
app.get('/orders/:id', (req, res) => res.json({}));
const { url, close } = await serve(app);
const traceId = 'aaaabbbbccccddddeeeeffff00001111';
await call(`${url}/orders/7`, { headers: { traceparent: `00-${traceId}-1111222233334444-01` } });
await provider.forceFlush();
assert.equal(received.length, 1, 'one export request reached the collector');
const payload = received[0].toString('latin1');
assert.ok(payload.includes('GET /orders/{id}') , 'the span name is in the export');
await close();
await provider.shutdown();
await collector.close();
"""


@pytest.mark.parametrize("options", OPTION_SETS)
def test_server_spans_follow_w3c_context(tmp_path, options):
    run_scenario(tmp_path, "tracing", options, SCENARIO)


def test_otlp_exporter_delivers_to_a_collector(tmp_path):
    run_scenario(tmp_path, "tracing", {}, OTLP_SCENARIO)
