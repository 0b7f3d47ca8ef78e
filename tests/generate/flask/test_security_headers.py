"""security-headers on Flask: all six, exact values, on errors too, a view's own value kept."""

from __future__ import annotations

import pytest
from flask import Flask

OPTION_SETS = [
    {},
    {
        "hsts_max_age": 3600,
        "hsts_include_subdomains": False,
        "hsts_preload": True,
        "content_security_policy": "default-src 'self'",
        "frame_options": "SAMEORIGIN",
        "referrer_policy": "no-referrer",
        "permissions_policy": "camera=()",
    },
]
EXPECTED = [
    {
        "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
        "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    },
    {
        "Strict-Transport-Security": "max-age=3600; preload",
        "Content-Security-Policy": "default-src 'self'",
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "SAMEORIGIN",
        "Referrer-Policy": "no-referrer",
        "Permissions-Policy": "camera=()",
    },
]


@pytest.mark.parametrize(("options", "expected"), list(zip(OPTION_SETS, EXPECTED, strict=True)))
def test_headers_on_every_response(render, options, expected):
    module = render("security-headers", "flask", options).module
    app = Flask(__name__)
    module.init_security_headers(app)

    @app.get("/ok")
    def ok():
        return {"ok": True}

    @app.get("/page")
    def page():
        return "<p>hi</p>", 200, {"Content-Security-Policy": "default-src 'self'; img-src *"}

    @app.get("/crash")
    def crash():
        raise RuntimeError("boom")

    client = app.test_client()
    for path, status in [("/ok", 200), ("/missing", 404), ("/crash", 500)]:
        response = client.get(path)
        assert response.status_code == status
        assert {name: response.headers.get(name) for name in expected} == expected
    kept = client.get("/page")
    assert kept.headers.getlist("Content-Security-Policy") == ["default-src 'self'; img-src *"]
    assert kept.headers["X-Frame-Options"] == expected["X-Frame-Options"]
