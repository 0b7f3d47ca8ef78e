"""graceful-shutdown on Express: on a real SIGTERM readiness turns 503 and new requests are refused,
the in-flight request completes, the server stops accepting, cleanup runs and the exit code is 0;
a request outliving the drain deadline is cut at the deadline."""

from __future__ import annotations

import pytest

from tests.generate.express.node import run_scenario

OPTION_SETS = [{}, {"drain_timeout_seconds": 0.5, "readiness_path": "/internal/ready"}]

SCENARIO = r"""
const http = require('node:http');
const drainMs = (OPTIONS.drain_timeout_seconds || 30) * 1000;
const readiness = OPTIONS.readiness_path || '/health/ready';
const app = express();
const server = http.createServer(app);
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${server.address().port}`;
const exits = [];
const events = [];
let entered = 0;
const lifecycle = M.gracefulShutdown(server, {
  preStopDelayMs: 300,
  exit: (code) => { exits.push(code); },
  log: () => {},
  onShutdown: async () => { events.push('cleanup'); },
});
app.use(lifecycle.middleware);
app.get(readiness, (req, res) => res.json({ status: 'ok', checks: {} }));
app.get('/slow', async (req, res) => { entered += 1; await new Promise((r) => setTimeout(r, 600)); events.push('slow done'); res.json({ done: true }); });
app.get('/hang', (req) => { entered += 1; /* never answers */ });
app.get('/fast', (req, res) => res.json({ ok: true }));

assert.equal((await call(`${url}${readiness}`)).status, 200);
const hanging = drainMs < 5000;
const inflight = call(`${url}/${hanging ? 'hang' : 'slow'}`).catch((error) => ({ error }));
while (entered === 0) await new Promise((r) => setTimeout(r, 5));

const started = Date.now();
process.kill(process.pid, 'SIGTERM');  // the real signal, handled by the generated listener
await new Promise((r) => setTimeout(r, 50));
assert.equal(lifecycle.isShuttingDown(), true);
const ready = await call(`${url}${readiness}`);
assert.equal(ready.status, 503);
assert.equal(ready.json.status, 'fail');
const refused = await call(`${url}/fast`);
assert.equal(refused.status, 503);
assert.equal(refused.json.error.code, 'SERVICE_UNAVAILABLE');

const result = await inflight;
if (!hanging) {
  assert.equal(result.status, 200, 'the in-flight request drained');
  assert.deepEqual(result.json, { done: true });
} else {
  assert.ok(result.error, 'the request outliving the deadline is cut');
}
while (exits.length === 0) await new Promise((r) => setTimeout(r, 10));
const elapsed = Date.now() - started;
assert.deepEqual(exits, [0]);
assert.deepEqual(events, hanging ? ['cleanup'] : ['slow done', 'cleanup'], 'cleanup after the drain');
if (hanging) assert.ok(elapsed >= 300 + drainMs - 50 && elapsed < 300 + drainMs + 1500, `deadline honoured: ${elapsed} ms`);
else assert.ok(elapsed < 3000, `no waiting once drained: ${elapsed} ms`);
// Not accepting any more.
await assert.rejects(fetch(`${url}/fast`));
"""


@pytest.mark.parametrize("options", OPTION_SETS)
def test_sigterm_drains_then_exits(tmp_path, options):
    run_scenario(tmp_path, "graceful-shutdown", options, SCENARIO)
