"""health on Express: live has no checks, ready runs checks with a timeout and fails closed,
startup waits for markStarted, readiness turns 503 on shutdown."""

from __future__ import annotations

import pytest

from tests.generate.express.node import run_scenario

OPTION_SETS = [{}, {"path_prefix": "/internal/health", "check_timeout_seconds": 0.2}]

SCENARIO = r"""
const prefix = OPTIONS.path_prefix || '/health';
const timeoutMs = (OPTIONS.check_timeout_seconds || 2) * 1000;
let databaseUp = true;
let cacheCalls = 0;
const health = M.createHealth({
  checks: {
    database: async () => { if (!databaseUp) throw new Error('connection refused: secret-host'); },
    cache: async () => { cacheCalls += 1; },
  },
});
const app = express();
app.use(health.router);
const { url, close } = await serve(app);

const live = await call(`${url}${prefix}/live`);
assert.equal(live.status, 200);
assert.deepEqual(live.json, { status: 'ok', checks: {} });
assert.equal(cacheCalls, 0, 'live runs no dependency check');
assert.equal(live.headers.get('cache-control'), 'no-store');

assert.equal((await call(`${url}${prefix}/startup`)).status, 503);
health.markStarted();
assert.deepEqual((await call(`${url}${prefix}/startup`)).json, { status: 'ok', checks: {} });

const ready = await call(`${url}${prefix}/ready`);
assert.equal(ready.status, 200);
assert.deepEqual(ready.json, { status: 'ok', checks: { database: { status: 'ok' }, cache: { status: 'ok' } } });

databaseUp = false;
const down = await call(`${url}${prefix}/ready`);
assert.equal(down.status, 503);
assert.equal(down.json.status, 'fail');
assert.equal(down.json.checks.database.status, 'fail');
assert.ok(!down.text.includes('secret-host'), 'the exception text is not exposed');
assert.equal(down.json.checks.cache.status, 'ok');
databaseUp = true;

// A hanging check fails at the configured timeout instead of hanging the probe.
const slow = M.createHealth({ checks: { hang: () => new Promise(() => {}) } });
const app2 = express();
app2.use(slow.router);
const second = await serve(app2);
const started = Date.now();
const hung = await call(`${second.url}${prefix}/ready`);
const elapsed = Date.now() - started;
assert.equal(hung.status, 503);
assert.deepEqual(hung.json.checks.hang, { status: 'fail', error: 'timeout' });
assert.ok(elapsed >= timeoutMs - 20 && elapsed < timeoutMs + 1000, `took ${elapsed} ms`);
await second.close();

health.markShuttingDown();
const closing = await call(`${url}${prefix}/ready`);
assert.equal(closing.status, 503);
assert.equal(closing.json.status, 'fail');
assert.equal((await call(`${url}${prefix}/live`)).status, 200);
await close();
"""


@pytest.mark.parametrize("options", OPTION_SETS)
def test_live_ready_startup(tmp_path, options):
    run_scenario(tmp_path, "health", options, SCENARIO)
