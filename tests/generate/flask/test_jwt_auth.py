"""jwt-auth on Flask (PyJWT): pinned algorithms, exp/aud/iss, leeway, exempt paths, scopes."""

from __future__ import annotations

import base64
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask

OPTION_SETS = [
    {},
    {
        "algorithms": ["HS256"],
        "key_env": "ORDERS_JWT_SECRET",
        "audience": "https://api.example.com",
        "issuer": "https://login.example.org/tenant",
        "leeway_seconds": 0,
        "scope_claim": "scp",
        "exempt_paths": ["/public"],
    },
]
SECRET = "a-test-secret-that-is-long-enough-for-hs256-0123456789"


@pytest.fixture(scope="module")
def rsa_keys():
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_pem = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public_pem


def _b64(data):
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


@pytest.mark.parametrize("options", OPTION_SETS)
def test_authentication_and_authorization(render, options, monkeypatch, rsa_keys):
    module = render("jwt-auth", "flask", options).module
    hmac_mode = options.get("algorithms") == ["HS256"]
    private, public_pem = rsa_keys
    signing_key, verify_key = (SECRET, SECRET) if hmac_mode else (private, public_pem)
    algorithm = "HS256" if hmac_mode else "RS256"
    audience = options.get("audience", "api")
    issuer = options.get("issuer", "https://auth.example.com/")
    leeway = options.get("leeway_seconds", 30)
    scope_claim = options.get("scope_claim", "scope")
    exempt = options.get("exempt_paths", ["/health/live"])[0]
    key_env = options.get("key_env", "JWT_VERIFY_KEY")

    app = Flask(__name__)
    monkeypatch.delenv(key_env, raising=False)
    with pytest.raises(RuntimeError, match=key_env):
        module.init_jwt_auth(app)
    monkeypatch.setenv(key_env, verify_key)
    module.init_jwt_auth(app)

    @app.get("/orders")
    @module.require_scopes("orders:read")
    def orders():
        return {"sub": module.current_claims()["sub"]}

    @app.post("/orders")
    @module.require_scopes("orders:read", "orders:write")
    def create_order():
        return {"created": True}, 201

    @app.get(exempt)
    def open_path():
        return {"open": True}

    client = app.test_client()

    def token(algorithm=algorithm, key=signing_key, **claims):
        now = int(time.time())
        payload = {"sub": "user-1", "aud": audience, "iss": issuer, "exp": now + 600}
        payload[scope_claim] = "orders:read" if scope_claim == "scope" else ["orders:read"]
        payload.update(claims)
        payload = {k: v for k, v in payload.items() if v is not None}
        return jwt.encode(payload, key, algorithm=algorithm)

    def call(bearer, method="get"):
        headers = {"Authorization": f"Bearer {bearer}"} if bearer is not None else {}
        return getattr(client, method)("/orders", headers=headers)

    ok = call(token())
    assert ok.status_code == 200 and ok.get_json() == {"sub": "user-1"}
    assert client.get(exempt).status_code == 200
    assert client.options("/orders").status_code == 200  # CORS preflight needs no token

    missing = call(None)
    assert missing.status_code == 401
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    assert missing.get_json()["error"]["code"] == "UNAUTHORIZED"
    now = int(time.time())
    rejected = {
        "basic scheme": client.get("/orders", headers={"Authorization": "Basic dTpw"}),
        "garbage": call("not.a.jwt"),
        "expired": call(token(exp=now - leeway - 5)),
        "no exp": call(token(exp=None)),
        "wrong audience": call(token(aud="other-api")),
        "no audience": call(token(aud=None)),
        "wrong issuer": call(token(iss="https://evil.example/")),
        "wrong key": call(
            token(key="x" * 64, algorithm="HS256")
            if not hmac_mode
            else token(key="another-secret-that-is-long-enough-0123456789")
        ),
        "alg none": call(
            _b64({"alg": "none", "typ": "JWT"})
            + "."
            + _b64({"sub": "x", "aud": audience, "iss": issuer, "exp": now + 600})
            + "."
        ),
        "tampered": call(
            ".".join(
                [
                    token().split(".")[0],
                    _b64({"sub": "admin", "aud": audience, "iss": issuer, "exp": now + 600}),
                    token().split(".")[2],
                ]
            )
        ),
    }
    if not hmac_mode:
        # Key confusion: an HS256 token "signed" with the public key must not pass.
        rejected["hs256 with public key"] = call(
            _b64({"alg": "HS256", "typ": "JWT"}) + "." + _b64({"sub": "x"}) + ".sig"
        )
    for case, response in rejected.items():
        assert response.status_code == 401, case
        assert response.get_json()["error"]["code"] == "UNAUTHORIZED", case

    if leeway:
        assert call(token(exp=now - leeway // 2)).status_code == 200

    forbidden = call(token(), method="post")
    assert forbidden.status_code == 403
    error = forbidden.get_json()["error"]
    assert error["code"] == "FORBIDDEN"
    assert error["details"] == [{"field": scope_claim, "reason": "missing orders:write"}]
    both = "orders:read orders:write" if scope_claim == "scope" else ["orders:read", "orders:write"]
    assert call(token(**{scope_claim: both}), method="post").status_code == 201
