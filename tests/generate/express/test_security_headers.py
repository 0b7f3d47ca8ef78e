"""security-headers on Express: the six headers, with the configured values, on every response."""

from __future__ import annotations

import json

import pytest

from tests.generate.express.node import run_scenario

OPTION_SETS = [
    {},
    {
        "hsts_max_age": 31536000,
        "hsts_include_subdomains": False,
        "hsts_preload": True,
        "content_security_policy": "default-src 'self'; img-src 'self' https://img.example",
        "frame_options": "SAMEORIGIN",
        "referrer_policy": "no-referrer",
        "permissions_policy": "camera=()",
    },
]
DEFAULTS = {
    "strict-transport-security": "max-age=63072000; includeSubDomains",
    "content-security-policy": "default-src 'none';frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "strict-origin-when-cross-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}
CUSTOM = {
    "strict-transport-security": "max-age=31536000; preload",
    "content-security-policy": "default-src 'self';img-src 'self' https://img.example",
    "x-content-type-options": "nosniff",
    "x-frame-options": "SAMEORIGIN",
    "referrer-policy": "no-referrer",
    "permissions-policy": "camera=()",
}

SCENARIO = r"""
const expected = JSON.parse(process.env.EXPECTED);
const app = express();
app.use(M.securityHeaders());
app.get('/ok', (req, res) => res.json({ ok: true }));
app.get('/boom', () => { throw new Error('boom'); });
app.use('/api', (req, res) => res.status(404).json({ error: { code: 'NOT_FOUND' } }));
const { url, close } = await serve(app);
for (const path of ['/ok', '/api/missing']) {
  const response = await call(`${url}${path}`);
  for (const [name, value] of Object.entries(expected)) {
    assert.equal(response.headers.get(name), value, `${name} on ${path}`);
  }
}
// Express's own final handler (no 404/error handler of the app) replaces the CSP with its
// stricter "default-src 'none'"; the other headers and a CSP are still there.
for (const path of ['/missing', '/boom']) {
  const response = await call(`${url}${path}`);
  for (const name of Object.keys(expected)) {
    assert.ok(response.headers.get(name), `${name} on ${path}`);
  }
}
await close();
"""


@pytest.mark.parametrize(
    ("options", "expected"), list(zip(OPTION_SETS, [DEFAULTS, CUSTOM], strict=True))
)
def test_six_headers_on_every_response(tmp_path, options, expected):
    run_scenario(
        tmp_path, "security-headers", options, SCENARIO, env={"EXPECTED": json.dumps(expected)}
    )
