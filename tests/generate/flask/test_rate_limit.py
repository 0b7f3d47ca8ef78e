"""rate-limit on Flask: sliding window and token bucket, memory and Redis (Lua), 429 with the
right Retry-After, RateLimit-* headers, trusted-proxy rule for X-Forwarded-For, exemptions."""

from __future__ import annotations

import math

import pytest
import redis
from flask import Flask

OPTION_SETS = [
    {},
    {"limit": 5, "window_seconds": 10},
    {"algorithm": "token-bucket", "limit": 5, "window_seconds": 10},
    {"store": "redis", "limit": 5, "window_seconds": 10, "key_prefix": "rl:sw:"},
    {
        "algorithm": "token-bucket",
        "limit": 5,
        "window_seconds": 10,
        "store": "redis",
        "key_prefix": "rl:tb:",
        "trusted_proxies": ["10.0.0.0/8", "127.0.0.1"],
        "exempt_paths": ["/ping"],
    },
]


def _app(module, now, **kwargs):
    app = Flask(__name__)
    module.init_rate_limit(app, clock=lambda: now[0], **kwargs)

    @app.get("/items")
    def items():
        return {"ok": True}

    @app.get("/ping")
    def ping():
        return "pong"

    @app.get("/health/live")
    def live():
        return {"status": "ok"}

    return app


@pytest.mark.parametrize("index", range(len(OPTION_SETS)))
def test_limits(render, request, index):
    options = dict(OPTION_SETS[index])
    if options.get("store") == "redis":
        options["redis_url"] = request.getfixturevalue("redis_url")
        client = redis.Redis.from_url(options["redis_url"])
        client.delete(*(client.keys(options["key_prefix"] + "*") or ["none"]))
    module = render("rate-limit", "flask", options).module
    limit, window = options.get("limit", 100), options.get("window_seconds", 60)
    bucket = options.get("algorithm") == "token-bucket"
    trusted = bool(options.get("trusted_proxies"))
    now = [1_700_000_000.0]
    app = _app(module, now)
    web = app.test_client()

    def get(path="/items", peer="127.0.0.1", forwarded=None):
        headers = {"X-Forwarded-For": forwarded} if forwarded else {}
        return web.get(path, headers=headers, environ_base={"REMOTE_ADDR": peer})

    # A spoofed X-Forwarded-For from an untrusted peer does not change the key.
    untrusted = "192.0.2.7"
    step = 0 if bucket else window / (2 * limit)
    start = now[0]
    for sent in range(1, limit + 1):
        response = get(peer=untrusted, forwarded=f"198.51.100.{sent % 250}")
        assert response.status_code == 200, sent
        assert response.headers["RateLimit-Limit"] == str(limit)
        assert response.headers["RateLimit-Remaining"] == str(limit - sent)
        assert 0 < int(response.headers["RateLimit-Reset"]) <= window
        now[0] += step
    refused = get(peer=untrusted, forwarded="203.0.113.99")
    assert refused.status_code == 429
    assert refused.get_json()["error"]["code"] == "RATE_LIMITED"
    assert refused.headers["RateLimit-Remaining"] == "0"
    elapsed = now[0] - start
    expected = math.ceil(window / limit) if bucket else math.ceil(window - elapsed)
    assert refused.headers["Retry-After"] == str(expected)

    # Other clients are not affected; exempt paths are not limited.
    assert get(peer="192.0.2.8").status_code == 200
    for _ in range(limit + 2):
        exempt = "/ping" if "exempt_paths" in options else "/health/live"
        assert get(exempt, peer=untrusted).status_code == 200
    if "exempt_paths" in options:
        assert get("/health/live", peer=untrusted).status_code == 429

    # Just before the slot frees still refused, just after allowed again.
    free_at = start + window if not bucket else now[0] + expected
    now[0] = free_at - 0.01
    assert get(peer=untrusted).status_code == 429
    now[0] = free_at + 0.01
    assert get(peer=untrusted).status_code == 200

    if trusted:
        # Behind a trusted proxy the client is the rightmost untrusted hop, not the left one.
        for sent in range(limit):
            chain = f"6.6.6.{sent}, 198.51.100.1, 10.1.2.3"
            assert get(peer="10.0.0.5", forwarded=chain).status_code == 200
        assert get(peer="10.0.0.5", forwarded="198.51.100.1").status_code == 429
        assert get(peer="10.0.0.5", forwarded="198.51.100.2").status_code == 200
        with app.test_request_context(
            "/",
            headers={"X-Forwarded-For": "1.2.3.4, 10.0.0.9"},
            environ_base={"REMOTE_ADDR": "127.0.0.1"},
        ):
            assert module.client_ip() == "1.2.3.4"
        with app.test_request_context(
            "/", headers={"X-Forwarded-For": "not-an-ip"}, environ_base={"REMOTE_ADDR": "10.0.0.1"}
        ):
            assert module.client_ip() == "10.0.0.1"
    else:
        with app.test_request_context(
            "/", headers={"X-Forwarded-For": "1.2.3.4"}, environ_base={"REMOTE_ADDR": "10.0.0.1"}
        ):
            assert module.client_ip() == "10.0.0.1"


def test_custom_key_per_ip_and_account(render):
    # Auth endpoints: 5 attempts per minute per IP + account.
    module = render("rate-limit", "flask", {"limit": 5, "window_seconds": 60}).module
    now = [0.0]
    from flask import request

    app = _app(module, now, key_func=lambda: f"{module.client_ip()}:{request.args.get('user', '')}")
    web = app.test_client()
    for _ in range(5):
        assert web.get("/items?user=alice").status_code == 200
    assert web.get("/items?user=alice").status_code == 429
    assert web.get("/items?user=bob").status_code == 200


def test_redis_is_shared_between_instances(render, redis_url):
    options = {"store": "redis", "redis_url": redis_url, "limit": 3, "key_prefix": "rl:shared:"}
    module = render("rate-limit", "flask", options).module
    redis.Redis.from_url(redis_url).delete("rl:shared:127.0.0.1")
    now = [50.0]
    first, second = _app(module, now).test_client(), _app(module, now).test_client()
    assert [first.get("/items").status_code for _ in range(2)] == [200, 200]
    assert second.get("/items").status_code == 200
    assert second.get("/items").status_code == 429
    assert first.get("/items").status_code == 429
