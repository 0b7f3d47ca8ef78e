"""cors on FastAPI: allow-listed origins only, preflight Max-Age, credentials, '*' refused."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from backend_skill.errors import UsageError
from backend_skill.generate import generate_middleware

OPTION_SETS = [
    {},
    {
        "allow_origins": ["https://a.example", "http://localhost:3000"],
        "allow_credentials": True,
        "allow_methods": ["GET", "POST"],
        "allow_headers": ["Content-Type", "X-Custom"],
        "max_age": 60,
    },
    {"allow_origins": ["*"]},
]


def _client(render, options):
    module = render("cors", "fastapi", options).module
    app = FastAPI()
    module.add_cors(app)

    @app.get("/items")
    def items():
        return [1]

    return TestClient(app)


def _preflight(client, origin, method="GET", headers="Content-Type"):
    return client.options(
        "/items",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": headers,
        },
    )


def test_defaults_allow_only_the_listed_origin(render):
    client = _client(render, {})
    ok = _preflight(client, "https://app.example.com")
    assert ok.status_code == 200
    assert ok.headers["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert ok.headers["Access-Control-Max-Age"] == "600"
    assert "Access-Control-Allow-Credentials" not in ok.headers
    refused = _preflight(client, "https://evil.example")
    assert refused.status_code == 400
    assert "Access-Control-Allow-Origin" not in refused.headers
    simple = client.get("/items", headers={"Origin": "https://evil.example"})
    assert simple.status_code == 200 and "Access-Control-Allow-Origin" not in simple.headers
    exposed = client.get("/items", headers={"Origin": "https://app.example.com"})
    assert exposed.headers["Access-Control-Expose-Headers"] == "X-Request-ID"


def test_custom_list_with_credentials(render):
    client = _client(render, OPTION_SETS[1])
    for origin in ["https://a.example", "http://localhost:3000"]:
        response = _preflight(client, origin, headers="X-Custom")
        assert response.status_code == 200
        assert response.headers["Access-Control-Allow-Origin"] == origin
        assert response.headers["Access-Control-Allow-Credentials"] == "true"
        assert response.headers["Access-Control-Max-Age"] == "60"
    assert _preflight(client, "https://a.example", method="DELETE").status_code == 400
    assert _preflight(client, "https://a.example", headers="X-Other").status_code == 400
    assert _preflight(client, "https://app.example.com").status_code == 400


def test_wildcard_without_credentials(render):
    response = _client(render, OPTION_SETS[2]).get(
        "/items", headers={"Origin": "https://x.example"}
    )
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_wildcard_with_credentials_is_refused_at_generation():
    with pytest.raises(UsageError, match="credentials"):
        generate_middleware("cors", "fastapi", {"allow_origins": ["*"], "allow_credentials": True})
