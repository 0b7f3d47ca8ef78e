"""etag on Express: strong ETag from the body hash, 304 without a body on a match, 200 when the
body changed, no ETag above the size limit, Cache-Control as configured."""

from __future__ import annotations

import pytest

from tests.generate.express.node import run_scenario

OPTION_SETS = [
    {},
    {"cache_control": "private, no-store", "max_body_bytes": 2048},
    {"cache_control": "none"},
]

SCENARIO = r"""
const { createHash } = require('node:crypto');
const cacheControl = OPTIONS.cache_control || 'private, no-cache';
const maxBytes = OPTIONS.max_body_bytes || 1048576;
let version = 1;
const app = M.installEtag(express());
app.get('/item', (req, res) => res.json({ id: 1, version }));
app.get('/big', (req, res) => res.type('text/plain').send('x'.repeat(maxBytes + 1)));
const { url, close } = await serve(app);
// fetch() adds "Cache-Control: no-cache" to a request with If-None-Match (an end-to-end reload,
// which must not be answered 304); a cache or a browser revalidating sends max-age=0.
const revalidate = (tag) => ({ headers: { 'If-None-Match': tag, 'Cache-Control': 'max-age=0' } });

const first = await call(`${url}/item`);
const etag = first.headers.get('etag');
const digest = createHash('sha256').update(first.text).digest('base64url');
assert.equal(etag, `"${digest}"`, 'strong (no W/), the hash of the body');
assert.equal(first.headers.get('cache-control'), cacheControl === 'none' ? null : cacheControl);

const same = await call(`${url}/item`, revalidate(etag));
assert.equal(same.status, 304);
assert.equal(same.text, '');
assert.equal(same.headers.get('etag'), etag);

const listed = await call(`${url}/item`, revalidate(`"other", ${etag}`));
assert.equal(listed.status, 304);
const reload = await call(`${url}/item`, { headers: { 'If-None-Match': etag, 'Cache-Control': 'no-cache' } });
assert.equal(reload.status, 200, 'an explicit reload gets the full body');

version = 2;
const changed = await call(`${url}/item`, revalidate(etag));
assert.equal(changed.status, 200);
assert.notEqual(changed.headers.get('etag'), etag);
assert.equal(changed.json.version, 2);

const big = await call(`${url}/big`);
assert.equal(big.status, 200);
assert.equal(big.headers.get('etag'), null);
await close();
"""


@pytest.mark.parametrize("options", OPTION_SETS)
def test_strong_etag_and_conditional_get(tmp_path, options):
    run_scenario(tmp_path, "etag", options, SCENARIO)
