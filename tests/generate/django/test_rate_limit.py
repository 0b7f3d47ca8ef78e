"""rate-limit on Django: the request after the limit gets 429 with a correct Retry-After and
RateLimit-* headers; sliding window and token bucket; memory and real Redis (Lua); a spoofed
X-Forwarded-For from an untrusted peer does not change the key."""

from __future__ import annotations

import itertools

import pytest
from django.http import JsonResponse
from django.urls import path

from tests.generate.django.conftest import dotted

OPTION_SETS = [
    {},
    {"limit": 5, "window_seconds": 60, "trusted_proxies": ["10.0.0.0/8"]},
    {"algorithm": "token-bucket", "limit": 5, "window_seconds": 60},
    {"store": "redis", "limit": 5, "window_seconds": 60, "key_prefix": "rl:test:"},
    {"store": "redis", "algorithm": "token-bucket", "limit": 5, "window_seconds": 60},
]
_prefixes = itertools.count()


@pytest.fixture
def limited(render, django_app, request, monkeypatch):
    def make(options):
        if options.get("store") == "redis":
            prefix = f"rl:t{next(_prefixes)}:"
            options = {
                **options,
                "redis_url": request.getfixturevalue("redis_url"),
                "key_prefix": prefix,
            }
        module = render("rate-limit", "django", options).module
        clock = [1_000_000.0]
        monkeypatch.setattr(module, "now", lambda: clock[0])
        routes = [
            path("ping", lambda r: JsonResponse({"ok": True})),
            path("health/live", lambda r: JsonResponse({})),
        ]
        client = django_app([dotted(module, "RateLimitMiddleware")], routes)
        return client, module, clock

    return make


@pytest.mark.parametrize("options", OPTION_SETS)
def test_limit_then_429_with_retry_after(limited, options):
    client, _module, clock = limited(options)
    limit = options.get("limit", 100)
    window = options.get("window_seconds", 60)
    peer = {"REMOTE_ADDR": "203.0.113.9"}
    for n in range(limit):
        ok = client.get("/ping", **peer)
        assert ok.status_code == 200, n
        assert ok["RateLimit-Limit"] == str(limit)
        assert ok["RateLimit-Remaining"] == str(limit - n - 1)
    refused = client.get("/ping", **peer)
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "RATE_LIMITED"
    assert refused["RateLimit-Remaining"] == "0"
    token_bucket = options.get("algorithm") == "token-bucket"
    # Sliding window: the oldest request leaves the window after `window` s. Token bucket:
    # one token comes back after window/limit s.
    expected = window / limit if token_bucket else window
    assert refused["Retry-After"] == str(int(-(-expected // 1)))
    assert int(refused["RateLimit-Reset"]) == window
    # Another client is not affected; exempt paths are never limited.
    assert client.get("/ping", REMOTE_ADDR="203.0.113.10").status_code == 200
    assert client.get("/health/live", **peer).status_code == 200
    # Just before Retry-After: still refused; at it: allowed again.
    clock[0] += expected - 0.5
    assert client.get("/ping", **peer).status_code == 429
    clock[0] += 0.5
    assert client.get("/ping", **peer).status_code == 200


def test_sliding_window_retry_after_counts_from_the_oldest_request(limited):
    client, _, clock = limited({"limit": 5, "window_seconds": 60})
    for _ in range(5):
        client.get("/ping")
        clock[0] += 10  # requests at t=0,10,20,30,40
    refused = client.get("/ping")  # t=50: the t=0 request leaves at t=60
    assert refused.status_code == 429 and refused["Retry-After"] == "10"
    clock[0] += 10.5
    assert client.get("/ping").status_code == 200


@pytest.mark.parametrize("store", ["memory", "redis"])
def test_spoofed_forwarded_for_does_not_change_the_key(limited, store):
    options = {"limit": 5, "window_seconds": 60, "trusted_proxies": ["10.0.0.0/8"], "store": store}
    client, _module, _ = limited(options)
    for n in range(5):
        spoofed = {"REMOTE_ADDR": "203.0.113.9", "HTTP_X_FORWARDED_FOR": f"198.51.100.{n}"}
        assert client.get("/ping", **spoofed).status_code == 200
    spoofed = {"REMOTE_ADDR": "203.0.113.9", "HTTP_X_FORWARDED_FOR": "198.51.100.99"}
    assert client.get("/ping", **spoofed).status_code == 429
    # Through a trusted proxy the client is the right-most untrusted hop (left ones can be forged).
    via_proxy = {
        "REMOTE_ADDR": "10.0.0.2",
        "HTTP_X_FORWARDED_FOR": "6.6.6.6, 198.51.100.7, 10.0.0.3",
    }
    for _ in range(5):
        assert client.get("/ping", **via_proxy).status_code == 200
    assert client.get("/ping", **via_proxy).status_code == 429
    other = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 198.51.100.8"}
    assert client.get("/ping", **other).status_code == 200


def test_redis_limit_is_shared_between_workers(limited, render, django_app):
    client, module, _clock = limited({"store": "redis", "limit": 5, "window_seconds": 60})
    for _ in range(3):
        client.get("/ping")
    # A second middleware instance (another worker) shares the count through Redis.
    second = module.RateLimitMiddleware(lambda request: JsonResponse({}))
    from django.test import RequestFactory

    results = [second(RequestFactory().get("/ping")).status_code for _ in range(3)]
    assert results == [200, 200, 429]
