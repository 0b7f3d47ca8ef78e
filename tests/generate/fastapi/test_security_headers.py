"""security-headers on FastAPI: all six, exact values, on success and error responses."""

from __future__ import annotations

import pytest
from fastapi import FastAPI, HTTPException, Response
from fastapi.testclient import TestClient

OPTION_SETS = [
    {},
    {
        "hsts_max_age": 31536000,
        "hsts_include_subdomains": False,
        "hsts_preload": True,
        "content_security_policy": "default-src 'self'",
        "frame_options": "SAMEORIGIN",
        "referrer_policy": "no-referrer",
        "permissions_policy": "camera=()",
    },
]
DECIDED = {
    "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
CUSTOM = {
    "Strict-Transport-Security": "max-age=31536000; preload",
    "Content-Security-Policy": "default-src 'self'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "SAMEORIGIN",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=()",
}


def _client(render, options):
    module = render("security-headers", "fastapi", options).module
    app = FastAPI()
    app.add_middleware(module.SecurityHeadersMiddleware)

    @app.get("/ok")
    def ok():
        return {"ok": True}

    @app.get("/forbidden")
    def forbidden():
        raise HTTPException(403)

    @app.get("/docs-like")
    def own_csp(response: Response):
        response.headers["Content-Security-Policy"] = "default-src 'self' cdn.example"
        return {}

    return TestClient(app)


@pytest.mark.parametrize(
    ("options", "expected"), list(zip(OPTION_SETS, [DECIDED, CUSTOM], strict=True))
)
def test_all_six_headers_with_exact_values(render, options, expected):
    client = _client(render, options)
    for path, status in [("/ok", 200), ("/forbidden", 403), ("/missing", 404)]:
        response = client.get(path)
        assert response.status_code == status
        assert {name: response.headers.get(name) for name in expected} == expected


def test_a_route_keeps_its_own_value(render):
    response = _client(render, {}).get("/docs-like")
    assert response.headers["Content-Security-Policy"] == "default-src 'self' cdn.example"
    assert response.headers["X-Frame-Options"] == "DENY"
