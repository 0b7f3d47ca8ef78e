"""cors on Flask (flask-cors): allow-list, preflight with Max-Age, credentials, no wildcard leak."""

from __future__ import annotations

import pytest
from flask import Flask

from backend_skill.errors import UsageError
from backend_skill.generate import generate_middleware

OPTION_SETS = [
    {},
    {
        "allow_origins": ["https://a.example", "http://localhost:3000"],
        "allow_credentials": True,
        "allow_methods": ["GET", "POST"],
        "allow_headers": ["Authorization"],
        "expose_headers": ["X-Request-ID", "RateLimit-Remaining"],
        "max_age": 120,
    },
    {"allow_origins": ["*"]},
]


def _client(render, options):
    module = render("cors", "flask", options).module
    app = Flask(__name__)
    module.init_cors(app)

    @app.route("/items", methods=["GET", "POST"])
    def items():
        return {"data": []}

    return app.test_client()


@pytest.mark.parametrize("options", OPTION_SETS[:2])
def test_allow_list(render, options):
    client = _client(render, options)
    origins = options.get("allow_origins", ["https://app.example.com"])
    for origin in origins:
        response = client.get("/items", headers={"Origin": origin})
        assert response.headers["Access-Control-Allow-Origin"] == origin
        assert "Origin" in response.headers.get("Vary", "")
        expose = response.headers["Access-Control-Expose-Headers"]
        assert set(expose.split(", ")) == set(options.get("expose_headers", ["X-Request-ID"]))
        credentials = response.headers.get("Access-Control-Allow-Credentials")
        assert credentials == ("true" if options.get("allow_credentials") else None)
    # Not on the list (also look-alikes a regex would let through): no CORS headers at all.
    for origin in ["https://evil.example", origins[0].replace(".", "X"), origins[0] + ".evil.io"]:
        response = client.get("/items", headers={"Origin": origin})
        assert response.status_code == 200
        assert "Access-Control-Allow-Origin" not in response.headers

    preflight = client.options(
        "/items",
        headers={
            "Origin": origins[0],
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Authorization",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == origins[0]
    assert preflight.headers["Access-Control-Max-Age"] == str(options.get("max_age", 600))
    methods = set(preflight.headers["Access-Control-Allow-Methods"].split(", "))
    assert methods == set(options.get("allow_methods", ["GET", "POST", "PUT", "PATCH", "DELETE"]))
    assert preflight.headers["Access-Control-Allow-Headers"].lower() == "authorization"
    refused = client.options(
        "/items",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert "Access-Control-Allow-Origin" not in refused.headers


def test_wildcard_without_credentials(render):
    client = _client(render, OPTION_SETS[2])
    response = client.get("/items", headers={"Origin": "https://any.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_wildcard_with_credentials_is_refused():
    with pytest.raises(UsageError, match="allow_credentials"):
        generate_middleware("cors", "flask", {"allow_origins": ["*"], "allow_credentials": True})


@pytest.mark.parametrize("options", OPTION_SETS[:2])
def test_no_origin_no_cors_headers_but_vary(render, options):
    response = _client(render, options).get("/items")
    assert not [name for name, _ in response.headers if name.startswith("Access-Control")]
    assert "Origin" in response.headers["Vary"]
