"""jwt-auth on Express: valid tokens pass; missing, expired, wrong audience or issuer, alg=none,
HMAC-with-the-public-key and exp-less tokens are 401 with WWW-Authenticate; a missing scope is 403;
exempt paths need no token. EdDSA (not in jsonwebtoken) is refused at generation."""

from __future__ import annotations

import pytest

from backend_skill.errors import UsageError
from backend_skill.generate import generate_middleware
from tests.generate.express.node import run_scenario

OPTION_SETS = [
    {},
    {
        "algorithms": ["HS256"],
        "key_env": "API_JWT_SECRET",
        "audience": "https://api.example.com",
        "issuer": "https://login.example.com/",
        "leeway_seconds": 0,
        "scope_claim": "scp",
        "exempt_paths": ["/public"],
    },
    {"algorithms": ["ES256", "RS256"], "leeway_seconds": 60},
]

SCENARIO = r"""
const { generateKeyPairSync, randomBytes } = require('node:crypto');
const jwt = require('jsonwebtoken');
const algorithms = OPTIONS.algorithms || ['RS256'];
const keyEnv = OPTIONS.key_env || 'JWT_VERIFY_KEY';
const audience = OPTIONS.audience || 'api';
const issuer = OPTIONS.issuer || 'https://auth.example.com/';
const leeway = OPTIONS.leeway_seconds ?? 30;
const scopeClaim = OPTIONS.scope_claim || 'scope';
const exempt = OPTIONS.exempt_paths || ['/health/live'];
const hmac = algorithms[0].startsWith('HS');

let signKey;
if (hmac) {
  signKey = randomBytes(32).toString('hex');
  process.env[keyEnv] = signKey;
} else if (algorithms[0].startsWith('ES')) {
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  signKey = pair.privateKey;
  process.env[keyEnv] = pair.publicKey.export({ type: 'spki', format: 'pem' });
} else {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  signKey = pair.privateKey;
  process.env[keyEnv] = pair.publicKey.export({ type: 'spki', format: 'pem' });
}
const now = Math.floor(Date.now() / 1000);
const scopes = (list) => (scopeClaim === 'scp' ? list : list.join(' '));
function token(overrides = {}, { algorithm = algorithms[0], key = signKey, drop = [] } = {}) {
  const claims = { sub: 'user-1', aud: audience, iss: issuer, iat: now, exp: now + 600, [scopeClaim]: scopes(['orders:read']), ...overrides };
  for (const name of drop) delete claims[name];
  return jwt.sign(claims, key, { algorithm });
}

let handled = 0;
const app = express();
app.use(M.authenticate());  // the key is read from the environment variable
app.get('/orders', M.requireScope('orders:read'), (req, res) => { handled += 1; res.json({ sub: req.auth.sub }); });
app.post('/orders', M.requireScope('orders:read', 'orders:write'), (req, res) => res.status(201).json({}));
for (const path of exempt) app.get(path, (req, res) => res.json({ status: 'ok' }));
const { url, close } = await serve(app);
const get = (auth, method = 'GET') => call(`${url}/orders`, { method, headers: auth ? { Authorization: auth } : {} });

const ok = await get(`Bearer ${token()}`);
assert.equal(ok.status, 200);
assert.deepEqual(ok.json, { sub: 'user-1' });

function rejected(response, label, hadToken = true) {
  assert.equal(response.status, 401, label);
  assert.equal(response.json.error.code, 'UNAUTHENTICATED', label);
  assert.equal(response.headers.get('www-authenticate'), hadToken ? 'Bearer error="invalid_token"' : 'Bearer', label);
  assert.equal(response.json.error.message, 'Authentication required', `${label}: no hint which check failed`);
}
rejected(await get(undefined), 'no token', false);
rejected(await get('Basic dXNlcjpwYXNz'), 'not a bearer', false);
rejected(await get(`Bearer ${token({ exp: now - leeway - 5 })}`), 'expired beyond the leeway');
if (leeway >= 10) assert.equal((await get(`Bearer ${token({ exp: now - 5 })}`)).status, 200, 'within the leeway');
rejected(await get(`Bearer ${token({ aud: 'other-api' })}`), 'wrong audience');
rejected(await get(`Bearer ${token({ iss: 'https://evil.example/' })}`), 'wrong issuer');
rejected(await get(`Bearer ${token({}, { drop: ['exp'] })}`), 'no exp');
const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'x', aud: audience, iss: issuer, exp: now + 600 })).toString('base64url')}.`;
rejected(await get(`Bearer ${unsigned}`), 'alg none');
const tampered = token().split('.');
tampered[1] = Buffer.from(JSON.stringify({ sub: 'admin', aud: audience, iss: issuer, exp: now + 600, [scopeClaim]: scopes(['orders:read']) })).toString('base64url');
rejected(await get(`Bearer ${tampered.join('.')}`), 'tampered payload');
if (hmac) {
  rejected(await get(`Bearer ${token({}, { key: randomBytes(32).toString('hex') })}`), 'another secret');
} else {
  // Key confusion: an HS256 token "signed" with the public key must not pass.
  rejected(await get(`Bearer ${token({}, { algorithm: 'HS256', key: process.env[keyEnv] }).replace(/=+$/, '')}`), 'HS256 with the public key');
}
assert.equal(handled, 1 + (leeway >= 10 ? 1 : 0), 'the handler ran only for accepted tokens');

const forbidden = await get(`Bearer ${token({ [scopeClaim]: scopes(['orders:read']) })}`, 'POST');
assert.equal(forbidden.status, 403);
assert.equal(forbidden.json.error.code, 'FORBIDDEN');
assert.deepEqual(forbidden.json.error.details, [{ reason: 'requires scope orders:write' }]);
assert.equal((await get(`Bearer ${token({ [scopeClaim]: scopes(['orders:read', 'orders:write']) })}`, 'POST')).status, 201);
for (const path of exempt) assert.equal((await call(`${url}${path}`)).status, 200);

// A short HMAC secret is refused at start-up.
if (hmac) assert.throws(() => M.loadKey({ [keyEnv]: 'short' }), /32 bytes/);
await close();
"""


@pytest.mark.parametrize("options", OPTION_SETS)
def test_tokens_accepted_and_rejected(tmp_path, options):
    run_scenario(tmp_path, "jwt-auth", options, SCENARIO)


def test_eddsa_is_refused_with_the_reason():
    with pytest.raises(UsageError, match="EdDSA"):
        generate_middleware("jwt-auth", "express", {"algorithms": ["EdDSA"]})
