"""idempotency-key on Express: a replayed key returns the stored response byte for byte and does
not run the handler twice; 409 while in progress; 422 for a different payload; 4xx stored, 5xx
not; TTL expiry; keys scoped per principal. Memory and real Redis."""

from __future__ import annotations

import pytest

from tests.generate.express.node import run_scenario

OPTION_SETS = [
    {},
    {
        "header_name": "X-Idempotency-Key",
        "ttl_seconds": 60,
        "lock_timeout_seconds": 5,
        "methods": ["POST", "PUT"],
        "max_key_length": 40,
        "key_prefix": "idem:test:",
    },
    {"store": "redis", "ttl_seconds": 2, "key_prefix": "idem:express:"},
]

SCENARIO = r"""
const header = OPTIONS.header_name || 'Idempotency-Key';
const methods = OPTIONS.methods || ['POST', 'PATCH'];
const maxKey = OPTIONS.max_key_length || 255;
const ttlMs = (OPTIONS.ttl_seconds || 86400) * 1000;
const redis = OPTIONS.store === 'redis';
let now = 1_700_000_000_000;
const store = redis ? M.createStore({ redisUrl: process.env.REDIS_URL }) : M.createStore({ now: () => now });
const run = `${process.pid}-${Date.now()}`;
const counts = {};
const gates = [];
const app = express();
app.use(express.json({ verify: M.captureRawBody }));
app.use((req, res, next) => { req.auth = { sub: req.get('X-User') || 'alice' }; next(); });
app.use(M.idempotency({ store }));
const handler = async (req, res) => {
  counts[req.path] = (counts[req.path] || 0) + 1;
  if (req.path === '/slow') await new Promise((resolve) => gates.push(resolve));
  if (req.path === '/fail') return res.status(503).json({ attempt: counts[req.path] });
  if (req.path === '/invalid') return res.status(422).json({ error: { code: 'VALIDATION_FAILED' }, n: counts[req.path] });
  res.status(201).set('Location', `/orders/${counts[req.path]}`).json({ id: counts[req.path], at: Math.random() });
};
app.all('/{*path}', handler);
const { url, close } = await serve(app);
const send = (path, key, body = '{"sku":"A1","qty":2}', extra = {}, method = methods[0]) => call(`${url}${path}`, {
  method, headers: { 'Content-Type': 'application/json', ...(key ? { [header]: key } : {}), ...extra }, body,
});
const key = (name) => `${run}-${name}`;

const first = await send('/orders', key('k1'));
assert.equal(first.status, 201);
const replay = await send('/orders', key('k1'));
assert.equal(replay.status, 201);
assert.equal(replay.text, first.text, 'byte-identical body');
assert.equal(replay.headers.get('location'), first.headers.get('location'));
assert.equal(replay.headers.get('content-type'), first.headers.get('content-type'));
assert.equal(replay.headers.get('idempotent-replayed'), 'true');
assert.equal(first.headers.get('idempotent-replayed'), null);
assert.equal(counts['/orders'], 1, 'the handler ran once');

// Same key, different payload: 422, not executed.
const reused = await send('/orders', key('k1'), '{"sku":"B2","qty":1}');
assert.equal(reused.status, 422);
assert.equal(reused.json.error.code, 'IDEMPOTENCY_KEY_REUSED');
assert.equal(counts['/orders'], 1);
// Another principal with the same key is a different key.
assert.equal((await send('/orders', key('k1'), undefined, { 'X-User': 'bob' })).status, 201);
assert.equal(counts['/orders'], 2);

// Without a key, or with another method, nothing is stored.
await send('/orders', null);
await send('/orders', null);
assert.equal(counts['/orders'], 4);
const notCovered = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'].find((m) => !methods.includes(m) && m !== 'GET' && m !== 'HEAD');
await send('/orders', key('k-method'), '{}', {}, notCovered);
await send('/orders', key('k-method'), '{}', {}, notCovered);
assert.equal(counts['/orders'], 6);

// In progress: 409 with Retry-After, the handler is not entered again.
const slow = send('/slow', key('k-slow'));
while (gates.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
const busy = await send('/slow', key('k-slow'));
assert.equal(busy.status, 409);
assert.equal(busy.json.error.code, 'IDEMPOTENCY_KEY_IN_USE');
assert.equal(busy.headers.get('retry-after'), '1');
gates[0]();
assert.equal((await slow).status, 201);
assert.equal(counts['/slow'], 1);

// 4xx is a final answer and replayed; 5xx is not stored, the retry runs again.
const invalid = await send('/invalid', key('k-422'));
assert.equal((await send('/invalid', key('k-422'))).text, invalid.text);
assert.equal(counts['/invalid'], 1);
assert.equal((await send('/fail', key('k-503'))).status, 503);
assert.equal((await send('/fail', key('k-503'))).json.attempt, 2);

// Malformed keys are refused.
assert.equal((await send('/orders', 'x'.repeat(maxKey + 1))).status, 400);

// After the TTL the key may be used again.
if (redis) {
  await new Promise((resolve) => setTimeout(resolve, ttlMs + 200));
} else {
  now += ttlMs + 1;
}
const before = counts['/orders'];
const fresh = await send('/orders', key('k1'));
assert.equal(fresh.headers.get('idempotent-replayed'), null);
assert.equal(counts['/orders'], before + 1);
await close();
await store.close();
"""


@pytest.mark.parametrize("options", OPTION_SETS)
def test_replay_conflict_reuse_and_ttl(tmp_path, options, request):
    env = {}
    if options.get("store") == "redis":
        env["REDIS_URL"] = request.getfixturevalue("redis_url")
    run_scenario(tmp_path, "idempotency-key", options, SCENARIO, env=env)
