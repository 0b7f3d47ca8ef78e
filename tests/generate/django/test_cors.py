"""cors on Django (django-cors-headers): listed origins get CORS headers and a 600 s preflight,
unlisted origins get none, credentials only when asked, '*' with credentials is refused."""

from __future__ import annotations

import pytest
from django.http import JsonResponse
from django.urls import path

from backend_skill.errors import UsageError
from backend_skill.generate import generate_middleware

OPTION_SETS = [
    {},
    {
        "allow_origins": ["https://a.example", "http://localhost:3000"],
        "allow_credentials": True,
        "allow_methods": ["GET", "POST"],
        "allow_headers": ["Authorization", "X-Custom"],
        "expose_headers": ["X-Request-ID", "ETag"],
        "max_age": 300,
    },
    {"allow_origins": ["*"]},
]


def _client(render, django_app, options):
    module = render("cors", "django", options).module
    routes = [path("items", lambda r: JsonResponse({"ok": True}))]
    return django_app([module.MIDDLEWARE_ENTRY], routes, **module.CORS_SETTINGS)


def _preflight(client, origin, method="POST", headers="Authorization"):
    return client.options(
        "/items",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": headers,
        },
    )


@pytest.mark.parametrize("options", OPTION_SETS)
def test_allow_list(render, django_app, options):
    client = _client(render, django_app, options)
    origins = options.get("allow_origins", ["https://app.example.com"])
    wildcard = origins == ["*"]
    listed = "https://any.example" if wildcard else origins[-1]
    credentials = options.get("allow_credentials", False)

    simple = client.get("/items", headers={"Origin": listed})
    assert simple.status_code == 200
    assert simple.headers["Access-Control-Allow-Origin"] == ("*" if wildcard else listed)
    assert simple.headers.get("Access-Control-Allow-Credentials") == (
        "true" if credentials else None
    )
    exposed = {
        h.strip().lower() for h in simple.headers["Access-Control-Expose-Headers"].split(",")
    }
    assert exposed == {h.lower() for h in options.get("expose_headers", ["X-Request-ID"])}

    preflight = _preflight(client, listed)
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Max-Age"] == str(options.get("max_age", 600))
    methods = {m.strip() for m in preflight.headers["Access-Control-Allow-Methods"].split(",")}
    assert methods == set(options.get("allow_methods", ["GET", "POST", "PUT", "PATCH", "DELETE"]))
    allowed_headers = {
        h.strip().lower() for h in preflight.headers["Access-Control-Allow-Headers"].split(",")
    }
    assert "authorization" in allowed_headers

    if not wildcard:
        for stranger in ["https://evil.example", listed + ".evil.example", "null"]:
            assert (
                "Access-Control-Allow-Origin"
                not in client.get("/items", headers={"Origin": stranger}).headers
            )
            assert "Access-Control-Allow-Origin" not in _preflight(client, stranger).headers


def test_wildcard_with_credentials_is_refused():
    with pytest.raises(UsageError, match="allow_credentials"):
        generate_middleware("cors", "django", {"allow_origins": ["*"], "allow_credentials": True})
