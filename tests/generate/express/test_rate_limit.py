"""rate-limit on Express: the request over the limit gets 429 with the right Retry-After and the
RateLimit-* headers; the window/bucket frees up on time; a spoofed X-Forwarded-For from an
untrusted peer does not change the key, a trusted proxy's does. Memory and real Redis."""

from __future__ import annotations

import pytest

from tests.generate.express.node import run_scenario

OPTION_SETS = [
    {},
    {
        "limit": 5,
        "window_seconds": 60,
        "trusted_proxies": ["127.0.0.0/8"],
        "exempt_paths": ["/ping"],
    },
    {"algorithm": "token-bucket", "limit": 5, "window_seconds": 10},
    {"store": "redis", "limit": 5, "window_seconds": 60, "key_prefix": "rl:express:sw:"},
    {
        "store": "redis",
        "algorithm": "token-bucket",
        "limit": 5,
        "window_seconds": 10,
        "key_prefix": "rl:express:tb:",
        "trusted_proxies": ["127.0.0.1", "10.0.0.0/8"],
    },
]

SCENARIO = r"""
const limit = OPTIONS.limit || 100;
const windowMs = (OPTIONS.window_seconds || 60) * 1000;
const bucket = OPTIONS.algorithm === 'token-bucket';
const trusted = (OPTIONS.trusted_proxies || []).length > 0;
const exempt = OPTIONS.exempt_paths || ['/health/live', '/health/ready', '/health/startup'];
const runId = `${process.pid}-${Date.now()}`;
let now = 1_700_000_000_000;
const store = M.createStore(process.env.REDIS_URL);
let handled = 0;
const app = express();
app.use(M.rateLimit({ store, now: () => now, keyOf: (req) => `${runId}:${req.get('X-Account') || ''}` }));
app.get('/items', (req, res) => { handled += 1; res.json([]); });
for (const path of exempt) app.get(path, (req, res) => res.json({ status: 'ok' }));
const { url, close } = await serve(app);
const get = (headers = {}) => call(`${url}/items`, { headers });

// Sliding window: requests spread over half the window; token bucket: all at once.
const step = bucket ? 0 : Math.floor(windowMs / (2 * limit));
const start = now;
for (let i = 0; i < limit; i += 1) {
  const response = await get({ 'X-Account': 'a' });
  assert.equal(response.status, 200, `request ${i + 1}`);
  assert.equal(response.headers.get('ratelimit-limit'), String(limit));
  assert.equal(response.headers.get('ratelimit-remaining'), String(limit - i - 1));
  now += step;
}
const limited = await get({ 'X-Account': 'a' });
assert.equal(limited.status, 429);
assert.equal(handled, limit, 'the handler did not run for the limited request');
const expectedRetry = bucket ? Math.ceil(windowMs / limit / 1000) : Math.ceil((start + windowMs - now) / 1000);
assert.equal(limited.headers.get('retry-after'), String(expectedRetry));
assert.equal(limited.headers.get('ratelimit-remaining'), '0');
assert.ok(Number(limited.headers.get('ratelimit-reset')) >= expectedRetry);
assert.deepEqual(limited.json.error, { code: 'RATE_LIMITED', message: 'Too many requests', details: [], request_id: null });

// Another key (account) is independent.
assert.equal((await get({ 'X-Account': 'b' })).status, 200);
// Health probes are never limited.
for (const path of exempt) assert.equal((await call(`${url}${path}`)).status, 200);

// X-Forwarded-For: from an untrusted peer it changes nothing; behind a trusted proxy the client
// is the rightmost untrusted hop, so a spoofed left part does not change the key either.
const spoofed = await get({ 'X-Account': 'a', 'X-Forwarded-For': '203.0.113.9' });
if (!trusted) {
  assert.equal(spoofed.status, 429, 'a spoofed X-Forwarded-For from an untrusted peer is ignored');
} else {
  assert.equal(spoofed.status, 200, 'behind a trusted proxy each client has its own key');
  for (let i = 1; i < limit; i += 1) await get({ 'X-Account': 'a', 'X-Forwarded-For': '203.0.113.9' });
  const forged = await get({ 'X-Account': 'a', 'X-Forwarded-For': `198.51.100.${Math.floor(Math.random() * 200)}, 203.0.113.9` });
  assert.equal(forged.status, 429, 'a forged left-most entry does not change the key');
  if ((OPTIONS.trusted_proxies || []).includes('10.0.0.0/8')) {
    const chained = await get({ 'X-Account': 'a', 'X-Forwarded-For': '203.0.113.9, 10.1.2.3' });
    assert.equal(chained.status, 429, 'trusted hops are skipped from the right');
  }
}

// Time frees the key: one more request after Retry-After.
now += expectedRetry * 1000;
assert.equal((await get({ 'X-Account': 'a' })).status, 200);
// Exactly one slot came free (the oldest request left the window / one token refilled).
assert.equal((await get({ 'X-Account': 'a' })).status, 429);
await close();
await store.close();
"""


@pytest.mark.parametrize("options", OPTION_SETS)
def test_limit_retry_after_and_forwarded_for(tmp_path, options, request):
    env = {}
    if options.get("store") == "redis":
        env["REDIS_URL"] = request.getfixturevalue("redis_url")
    run_scenario(tmp_path, "rate-limit", options, SCENARIO, env=env)
