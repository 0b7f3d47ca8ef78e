"""rate-limit on FastAPI: sliding window and token bucket, memory and real Redis (Lua), 429 with
a correct Retry-After, RateLimit-* headers, X-Forwarded-For only from trusted proxies."""

import asyncio

import httpx
import pytest
from fastapi import FastAPI

OPTION_SETS = [
    {},
    {
        "limit": 5,
        "window_seconds": 60,
        "trusted_proxies": ["10.0.0.0/8"],
        "key_prefix": "rl:test:",
        "exempt_paths": ["/ping"],
    },
    {"algorithm": "token-bucket", "limit": 5, "window_seconds": 60},
    {"store": "redis", "limit": 5, "window_seconds": 60, "key_prefix": "rl:sw:"},
    {"store": "redis", "algorithm": "token-bucket", "limit": 5, "window_seconds": 60},
]


class Clock:
    def __init__(self):
        self.now = 5000.0

    def __call__(self):
        return self.now


def _client(module, limiter, peer="203.0.113.7"):
    app = FastAPI()
    app.add_middleware(module.RateLimitMiddleware, limiter=limiter)
    calls = {"n": 0}

    @app.get("/items")
    async def items():
        calls["n"] += 1
        return {"ok": True}

    @app.get("/ping")
    async def ping():
        return {"pong": True}

    @app.get("/health/live")
    async def live():
        return {"status": "ok"}

    transport = httpx.ASGITransport(app=app, client=(peer, 41000))
    return httpx.AsyncClient(transport=transport, base_url="http://api"), calls


def _assert_limited(response, retry_after, limit):
    assert response.status_code == 429
    assert response.headers["Retry-After"] == str(retry_after)
    assert response.headers["RateLimit-Limit"] == str(limit)
    assert response.headers["RateLimit-Remaining"] == "0"
    assert response.json()["error"]["code"] == "RATE_LIMITED"


def test_defaults_100_per_minute_sliding_window_memory(render):
    module = render("rate-limit", "fastapi", {}).module
    clock = Clock()

    async def scenario():
        client, calls = _client(module, module.MemorySlidingWindow(clock=clock))
        async with client:
            for index in range(100):
                response = await client.get("/items")
                assert response.status_code == 200
                assert response.headers["RateLimit-Remaining"] == str(99 - index)
            clock.now += 20
            _assert_limited(await client.get("/items"), 40, 100)
            assert calls["n"] == 100
            assert (await client.get("/health/live")).status_code == 200  # exempt
            clock.now += 40
            assert (await client.get("/items")).status_code == 200

    asyncio.run(scenario())
    assert isinstance(module.default_limiter(), module.MemorySlidingWindow)


def test_sixth_request_in_a_five_per_window_limit(render):
    module = render("rate-limit", "fastapi", OPTION_SETS[1]).module
    clock = Clock()

    async def scenario():
        client, calls = _client(module, module.MemorySlidingWindow(clock=clock))
        async with client:
            for second in range(5):
                response = await client.get("/items")
                assert response.status_code == 200
                assert response.headers["RateLimit-Reset"] == str(60 - second)
                clock.now += 1
            clock.now += 5  # t = 10 s: the oldest hit (t = 0) leaves the window at t = 60
            _assert_limited(await client.get("/items"), 50, 5)
            assert calls["n"] == 5
            clock.now += 49.5
            _assert_limited(await client.get("/items"), 1, 5)  # 0.5 s rounds up to 1
            clock.now += 0.5
            assert (await client.get("/items")).status_code == 200  # one slot freed
            for _ in range(10):
                assert (await client.get("/ping")).status_code == 200  # exempt path

    asyncio.run(scenario())


def test_spoofed_forwarded_for_from_an_untrusted_peer_does_not_change_the_key(render):
    module = render("rate-limit", "fastapi", OPTION_SETS[1]).module

    async def scenario():
        client, _ = _client(module, module.MemorySlidingWindow(), peer="198.51.100.9")
        async with client:
            for n in range(5):
                spoof = {"X-Forwarded-For": f"192.0.2.{n}"}
                assert (await client.get("/items", headers=spoof)).status_code == 200
            spoof = {"X-Forwarded-For": "192.0.2.200"}
            assert (await client.get("/items", headers=spoof)).status_code == 429

    asyncio.run(scenario())


