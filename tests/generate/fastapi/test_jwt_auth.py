"""jwt-auth on FastAPI: pinned algorithms, exp/aud/iss verified, alg confusion and 'none'
refused, exempt paths, and a separate scope check (401 vs 403)."""

import time
from typing import Annotated, Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient

OPTION_SETS = [
    {},
    {
        "algorithms": ["HS256"],
        "key_env": "ORDERS_JWT_SECRET",
        "audience": "orders-api",
        "issuer": "https://login.example/",
        "leeway_seconds": 0,
        "scope_claim": "scp",
        "exempt_paths": ["/public"],
    },
]
HMAC_SECRET = "an-hmac-secret-of-at-least-32-bytes!!"


@pytest.fixture(scope="module")
def rsa_keys():
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, public_pem.decode()


def _app(module, key):
    app = FastAPI()
    app.add_middleware(module.JWTAuthMiddleware, key=key)

    @app.get("/orders")
    def orders(claims: Annotated[dict[str, Any], Depends(module.require_scopes("orders:read"))]):
        return {"sub": claims["sub"]}

    @app.get("/me")
    def me(claims: Annotated[dict[str, Any], Depends(module.current_claims)]):
        return {"sub": claims["sub"]}

    for path in ["/health/live", "/public"]:
        app.add_api_route(path, lambda: {"ok": True})
    return TestClient(app)


def _claims(**overrides):
    now = int(time.time())
    claims = {"sub": "user-1", "iat": now, "exp": now + 600}
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def _assert_401(response, invalid=True):
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "UNAUTHENTICATED"
    challenge = response.headers["WWW-Authenticate"]
    assert challenge == ('Bearer error="invalid_token"' if invalid else "Bearer")


def _exercise(client, sign, aud, iss, scope_claim, exempt, wrong_key_token):
    def get(path, token):
        return client.get(path, headers={"Authorization": f"Bearer {token}"})

    good = sign(_claims(aud=aud, iss=iss, **{scope_claim: "orders:read profile"}))
    assert get("/orders", good).json() == {"sub": "user-1"}
    assert get("/me", good).status_code == 200

    no_scope = sign(_claims(aud=aud, iss=iss, **{scope_claim: "profile"}))
    forbidden = get("/orders", no_scope)
    assert forbidden.status_code == 403 and "orders:read" in forbidden.text
    as_list = sign(_claims(aud=aud, iss=iss, **{scope_claim: ["orders:read"]}))
    assert get("/orders", as_list).status_code == 200

    _assert_401(client.get("/orders"), invalid=False)
    _assert_401(client.get("/orders", headers={"Authorization": "Basic dXNlcjpwdw=="}), False)
    _assert_401(get("/orders", "garbage"))
    _assert_401(get("/orders", sign(_claims(aud=aud, iss=iss, exp=int(time.time()) - 120))))
    _assert_401(get("/orders", sign(_claims(aud="someone-else", iss=iss))))
    _assert_401(get("/orders", sign(_claims(aud=aud, iss="https://evil.example/"))))
    _assert_401(get("/orders", sign(_claims(aud=aud, iss=iss, exp=None))))  # exp required
    _assert_401(get("/orders", sign(_claims(aud=None, iss=iss))))
    unsigned = jwt.encode(_claims(aud=aud, iss=iss), key=None, algorithm="none")
    _assert_401(get("/orders", unsigned))
    _assert_401(get("/orders", wrong_key_token(_claims(aud=aud, iss=iss))))
    for path in exempt:
        assert client.get(path).status_code == 200


def test_rs256_defaults(render, rsa_keys):
    private, public_pem = rsa_keys
    module = render("jwt-auth", "fastapi", {}).module
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def confused(claims):
        # Key confusion: an HS256 token "signed" with the public key must not pass.
        return _hmac_with(public_pem, claims)

    _exercise(
        _app(module, public_pem),
        lambda claims: jwt.encode(claims, private, algorithm="RS256"),
        "api",
        "https://auth.example.com/",
        "scope",
        ["/health/live"],
        lambda claims: jwt.encode(claims, other, algorithm="RS256"),
    )
    client = _app(module, public_pem)
    token = confused(_claims(aud="api", iss="https://auth.example.com/"))
    _assert_401(client.get("/me", headers={"Authorization": f"Bearer {token}"}))


def _hmac_with(secret, claims):
    import base64
    import hashlib
    import hmac
    import json

    def b64(data):
        return base64.urlsafe_b64encode(data).rstrip(b"=")

    header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = b64(json.dumps(claims).encode())
    signature = hmac.new(secret.encode(), header + b"." + payload, hashlib.sha256).digest()
    return (header + b"." + payload + b"." + b64(signature)).decode()


def test_hs256_custom_options(render):
    module = render("jwt-auth", "fastapi", OPTION_SETS[1]).module
    _exercise(
        _app(module, HMAC_SECRET),
        lambda claims: jwt.encode(claims, HMAC_SECRET, algorithm="HS256"),
        "orders-api",
        "https://login.example/",
        "scp",
        ["/public"],
        lambda claims: jwt.encode(claims, "x" * 40, algorithm="HS256"),
    )
    client = _app(module, HMAC_SECRET)
    assert client.get("/health/live").status_code == 401  # not exempt with these options
    # Leeway 0: a token expired one second ago is refused.
    token = jwt.encode(
        _claims(aud="orders-api", iss="https://login.example/", exp=int(time.time()) - 1),
        HMAC_SECRET,
        algorithm="HS256",
    )
    _assert_401(client.get("/me", headers={"Authorization": f"Bearer {token}"}))


def test_the_key_comes_from_key_env_when_not_passed(render, monkeypatch):
    module = render("jwt-auth", "fastapi", OPTION_SETS[1]).module
    monkeypatch.delenv("ORDERS_JWT_SECRET", raising=False)
    app = FastAPI()
    app.add_middleware(module.JWTAuthMiddleware)
    app.add_api_route("/me", lambda: {"ok": True})
    with pytest.raises(RuntimeError, match="ORDERS_JWT_SECRET"):
        TestClient(app).get("/me")
    monkeypatch.setenv("ORDERS_JWT_SECRET", HMAC_SECRET)
    app = FastAPI()
    app.add_middleware(module.JWTAuthMiddleware)
    app.add_api_route("/me", lambda: {"ok": True})
    token = jwt.encode(
        _claims(aud="orders-api", iss="https://login.example/"), HMAC_SECRET, algorithm="HS256"
    )
    response = TestClient(app).get("/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


def test_an_empty_key_fails_at_startup(render):
    module = render("jwt-auth", "fastapi", {}).module
    with pytest.raises(RuntimeError, match="JWT_VERIFY_KEY"):
        _app(module, "").get("/health/live")
