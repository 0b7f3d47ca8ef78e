"""webhook-sender on Express: deliveries are signed (re-signed per attempt) with our headers;
5xx, 429, 408, timeouts and refused connections are retried after exactly the configured delays;
other 4xx and 3xx are final; after the last retry the endpoint is disabled once; every attempt
is logged."""

from __future__ import annotations

import pytest

from tests.generate.express.node import run_scenario

OPTION_SETS = [
    {},
    {
        "retry_delays_seconds": [2, 3],
        "connect_timeout_seconds": 1,
        "read_timeout_seconds": 0.3,
        "user_agent": "acme-hooks.v2",
    },
]

SCENARIO = r"""
const { createHmac } = require('node:crypto');
const net = require('node:net');
const delays = OPTIONS.retry_delays_seconds || [1, 5, 25, 125, 625];
const readMs = (OPTIONS.read_timeout_seconds || 10) * 1000;
const agent = OPTIONS.user_agent || 'backend-skill-webhooks/1';
const secret = 'whsec_0123456789abcdef0123456789abcdef';

// The subscriber: each path answers a scripted sequence of statuses.
const scripts = { '/flaky': [503, 429, 200], '/gone': [410], '/redirect': [302], '/down': [500], '/timeout-once': ['hang', 200], '/slow408': [408, 201] };
const seen = {};
const receiver = express();
receiver.post('/{*path}', express.raw({ type: '*/*' }), async (req, res) => {
  const list = (seen[req.path] = seen[req.path] || []);
  const ts = req.get('X-Webhook-Timestamp');
  const expected = `v1=${createHmac('sha256', secret).update(`${ts}.`).update(req.body).digest('hex')}`;
  list.push({ id: req.get('X-Webhook-ID'), ts, ok: req.get('X-Webhook-Signature') === expected,
    type: req.get('content-type'), agent: req.get('user-agent'), body: req.body.toString() });
  const script = scripts[req.path];
  const step = script[Math.min(list.length - 1, script.length - 1)];
  if (step === 'hang') { await new Promise((resolve) => setTimeout(resolve, readMs + 500)); return res.end(); }
  if (step === 302) return res.redirect(302, '/flaky');
  res.status(step).end();
});
const { url, close } = await serve(receiver);

let clock = 1_700_000_000;
const sleeps = [];
const log = [];
const disabled = [];
const sender = M.createSender({
  sleep: async (ms) => { sleeps.push(ms); clock += ms / 1000; },
  now: () => clock,
  onAttempt: (entry) => log.push(entry),
  onDisable: async (endpoint) => disabled.push(endpoint.id),
});
const endpoint = (path) => ({ id: `ep${path}`, url: `${url}${path}`, secret });
const event = { id: 'evt_1', type: 'order.paid', data: { amount: 10 } };
const reset = () => { sleeps.length = 0; log.length = 0; };

if (delays.length >= 2) {
  const flaky = await sender.deliver(endpoint('/flaky'), event);
  assert.deepEqual(flaky, { delivered: true, attempts: 3, disabled: false });
  assert.deepEqual(sleeps, [delays[0] * 1000, delays[1] * 1000]);
  const attempts = seen['/flaky'];
  assert.ok(attempts.every((a) => a.ok), 'every attempt carries a valid signature');
  assert.ok(attempts.every((a) => a.id === 'evt_1' && a.body === JSON.stringify(event)));
  assert.ok(attempts.every((a) => a.agent === agent && a.type === 'application/json'));
  assert.equal(new Set(attempts.map((a) => a.ts)).size, 3, 're-signed with a new timestamp each attempt');
  assert.deepEqual(log.map((e) => e.status), [503, 429, 200]);
  assert.deepEqual(log.map((e) => e.attempt), [1, 2, 3]);
}

reset();
assert.deepEqual(await sender.deliver(endpoint('/gone'), event), { delivered: false, attempts: 1, disabled: false });
assert.deepEqual(sleeps, [], 'a 4xx other than 408/429 is final');
reset();
assert.deepEqual(await sender.deliver(endpoint('/redirect'), event), { delivered: false, attempts: 1, disabled: false });
assert.equal(seen['/flaky'] ? seen['/flaky'].length : 0, delays.length >= 2 ? 3 : 0, 'the redirect was not followed');
reset();
assert.equal((await sender.deliver(endpoint('/slow408'), event)).delivered, delays.length >= 1);

// Always failing: 1 + len(delays) attempts after exactly the schedule, then disabled once.
reset();
const down = await sender.deliver(endpoint('/down'), event);
assert.deepEqual(down, { delivered: false, attempts: delays.length + 1, disabled: true });
assert.deepEqual(sleeps, delays.map((d) => d * 1000));
assert.equal(seen['/down'].length, delays.length + 1);
assert.deepEqual(disabled, ['ep/down']);
assert.equal(log.length, delays.length + 1);

// A refused connection and a read timeout are retried too.
const probe = net.createServer();
await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
const closedPort = probe.address().port;
await new Promise((resolve) => probe.close(resolve));
reset();
const refused = await sender.deliver({ id: 'ep-refused', url: `http://127.0.0.1:${closedPort}/`, secret }, event);
assert.equal(refused.attempts, delays.length + 1);
assert.ok(log.every((e) => e.error === 'ECONNREFUSED' && e.status === null));
if (readMs < 1000) {
  reset();
  const started = Date.now();
  const slow = await sender.deliver(endpoint('/timeout-once'), event);
  assert.deepEqual(slow, { delivered: true, attempts: 2, disabled: false });
  assert.equal(log[0].error, 'read timeout');
  assert.ok(Date.now() - started < readMs + 2000);
}
await close();
"""


@pytest.mark.parametrize("options", OPTION_SETS)
def test_signed_retried_on_schedule_then_disabled(tmp_path, options):
    run_scenario(tmp_path, "webhook-sender", options, SCENARIO)
