"""circuit-breaker on Express: opens after the threshold (503 without calling the dependency),
half-open lets exactly half_open_max probes through, all must succeed to close, a failed probe
re-opens."""

from __future__ import annotations

import pytest

from tests.generate.express.node import run_scenario

OPTION_SETS = [{}, {"failure_threshold": 2, "recovery_timeout_seconds": 5, "half_open_max": 1}]

SCENARIO = r"""
const threshold = OPTIONS.failure_threshold || 5;
const recoveryMs = (OPTIONS.recovery_timeout_seconds || 30) * 1000;
const probes = OPTIONS.half_open_max || 3;
let now = 1_000_000;
const breaker = new M.CircuitBreaker('upstream', { now: () => now });
let upstreamCalls = 0;
let upstreamMode = 'fail';
const gates = [];
async function upstream() {
  upstreamCalls += 1;
  if (upstreamMode === 'gate') await new Promise((resolve) => gates.push(resolve));
  if (upstreamMode === 'fail') throw new Error('upstream down');
  return 'ok';
}
const app = express();
app.get('/call', async (req, res) => {
  try {
    res.json({ result: await breaker.call(upstream) });
  } catch (error) {
    if (error instanceof M.CircuitOpenError) res.status(503).json({ error: { code: 'SERVICE_UNAVAILABLE' } });
    else res.status(502).json({ error: { code: 'UPSTREAM_ERROR' } });
  }
});
const { url, close } = await serve(app);

for (let i = 0; i < threshold; i += 1) assert.equal((await call(`${url}/call`)).status, 502);
assert.equal(breaker.currentState(), 'open');
assert.equal((await call(`${url}/call`)).status, 503);
assert.equal(upstreamCalls, threshold, 'open: the dependency is not called');
now += recoveryMs - 1;
assert.equal((await call(`${url}/call`)).status, 503);
now += 1;
assert.equal(breaker.currentState(), 'half_open');

// Half-open: exactly `probes` concurrent probes reach the dependency, the next is refused.
upstreamMode = 'gate';
const inflight = Array.from({ length: probes }, () => call(`${url}/call`));
while (gates.length < probes) await new Promise((resolve) => setTimeout(resolve, 5));
const extra = await call(`${url}/call`);
assert.equal(extra.status, 503);
assert.equal(upstreamCalls, threshold + probes);
upstreamMode = 'ok';
gates.forEach((release) => release());
for (const response of await Promise.all(inflight)) assert.equal(response.status, 200);
assert.equal(breaker.currentState(), 'closed');
assert.equal((await call(`${url}/call`)).status, 200);

// Open again, then a failing probe re-opens at once.
upstreamMode = 'fail';
for (let i = 0; i < threshold; i += 1) await call(`${url}/call`);
assert.equal(breaker.currentState(), 'open');
now += recoveryMs;
assert.equal((await call(`${url}/call`)).status, 502);
assert.equal(breaker.currentState(), 'open');
const before = upstreamCalls;
assert.equal((await call(`${url}/call`)).status, 503);
assert.equal(upstreamCalls, before);

// Successes in the closed state reset the failure count.
now += recoveryMs;
upstreamMode = 'ok';
for (let i = 0; i < probes; i += 1) await call(`${url}/call`);
assert.equal(breaker.currentState(), 'closed');
for (let round = 0; round < 3; round += 1) {
  upstreamMode = 'fail';
  for (let i = 0; i < threshold - 1; i += 1) await call(`${url}/call`);
  upstreamMode = 'ok';
  await call(`${url}/call`);
}
assert.equal(breaker.currentState(), 'closed');
await close();
"""


@pytest.mark.parametrize("options", OPTION_SETS)
def test_closed_open_half_open(tmp_path, options):
    run_scenario(tmp_path, "circuit-breaker", options, SCENARIO)