def test_trusted_proxy_forwarded_for_is_walked_from_the_right(render):
    module = render("rate-limit", "fastapi", OPTION_SETS[1]).module
    scope = {"client": ("10.1.2.3", 1), "headers": []}

    def key(forwarded):
        headers = [(b"x-forwarded-for", value.encode()) for value in forwarded]
        return module.client_ip({**scope, "headers": headers})

    assert key(["192.0.2.1"]) == "192.0.2.1"
    # A client-supplied left part cannot choose the key: the proxy appended the real address.
    assert key(["6.6.6.6, 192.0.2.1"]) == "192.0.2.1"
    assert key(["192.0.2.1, 10.0.0.5"]) == "192.0.2.1"  # our own inner proxy is skipped
    assert key(["6.6.6.6", "192.0.2.1, 10.9.9.9"]) == "192.0.2.1"  # repeated headers
    assert key([]) == "10.1.2.3"
    assert (
        module.client_ip(
            {"client": ("198.51.100.9", 1), "headers": [(b"x-forwarded-for", b"1.1.1.1")]}
        )
        == "198.51.100.9"
    )

    async def scenario():
        client, _ = _client(module, module.MemorySlidingWindow(), peer="10.0.0.1")
        async with client:
            for n in range(12):
                # Different real clients behind the trusted proxy have their own budgets.
                headers = {"X-Forwarded-For": f"192.0.2.{n % 2}"}
                response = await client.get("/items", headers=headers)
                assert response.status_code == (200 if n < 10 else 429)

    asyncio.run(scenario())


def test_token_bucket_memory(render):
    module = render("rate-limit", "fastapi", OPTION_SETS[2]).module
    clock = Clock()

    async def scenario():
        client, _ = _client(module, module.MemoryTokenBucket(clock=clock))
        async with client:
            for _ in range(5):
                assert (await client.get("/items")).status_code == 200
            # 5 tokens per 60 s: one token every 12 s.
            _assert_limited(await client.get("/items"), 12, 5)
            clock.now += 6
            _assert_limited(await client.get("/items"), 6, 5)
            clock.now += 6
            ok = await client.get("/items")
            assert ok.status_code == 200 and ok.headers["RateLimit-Remaining"] == "0"
            clock.now += 60
            assert (await client.get("/items")).headers["RateLimit-Remaining"] == "4"

    asyncio.run(scenario())
    assert isinstance(module.default_limiter(), module.MemoryTokenBucket)


@pytest.mark.parametrize("options", OPTION_SETS[3:], ids=["sliding-window", "token-bucket"])
def test_redis_lua_limiters(render, redis_url, options):
    module = render("rate-limit", "fastapi", {**options, "redis_url": redis_url}).module

    async def scenario():
        limiter = module.default_limiter()
        assert isinstance(limiter, module.RedisLimiter)
        await limiter.redis.flushdb()
        try:
            client, calls = _client(module, limiter)
            other, _ = _client(module, limiter, peer="203.0.113.99")
            async with client, other:
                results = await asyncio.gather(*[client.get("/items") for _ in range(8)])
                assert sorted(r.status_code for r in results) == [200] * 5 + [429] * 3
                assert calls["n"] == 5
                limited = next(r for r in results if r.status_code == 429)
                expected = 60 if options.get("algorithm") != "token-bucket" else 12
                assert int(limited.headers["Retry-After"]) in (expected - 1, expected)
                assert (await other.get("/items")).status_code == 200  # its own key
            prefix = module.KEY_PREFIX
            assert await limiter.redis.keys(prefix + "*")
            ttl = await limiter.redis.pttl(prefix + "203.0.113.7")
            assert 0 < ttl <= 61_000
        finally:
            await limiter.close()

    asyncio.run(scenario())


def test_redis_outage_lets_requests_through(render):
    module = render("rate-limit", "fastapi", {"store": "redis", "limit": 1}).module
    from redis.asyncio import Redis

    async def scenario():
        limiter = module.RedisLimiter(Redis.from_url("redis://127.0.0.1:1/0"))
        client, _calls = _client(module, limiter)
        async with client:
            for _ in range(3):
                assert (await client.get("/items")).status_code == 200
        await limiter.close()

    asyncio.run(scenario())
