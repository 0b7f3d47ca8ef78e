"""retry on Express: real connection failures are retried with full-jitter delays inside the
documented bounds, up to max_attempts; non-retryable errors are not retried."""

from __future__ import annotations

import pytest

from tests.generate.express.node import run_scenario

OPTION_SETS = [
    {},
    {"max_attempts": 5, "base_seconds": 0.5, "cap_seconds": 1, "retry_on": ["OSError"]},
    {"max_attempts": 2, "retry_on": ["Exception"]},
]

SCENARIO = r"""
const net = require('node:net');
const maxAttempts = OPTIONS.max_attempts || 3;
const baseMs = (OPTIONS.base_seconds || 0.1) * 1000;
const capMs = (OPTIONS.cap_seconds || 10) * 1000;
const retryOn = OPTIONS.retry_on || ['ConnectionError', 'TimeoutError'];

// A server that drops the connection of the first two requests, then answers.
let connections = 0;
const app = express();
app.get('/data', (req, res) => {
  connections += 1;
  if (connections <= 2) req.socket.destroy();
  else res.json({ ok: true });
});
const { url, close } = await serve(app);

const sleeps = [];
const sleep = async (ms) => { sleeps.push(ms); };
const get = () => fetch(`${url}/data`, { headers: { Connection: 'close' } }).then((r) => r.json());
if (maxAttempts >= 3) {
  const body = await M.retry(get, { sleep });
  assert.deepEqual(body, { ok: true });
  assert.equal(connections, 3);
  assert.equal(sleeps.length, 2);
} else {
  await assert.rejects(M.retry(get, { sleep }));
  assert.equal(connections, maxAttempts);
}

// Full jitter: random() in [0, 1) scales the capped exponential; bounds checked at both ends.
for (let attempt = 0; attempt < 8; attempt += 1) {
  const ceiling = Math.min(capMs, baseMs * 2 ** attempt);
  assert.equal(M.backoffMs(attempt, () => 0), 0);
  assert.ok(Math.abs(M.backoffMs(attempt, () => 0.999999) - ceiling) < 0.01 * ceiling);
}

// A closed port: ECONNREFUSED every time -> exactly maxAttempts calls, then the error.
const probe = net.createServer();
await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
const closedPort = probe.address().port;
await new Promise((resolve) => probe.close(resolve));
let calls = 0;
sleeps.length = 0;
await assert.rejects(M.retry(() => { calls += 1; return fetch(`http://127.0.0.1:${closedPort}/`); }, { sleep }));
assert.equal(calls, maxAttempts);
assert.equal(sleeps.length, maxAttempts - 1);
sleeps.forEach((ms, attempt) => assert.ok(ms >= 0 && ms <= Math.min(capMs, baseMs * 2 ** attempt)));

// A bug (TypeError without a system code) is retried only when Exception is configured.
calls = 0;
await assert.rejects(M.retry(() => { calls += 1; throw new TypeError('bug'); }, { sleep }), TypeError);
assert.equal(calls, retryOn.includes('Exception') ? maxAttempts : 1);
await close();
"""


@pytest.mark.parametrize("options", OPTION_SETS)
def test_retries_real_connection_failures(tmp_path, options):
    run_scenario(tmp_path, "retry", options, SCENARIO)
