"""webhook-signature on Express: a correctly signed delivery reaches the handler once; a bad
signature, an old (or future) timestamp, a tampered body and missing headers are each 401 without
running the handler; rotation accepts either secret; a duplicate id is 200 without the handler;
a verified but malformed body is 400; a failed handler frees the id for the retry."""

from __future__ import annotations

import pytest

from tests.generate.express.node import run_scenario

OPTION_SETS = [
    {},
    {
        "secret_env": "PAYMENTS_WEBHOOK_SECRET",
        "tolerance_seconds": 60,
        "signature_header": "X-Signature",
        "timestamp_header": "X-Signature-Timestamp",
        "id_header": "X-Event-ID",
        "path_prefix": "/hooks/payments",
    },
]

SCENARIO = r"""
const { createHmac } = require('node:crypto');
const secretEnv = OPTIONS.secret_env || 'WEBHOOK_SECRET';
const tolerance = OPTIONS.tolerance_seconds || 300;
const sigHeader = OPTIONS.signature_header || 'X-Webhook-Signature';
const tsHeader = OPTIONS.timestamp_header || 'X-Webhook-Timestamp';
const idHeader = OPTIONS.id_header || 'X-Webhook-ID';
const prefix = OPTIONS.path_prefix || '/webhooks';
const current = 'whsec_current_0123456789abcdef01234567';
const previous = 'whsec_previous_0123456789abcdef0123456';
process.env[secretEnv] = `${current},${previous}`;

let now = 1_700_000_000;
const handled = [];
let failNext = false;
const rejections = [];
const app = express();
app.use(prefix, ...M.verifyWebhook({ now: () => now, log: (line) => rejections.push(line) }));
app.post(`${prefix}/events`, (req, res) => {
  if (failNext) { failNext = false; return res.status(500).json({}); }
  handled.push({ id: req.webhook.id, body: req.body, raw: req.rawBody.toString() });
  res.json({ status: 'accepted' });
});
app.use(express.json());
app.post('/other', (req, res) => res.json(req.body));
const { url, close } = await serve(app);

const sign = (secret, ts, body) => createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex');
function deliver({ id = 'evt_1', ts = now, body = '{"type":"order.paid","amount":10}', secret = current, signature, extra = {} } = {}) {
  const headers = { 'Content-Type': 'application/json', [idHeader]: id, [tsHeader]: String(ts),
    [sigHeader]: signature ?? `v1=${sign(secret, ts, body)}`, ...extra };
  return call(`${url}${prefix}/events`, { method: 'POST', headers, body });
}
function unauthenticated(response, label) {
  assert.equal(response.status, 401, label);
  assert.equal(response.json.error.code, 'UNAUTHENTICATED', label);
  assert.equal(response.json.error.message, 'Invalid webhook signature', label);
}

// Byte-exact: odd spacing and key order survive (the signature covers the raw body).
const spaced = '{ "amount": 10,   "type" : "order.paid" }';
const ok = await deliver({ body: spaced });
assert.equal(ok.status, 200);
assert.equal(handled.length, 1);
assert.equal(handled[0].raw, spaced);
assert.deepEqual(handled[0].body, { amount: 10, type: 'order.paid' });

unauthenticated(await deliver({ id: 'evt_2', signature: `v1=${'0'.repeat(64)}` }), 'bad signature');
unauthenticated(await deliver({ id: 'evt_3', secret: 'whsec_wrong_secret_0123456789abcdef0' }), 'wrong secret');
unauthenticated(await deliver({ id: 'evt_4', ts: now - tolerance - 1 }), 'old timestamp');
unauthenticated(await deliver({ id: 'evt_5', ts: now + tolerance + 1 }), 'future timestamp');
const body = '{"type":"order.paid","amount":10}';
unauthenticated(await deliver({ id: 'evt_6', signature: `v1=${sign(current, now, body)}`, body: body.replace('10', '10000') }), 'tampered body');
unauthenticated(await deliver({ id: 'evt_7', signature: sign(current, now, body) }), 'no v1= prefix');
unauthenticated(await call(`${url}${prefix}/events`, { method: 'POST', body }), 'no headers');
assert.equal(handled.length, 1, 'no rejected delivery reached the handler');
assert.ok(rejections.some((line) => line.reason === 'timestamp') && rejections.some((line) => line.reason === 'signature'));

// Inside the window (edge), rotation, several signatures in one header.
assert.equal((await deliver({ id: 'evt_8', ts: now - tolerance })).status, 200);
assert.equal((await deliver({ id: 'evt_9', secret: previous })).status, 200);
const both = `v1=${'a'.repeat(64)}, v1=${sign(current, now, body)}`;
assert.equal((await deliver({ id: 'evt_10', signature: both })).status, 200);
assert.equal(handled.length, 4);

// Duplicate id: 200, handler skipped.
const duplicate = await deliver({ id: 'evt_1', body: spaced });
assert.equal(duplicate.status, 200);
assert.deepEqual(duplicate.json, { status: 'duplicate' });
assert.equal(handled.length, 4);

// Verified but not JSON: 400.
const notJson = await deliver({ id: 'evt_11', body: 'type=order.paid' });
assert.equal(notJson.status, 400);
assert.equal(notJson.json.error.code, 'MALFORMED_REQUEST');

// A failing handler frees the id: the retry is processed.
failNext = true;
assert.equal((await deliver({ id: 'evt_12' })).status, 500);
assert.equal((await deliver({ id: 'evt_12' })).status, 200);
assert.equal(handled.length, 5);

// Routes outside the prefix keep their JSON parser and need no signature.
assert.deepEqual((await call(`${url}/other`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"a":1}' })).json, { a: 1 });
await close();
"""


@pytest.mark.parametrize("options", OPTION_SETS)
def test_signature_timestamp_body_and_dedupe(tmp_path, options):
    run_scenario(tmp_path, "webhook-signature", options, SCENARIO)
