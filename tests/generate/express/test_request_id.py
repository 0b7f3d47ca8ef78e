"""request-id on Express: minted, accepted when safe, replaced when not, echoed, in context."""

from __future__ import annotations

import pytest

from tests.generate.express.node import run_scenario

OPTION_SETS = [{}, {"header_name": "X-Correlation-ID", "max_length": 16}, {"trust_inbound": False}]

SCENARIO = r"""
const header = OPTIONS.header_name || 'X-Request-ID';
const maxLength = OPTIONS.max_length || 128;
const trust = OPTIONS.trust_inbound !== false;
assert.equal(M.REQUEST_ID_HEADER, header);
const app = express();
app.use(M.requestId());
app.get('/echo', async (req, res) => {
  await new Promise((resolve) => setTimeout(resolve, 5));  // context survives an await
  res.json({ id: req.id, context: M.getRequestId() });
});
const { url, close } = await serve(app);

const minted = await call(`${url}/echo`);
const id = minted.headers.get(header);
assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
assert.deepEqual(minted.json, { id, context: id });

const accepted = await call(`${url}/echo`, { headers: { [header]: 'abc-123.X_y' } });
if (trust) {
  assert.equal(accepted.headers.get(header), 'abc-123.X_y');
  assert.equal(accepted.json.context, 'abc-123.X_y');
} else {
  assert.notEqual(accepted.headers.get(header), 'abc-123.X_y');
}
for (const bad of ['has space', 'semi;colon', 'x'.repeat(maxLength + 1)]) {
  const replaced = await call(`${url}/echo`, { headers: { [header]: bad } });
  assert.notEqual(replaced.headers.get(header), bad);
  assert.match(replaced.headers.get(header), /^[0-9a-f-]{36}$/);
}
assert.equal(M.getRequestId(), undefined);
await close();
"""


@pytest.mark.parametrize("options", OPTION_SETS)
def test_minted_accepted_and_rejected_ids(tmp_path, options):
    run_scenario(tmp_path, "request-id", options, SCENARIO)
