"""cursor-pagination on Express: walking every page returns each item once in order, the last
page has next_cursor null; bad cursors are 400 INVALID_CURSOR, bad limits 422 VALIDATION_FAILED."""

from __future__ import annotations

import pytest

from tests.generate.express.node import run_scenario

OPTION_SETS = [{}, {"default_limit": 7, "max_limit": 10}]

SCENARIO = r"""
const defaultLimit = OPTIONS.default_limit || 25;
const maxLimit = OPTIONS.max_limit || 100;
const items = Array.from({ length: 61 }, (_, i) => ({ id: 1000 - i, name: `item-${i}` }));  // id desc
const app = express();
app.get('/items', (req, res) => {
  const { limit, after } = M.pageParams(req);
  const rows = items.filter((item) => after === null || item.id < after.id).slice(0, limit + 1);
  res.json(M.buildPage(rows, limit, (row) => ({ id: row.id })));
});
app.use(M.paginationErrors);
const { url, close } = await serve(app);

const seen = [];
let cursor = null;
let pages = 0;
do {
  const page = await call(`${url}/items${cursor ? `?cursor=${cursor}` : ''}`);
  assert.equal(page.status, 200);
  assert.deepEqual(Object.keys(page.json).sort(), ['data', 'has_more', 'next_cursor']);
  pages += 1;
  seen.push(...page.json.data.map((item) => item.id));
  if (page.json.has_more) {
    assert.equal(page.json.data.length, defaultLimit);
    assert.match(page.json.next_cursor, /^[A-Za-z0-9_-]+$/);
  } else {
    assert.equal(page.json.next_cursor, null);
  }
  cursor = page.json.next_cursor;
} while (cursor);
assert.deepEqual(seen, items.map((item) => item.id));
assert.equal(pages, Math.ceil(items.length / defaultLimit));

const max = await call(`${url}/items?limit=${maxLimit}`);
assert.equal(max.json.data.length, Math.min(maxLimit, items.length));

for (const bad of ['0', String(maxLimit + 1), 'abc', '-1', '2.5']) {
  const response = await call(`${url}/items?limit=${bad}`, { headers: { 'X-Request-ID': 'req-1' } });
  assert.equal(response.status, 422, `limit=${bad}`);
  assert.deepEqual(response.json.error.code, 'VALIDATION_FAILED');
  assert.equal(response.json.error.details[0].field, 'limit');
  assert.equal(response.json.error.request_id, 'req-1');
}
const garbage = [
  'not-base64!!', Buffer.from('[1,2]').toString('base64url'), Buffer.from('nope').toString('base64url'),
  Buffer.from('null').toString('base64url'), 'x'.repeat(2000),
];
for (const bad of garbage) {
  const response = await call(`${url}/items?cursor=${encodeURIComponent(bad)}`);
  assert.equal(response.status, 400, bad);
  assert.equal(response.json.error.code, 'INVALID_CURSOR');
  assert.deepEqual(response.json.error.details, []);
}
await close();
"""


@pytest.mark.parametrize("options", OPTION_SETS)
def test_walk_pages_and_reject_bad_input(tmp_path, options):
    run_scenario(tmp_path, "cursor-pagination", options, SCENARIO)
