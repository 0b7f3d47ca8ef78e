"""cors on Express: listed origins pass (preflight with max-age), others get no CORS headers."""

from __future__ import annotations

import pytest

from tests.generate.express.node import run_scenario

OPTION_SETS = [
    {},
    {
        "allow_origins": ["https://a.example", "http://localhost:3000"],
        "allow_credentials": True,
        "allow_methods": ["GET", "POST"],
        "allow_headers": ["Content-Type"],
        "expose_headers": ["X-Request-ID", "ETag"],
        "max_age": 120,
    },
    {"allow_origins": ["*"]},
]

SCENARIO = r"""
const origins = OPTIONS.allow_origins || ['https://app.example.com'];
const credentials = OPTIONS.allow_credentials || false;
const maxAge = String(OPTIONS.max_age ?? 600);
const methods = OPTIONS.allow_methods || ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const app = express();
app.use(M.corsAllowList());
app.get('/items', (req, res) => res.json([]));
const { url, close } = await serve(app);

for (const origin of origins.filter((o) => o !== '*')) {
  const simple = await call(`${url}/items`, { headers: { Origin: origin } });
  assert.equal(simple.headers.get('access-control-allow-origin'), origin);
  assert.match(simple.headers.get('vary') || '', /Origin/);
  assert.equal(simple.headers.get('access-control-allow-credentials'), credentials ? 'true' : null);
  const preflight = await call(`${url}/items`, {
    method: 'OPTIONS',
    headers: { Origin: origin, 'Access-Control-Request-Method': 'POST' },
  });
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers.get('access-control-allow-origin'), origin);
  assert.equal(preflight.headers.get('access-control-max-age'), maxAge);
  assert.equal(preflight.headers.get('access-control-allow-methods'), methods.join(','));
}
const evil = await call(`${url}/items`, { headers: { Origin: 'https://evil.example' } });
if (origins.includes('*')) {
  assert.equal(evil.headers.get('access-control-allow-origin'), '*');
  assert.equal(evil.headers.get('access-control-allow-credentials'), null);
} else {
  assert.equal(evil.headers.get('access-control-allow-origin'), null);
  // Suffix tricks do not pass either.
  const suffix = await call(`${url}/items`, { headers: { Origin: `${origins[0]}.evil.example` } });
  assert.equal(suffix.headers.get('access-control-allow-origin'), null);
}
await close();
"""


@pytest.mark.parametrize("options", OPTION_SETS)
def test_allow_list(tmp_path, options):
    run_scenario(tmp_path, "cors", options, SCENARIO)
