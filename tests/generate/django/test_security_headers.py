"""security-headers on Django: all six headers with the documented values (SecurityMiddleware,
XFrameOptionsMiddleware and the generated middleware together); a view's own value is kept."""

from __future__ import annotations

import pytest
from django.http import JsonResponse
from django.urls import path

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
DOCUMENTED = {
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


@pytest.mark.parametrize(
    ("options", "expected"), list(zip(OPTION_SETS, [DOCUMENTED, CUSTOM], strict=True))
)
def test_all_six_headers(render, django_app, options, expected):
    module = render("security-headers", "django", options).module

    def own_csp(request):
        response = JsonResponse({})
        response["Content-Security-Policy"] = "default-src 'self' https://cdn.example"
        return response

    routes = [path("ping", lambda r: JsonResponse({"ok": True})), path("own", own_csp)]
    client = django_app(module.MIDDLEWARE, routes, **module.SECURITY_SETTINGS)
    secure = client.get("/ping", secure=True)
    assert {name: secure.headers.get(name) for name in expected} == expected
    # Errors carry them too.
    missing = client.get("/nope", secure=True)
    assert missing.status_code == 404
    assert {name: missing.headers.get(name) for name in expected} == expected
    # HSTS is only meaningful (and only sent) over HTTPS; the other five are always there.
    plain = client.get("/ping")
    assert "Strict-Transport-Security" not in plain.headers
    assert all(
        plain.headers[name] == expected[name]
        for name in expected
        if name != "Strict-Transport-Security"
    )
    assert (
        client.get("/own").headers["Content-Security-Policy"]
        == "default-src 'self' https://cdn.example"
    )


def test_https_behind_a_proxy_gets_hsts(render, django_app):
    module = render("security-headers", "django").module
    client = django_app(
        module.MIDDLEWARE,
        [path("ping", lambda r: JsonResponse({}))],
        SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
        **module.SECURITY_SETTINGS,
    )
    response = client.get("/ping", headers={"X-Forwarded-Proto": "https"})
    assert response.headers["Strict-Transport-Security"] == DOCUMENTED["Strict-Transport-Security"]
