"""json-logging on Express: JSON lines with the documented fields, bound to the request's id and
trace, one access line per request with the route template, secrets redacted, level honoured."""

from __future__ import annotations

import pytest

from tests.generate.express.node import run_scenario

OPTION_SETS = [
    {},
    {
        "service_name": "orders-api",
        "level": "WARNING",
        "logger_name": "orders",
        "request_id_header": "X-Correlation-ID",
        "redact_fields": ["pin", "password"],
    },
]

SCENARIO = r"""
const service = OPTIONS.service_name || 'app';
const level = OPTIONS.level || 'INFO';
const header = OPTIONS.request_id_header || 'X-Request-ID';
const redacted = OPTIONS.redact_fields || ['password', 'token', 'secret', 'authorization', 'api_key'];
const lines = [];
const log = M.createLogger({ stream: { write: (line) => lines.push(line) } });
const app = express();
app.use(M.requestLogging(log));
app.get('/users/:id', async (req, res) => {
  await new Promise((resolve) => setTimeout(resolve, 5));
  const fields = { user_id: req.params.id, nested: {} };
  for (const name of redacted) { fields[name] = 'sensitive-value'; fields.nested[name.toUpperCase()] = 'sensitive-value'; }
  log.debug('debug detail');
  log.warn('user read', fields);
  res.json({ ok: true });
});
app.get('/fail', (req, res) => res.status(503).json({}));
const { url, close } = await serve(app);

const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
const parentId = '00f067aa0ba902b7';
const response = await call(`${url}/users/42`, {
  headers: { [header]: 'req-abc', traceparent: `00-${traceId}-${parentId}-01` },
});
assert.equal(response.headers.get(header), 'req-abc');
await call(`${url}/fail`);
await new Promise((resolve) => setTimeout(resolve, 20));

const records = lines.map((line) => { assert.ok(line.endsWith('\n')); return JSON.parse(line); });
for (const record of records) {
  for (const key of ['timestamp', 'level', 'message', 'service', 'request_id', 'trace_id', 'span_id']) {
    assert.ok(key in record, `${key} in ${JSON.stringify(record)}`);
  }
  assert.match(record.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  assert.equal(record.service, service);
}
const user = records.find((record) => record.message === 'user read');
assert.equal(user.level, 'WARNING');
assert.equal(user.request_id, 'req-abc');
assert.equal(user.trace_id, traceId);
assert.equal(user.span_id, parentId);
assert.equal(user.user_id, '42');
assert.ok(!lines.join('').includes('sensitive-value'), 'every configured field is redacted');
for (const name of redacted) assert.equal(user[name], '[REDACTED]');

assert.equal(records.some((record) => record.message === 'debug detail'), false, 'DEBUG is below the level');
const access = records.filter((record) => record.message === 'request');
const failed = access.find((record) => record.status === 503);
assert.equal(failed.level, 'ERROR');
const ok = access.find((record) => record.status === 200);
if (level === 'INFO') {
  assert.equal(ok.route, '/users/:id', 'the route template, not the raw path');
  assert.equal(ok.request_id, 'req-abc');
  assert.equal(typeof ok.duration_ms, 'number');
  assert.equal(access.length, 2);
} else {
  assert.equal(ok, undefined, 'INFO access lines are below WARNING');
  assert.equal(access.length, 1);
}
// Outside a request: no request id, and a minted id when the inbound one is unsafe.
log.error('background job');
assert.equal(JSON.parse(lines[lines.length - 1]).request_id, null);
const minted = await call(`${url}/users/1`, { headers: { [header]: 'bad id' } });
assert.match(minted.headers.get(header), /^[0-9a-f-]{36}$/);
await close();
"""


@pytest.mark.parametrize("options", OPTION_SETS)
def test_json_lines_bound_to_the_request(tmp_path, options):
    run_scenario(tmp_path, "json-logging", options, SCENARIO)
