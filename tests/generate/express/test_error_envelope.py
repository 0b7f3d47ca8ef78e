"""error-envelope on Express: HTTP errors, validation errors, broken JSON and crashes all come back
as {error: {code, message, details, request_id}}; crashes are logged, never leaked."""

from __future__ import annotations

import pytest

from tests.generate.express.node import run_scenario

OPTION_SETS = [
    {},
    {
        "request_id_header": "X-Correlation-ID",
        "internal_error_message": "Something went wrong on our side",
    },
]

SCENARIO = r"""
const header = OPTIONS.request_id_header || 'X-Request-ID';
const internal = OPTIONS.internal_error_message || 'Internal server error';
const logged = [];
const app = express();
app.use(express.json());
app.get('/ok', (req, res) => res.json({ ok: true }));
app.post('/users', (req) => {
  throw new M.ValidationError([{ field: 'email', reason: 'must be a valid email address' }]);
});
app.get('/taken', () => { throw new M.ApiError(409, 'ALREADY_EXISTS', 'Email is taken', [{ field: 'email', reason: 'taken' }]); });
app.get('/crash', () => { throw new Error('db password=hunter2 leaked'); });
app.get('/async-crash', async () => { await Promise.resolve(); throw new TypeError('undefined is not a function'); });
app.use(M.notFound());
app.use(M.errorEnvelope({ logger: { error: (line) => logged.push(line) } }));
const { url, close } = await serve(app);

function envelope(response, status, code) {
  assert.equal(response.status, status);
  assert.match(response.headers.get('content-type'), /^application\/json/);
  assert.deepEqual(Object.keys(response.json), ['error']);
  assert.deepEqual(Object.keys(response.json.error), ['code', 'message', 'details', 'request_id']);
  assert.equal(response.json.error.code, code);
  assert.ok(Array.isArray(response.json.error.details));
  assert.equal(response.json.error.request_id, response.headers.get(header));
  return response.json.error;
}

const missing = envelope(await call(`${url}/nope`, { headers: { [header]: 'req-42' } }), 404, 'NOT_FOUND');
assert.equal(missing.request_id, 'req-42');
assert.deepEqual(missing.details, []);

const invalid = envelope(await call(`${url}/users`, {
  method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"email": "x"}',
}), 422, 'VALIDATION_FAILED');
assert.equal(invalid.message, 'Request validation failed');
assert.deepEqual(invalid.details, [{ field: 'email', reason: 'must be a valid email address' }]);

const broken = envelope(await call(`${url}/users`, {
  method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"email": ',
}), 400, 'MALFORMED_REQUEST');
assert.deepEqual(broken.details, []);

envelope(await call(`${url}/taken`), 409, 'ALREADY_EXISTS');

for (const path of ['/crash', '/async-crash']) {
  const crash = await call(`${url}${path}`, { headers: { [header]: 'bad id with spaces' } });
  const error = envelope(crash, 500, 'INTERNAL');
  assert.equal(error.message, internal);
  assert.notEqual(error.request_id, 'bad id with spaces');
  assert.ok(!crash.text.includes('hunter2') && !crash.text.includes('not a function'));
}
assert.equal(logged.length, 2);
assert.ok(logged[0].includes('hunter2'), 'the cause goes to the logs');
assert.ok(logged[1].includes('TypeError'));
assert.equal((await call(`${url}/ok`)).status, 200);
await close();
"""


@pytest.mark.parametrize("options", OPTION_SETS)
def test_every_error_in_the_envelope(tmp_path, options):
    run_scenario(tmp_path, "error-envelope", options, SCENARIO)
