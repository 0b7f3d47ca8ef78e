"""red-metrics on Express: counter and histogram with the documented names, labels and buckets;
the route label is the template (never the raw path); excluded paths are not counted."""

from __future__ import annotations

import pytest

from tests.generate.express.node import run_scenario

OPTION_SETS = [
    {},
    {
        "metrics_path": "/internal/metrics",
        "buckets": [0.01, 0.1, 1],
        "exclude_paths": ["/internal/metrics", "/ping"],
    },
]

SCENARIO = r"""
const metricsPath = OPTIONS.metrics_path || '/metrics';
const buckets = OPTIONS.buckets || [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const excluded = OPTIONS.exclude_paths || ['/metrics', '/health/live', '/health/ready', '/health/startup'];
const metrics = M.redMetrics();
const app = express();
app.use(metrics.middleware);
app.get(metricsPath, metrics.handler);
const users = express.Router();
users.get('/:id', (req, res) => res.json({ id: req.params.id }));
users.post('/:id/orders/:orderId', (req, res) => res.status(422).json({}));
app.use('/v1/users', users);
app.get('/slow', async (req, res) => { await new Promise((r) => setTimeout(r, 30)); res.json({}); });
for (const path of excluded) if (path !== metricsPath) app.get(path, (req, res) => res.json({}));
const { url, close } = await serve(app);

for (const id of ['1', '2', '3']) await call(`${url}/v1/users/${id}`);
await call(`${url}/v1/users/9/orders/77`, { method: 'POST' });
await call(`${url}/slow`);
await call(`${url}/no/such/path/123`);
for (const path of excluded) await call(`${url}${path}`);
const scrape = await call(`${url}${metricsPath}`);
assert.equal(scrape.status, 200);
assert.match(scrape.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
const text = scrape.text;

assert.match(text, /# TYPE http_requests_total counter/);
assert.match(text, /# TYPE http_request_duration_seconds histogram/);
assert.match(text, /^http_requests_total\{method="GET",route="\/v1\/users\/\{id\}",status="200"\} 3$/m);
assert.match(text, /^http_requests_total\{method="POST",route="\/v1\/users\/\{id\}\/orders\/\{orderId\}",status="422"\} 1$/m);
assert.match(text, /^http_requests_total\{method="GET",route="unmatched",status="404"\} 1$/m);
assert.ok(!/route="\/v1\/users\/[0-9]/.test(text), 'no raw paths in labels');
for (const path of excluded) assert.ok(!text.includes(`route="${path}"`), `${path} is not counted`);

const bucketLines = [...text.matchAll(/^http_request_duration_seconds_bucket\{le="([^"]+)",method="GET",route="\/v1\/users\/\{id\}"\} (\d+)$/gm)];
assert.deepEqual(bucketLines.map((m) => m[1]), [...buckets.map(String), '+Inf']);
assert.equal(bucketLines[bucketLines.length - 1][2], '3');
assert.match(text, /^http_request_duration_seconds_count\{method="GET",route="\/v1\/users\/\{id\}"\} 3$/m);
const slowSum = Number(/^http_request_duration_seconds_sum\{method="GET",route="\/slow"\} (\S+)$/m.exec(text)[1]);
assert.ok(slowSum >= 0.025 && slowSum < 5, `duration in seconds: ${slowSum}`);
assert.ok(!/status=/.test(text.split('\n').filter((l) => l.startsWith('http_request_duration')).join('\n')), 'no status on the histogram');
await close();
"""


@pytest.mark.parametrize("options", OPTION_SETS)
def test_counter_histogram_route_template(tmp_path, options):
    run_scenario(tmp_path, "red-metrics", options, SCENARIO)
