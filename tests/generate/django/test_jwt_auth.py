"""jwt-auth on Django: valid tokens pass; missing, forged, expired, wrong aud/iss, alg none and
a not-allowed algorithm get 401; a missing scope gets 403; exempt paths need no token."""

from __future__ import annotations

import base64
import hashlib
import hmac as hmac_lib
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.http import JsonResponse
from django.urls import path

from tests.generate.django.conftest import dotted

OPTION_SETS = [
    {},
    {
        "algorithms": ["HS256"],
        "key_env": "TEST_JWT_SECRET",
        "audience": "orders-api",
        "issuer": "https://login.example.org/",
        "leeway_seconds": 0,
        "scope_claim": "scp",
        "exempt_paths": ["/public"],
    },
]
SECRET = "a-test-only-secret-that-is-long-enough-1234"


@pytest.fixture(scope="module")
def rsa_keys():
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, public.decode()


@pytest.mark.parametrize("options", OPTION_SETS)
def test_authentication_and_authorization(render, django_app, monkeypatch, rsa_keys, options):
    private, public = rsa_keys
    hmac = options.get("algorithms") == ["HS256"]
    sign_key, verify_key, algorithm = (
        (SECRET, SECRET, "HS256") if hmac else (private, public, "RS256")
    )
    module = render("jwt-auth", "django", options).module
    monkeypatch.setenv(module.KEY_ENV, verify_key)
    scope_claim = options.get("scope_claim", "scope")

    @module.require_scope("orders:read")
    def orders(request):
        return JsonResponse({"sub": request.jwt_claims["sub"]})

    @module.require_scope("orders:read", "orders:write")
    def write(request):
        return JsonResponse({"ok": True})

    exempt = options.get("exempt_paths", ["/health/live"])[0]
    routes = [
        path("orders", orders),
        path("write", write),
        path(exempt.lstrip("/"), lambda r: JsonResponse({"public": True})),
    ]
    client = django_app([dotted(module, "JwtAuthMiddleware")], routes)
    now = int(time.time())
    good = {
        "sub": "user-1",
        "aud": options.get("audience", "api"),
        "iss": options.get("issuer", "https://auth.example.com/"),
        "exp": now + 600,
        "iat": now,
        scope_claim: "orders:read profile",
    }

    def call(claims=None, key=sign_key, alg=algorithm, url="/orders", raw=None):
        token = raw if raw is not None else jwt.encode(claims, key, algorithm=alg)
        return client.get(url, headers={"Authorization": f"Bearer {token}"})

    ok = call(good)
    assert ok.status_code == 200 and ok.json() == {"sub": "user-1"}
    assert client.get(exempt).status_code == 200

    missing = client.get("/orders")
    assert missing.status_code == 401
    assert missing["WWW-Authenticate"].startswith("Bearer")
    assert missing.json()["error"]["code"] == "UNAUTHENTICATED"
    rejected = [
        call({**good, "exp": now - 120}),
        call({**good, "aud": "someone-else"}),
        call({**good, "iss": "https://evil.example/"}),
        call({k: v for k, v in good.items() if k != "exp"}),
        call(good, key="another-secret-another-secret-another!!" if hmac else SECRET, alg="HS256"),
        call(raw=jwt.encode(good, None, algorithm="none")),
        call(raw="not.a.jwt"),
    ]
    for response in rejected:
        assert response.status_code == 401, response.content
        assert response.json()["error"]["code"] == "INVALID_TOKEN"
    if not hmac:  # the RSA public key used as an HMAC secret (key confusion) is refused

        def b64(data):
            return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

        signing_input = b64(b'{"alg":"HS256","typ":"JWT"}') + "." + b64(json.dumps(good).encode())
        mac = hmac_lib.new(public.encode(), signing_input.encode(), hashlib.sha256).digest()
        assert call(raw=f"{signing_input}.{b64(mac)}").status_code == 401

    forbidden = call(good, url="/write")
    assert forbidden.status_code == 403
    assert forbidden.json()["error"]["code"] == "INSUFFICIENT_SCOPE"
    granted = call({**good, scope_claim: ["orders:read", "orders:write"]}, url="/write")
    assert granted.status_code == 200


def test_leeway_is_honoured(render, django_app, monkeypatch):
    module = render("jwt-auth", "django", {"algorithms": ["HS256"], "leeway_seconds": 30}).module
    monkeypatch.setenv(module.KEY_ENV, SECRET)
    client = django_app(
        [dotted(module, "JwtAuthMiddleware")], [path("x", lambda r: JsonResponse({}))]
    )
    claims = {"aud": "api", "iss": "https://auth.example.com/"}
    within = jwt.encode({**claims, "exp": int(time.time()) - 10}, SECRET, algorithm="HS256")
    beyond = jwt.encode({**claims, "exp": int(time.time()) - 60}, SECRET, algorithm="HS256")
    assert client.get("/x", headers={"Authorization": f"Bearer {within}"}).status_code == 200
    assert client.get("/x", headers={"Authorization": f"Bearer {beyond}"}).status_code == 401


def test_missing_key_fails_at_start(render, django_app, monkeypatch):
    module = render("jwt-auth", "django").module
    monkeypatch.delenv(module.KEY_ENV, raising=False)
    client = django_app(
        [dotted(module, "JwtAuthMiddleware")], [path("x", lambda r: JsonResponse({}))]
    )
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match=module.KEY_ENV):
        client.get("/x")
