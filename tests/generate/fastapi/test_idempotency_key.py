"""idempotency-key on FastAPI, memory and real Redis stores: replay without re-running, 409 in
progress, 422 on a different payload, 2xx/4xx cached, 5xx and crashes not, TTL, caller scope."""

import asyncio

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

OPTION_SETS = [
    {},
    {
        "header_name": "X-Idempotency-Key",
        "ttl_seconds": 1,
        "lock_timeout_seconds": 5,
        "methods": ["POST", "PUT"],
        "max_key_length": 16,
        "key_prefix": "idem:test:",
        "store": "redis",
    },
]


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def _app(module, store):
    app = FastAPI()
    app.add_middleware(module.IdempotencyMiddleware, store=store)
    state = {"calls": 0, "gate": asyncio.Event()}

    @app.post("/orders")
    @app.put("/orders")
    async def create(request: Request):
        state["calls"] += 1
        body = await request.json()
        if body.get("block"):
            await state["gate"].wait()
        if body.get("fail"):
            return JSONResponse({"error": "upstream"}, status_code=503)
        if body.get("crash"):
            raise RuntimeError("crash")
        if body.get("bad"):
            return JSONResponse({"error": "bad"}, status_code=400)
        number = state["calls"]
        return JSONResponse(
            {"order": number, "amount": body.get("amount")},
            status_code=201,
            headers={"Location": f"/orders/{number}"},
        )

    @app.post("/other")
    async def other():
        state["calls"] += 1
        return {"other": True}

    return app, state


async def _exercise(module, store, header, clock=None, ttl=86400):
    app, state = _app(module, store)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:

        async def post(key, body, path="/orders", auth=None, method="POST"):
            headers = {header: key} if key is not None else {}
            if auth:
                headers["Authorization"] = auth
            return await client.request(method, path, json=body, headers=headers)

        # A replay returns the stored response and does not run the handler again.
        first = await post("key-a", {"amount": 10})
        assert first.status_code == 201 and state["calls"] == 1
        replay = await post("key-a", {"amount": 10})
        assert (replay.status_code, replay.json()) == (201, first.json())
        assert replay.headers["Location"] == "/orders/1"
        assert replay.headers["Idempotent-Replayed"] == "true"
        assert state["calls"] == 1

        # The same key for another operation is refused.
        for body, path in [({"amount": 11}, "/orders"), ({"amount": 10}, "/other")]:
            reused = await post("key-a", body, path=path)
            assert reused.status_code == 422
            assert reused.json()["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"
        assert state["calls"] == 1

        # While the first request runs, the same key gets 409.
        blocked = asyncio.create_task(post("key-b", {"block": True}))
        while state["calls"] < 2:
            await asyncio.sleep(0.01)
        busy = await post("key-b", {"block": True})
        assert busy.status_code == 409 and busy.headers["Retry-After"] == "1"
        assert busy.json()["error"]["code"] == "IDEMPOTENCY_KEY_IN_PROGRESS"
        state["gate"].set()
        assert (await blocked).status_code == 201
        assert (await post("key-b", {"block": True})).json()["order"] == 2
        assert state["calls"] == 2

        # 5xx and crashes are not stored: the retry runs the handler again.
        assert (await post("key-c", {"fail": True})).status_code == 503
        assert (await post("key-c", {"fail": True})).status_code == 503
        assert state["calls"] == 4
        assert (await post("key-d", {"crash": True})).status_code == 500
        assert (await post("key-d", {"crash": True})).status_code == 500
        assert state["calls"] == 6

        # 4xx is stored like 2xx.
        assert (await post("key-e", {"bad": True})).status_code == 400
        again = await post("key-e", {"bad": True})
        assert again.status_code == 400 and again.headers["Idempotent-Replayed"] == "true"
        assert state["calls"] == 7

        # Keys are scoped to the caller; requests without a key always run.
        other_caller = await post("key-a", {"amount": 10}, auth="Bearer someone-else")
        assert other_caller.headers.get("Idempotent-Replayed") is None
        assert state["calls"] == 8
        await post(None, {"amount": 1})
        await post(None, {"amount": 1})
        assert state["calls"] == 10

        # An over-long key is a 400 before anything runs.
        too_long = await post("k" * 300, {"amount": 1})
        assert too_long.status_code == 400 and state["calls"] == 10

        # After the TTL the key is forgotten.
        if clock is not None:
            clock.now += ttl + 1
        else:
            await asyncio.sleep(ttl + 0.2)
        fresh = await post("key-a", {"amount": 10})
        assert fresh.headers.get("Idempotent-Replayed") is None
        assert state["calls"] == 11
    return client


def test_memory_store_with_defaults(render):
    module = render("idempotency-key", "fastapi", {}).module
    assert module.HEADER_NAME == "Idempotency-Key" and module.TTL_SECONDS == 86400
    clock = Clock()
    asyncio.run(_exercise(module, module.MemoryStore(clock=clock), "Idempotency-Key", clock))
    assert isinstance(module.default_store(), module.MemoryStore)


def test_redis_store_with_custom_options(render, redis_url):
    module = render("idempotency-key", "fastapi", {**OPTION_SETS[1], "redis_url": redis_url}).module

    async def scenario():
        store = module.default_store()  # built from the rendered REDIS_URL
        assert isinstance(store, module.RedisStore)
        try:
            await store.redis.flushdb()
            await _exercise(module, store, "X-Idempotency-Key", ttl=1)
            keys = await store.redis.keys("idem:test:*")
            assert keys, "keys carry the configured prefix"
            ttls = [await store.redis.pttl(k) for k in keys]
            assert all(0 < ttl <= 5000 for ttl in ttls)
        finally:
            await store.close()

    asyncio.run(scenario())


def test_methods_outside_the_list_are_untouched(render):
    module = render("idempotency-key", "fastapi", {}).module
    app, state = _app(module, module.MemoryStore())

    async def scenario():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
            for _ in range(2):
                await client.put("/orders", json={"amount": 1}, headers={"Idempotency-Key": "x"})
        assert state["calls"] == 2  # PUT is not in the default methods (POST, PATCH)

    asyncio.run(scenario())


@pytest.mark.parametrize("store", ["memory", "redis"])
def test_concurrent_first_requests_run_the_handler_once(render, redis_url, store):
    options = {"store": store, "redis_url": redis_url} if store == "redis" else {}
    module = render("idempotency-key", "fastapi", options).module

    async def scenario():
        chosen = module.default_store()
        if store == "redis":
            await chosen.redis.flushdb()
        app, state = _app(module, chosen)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
            responses = await asyncio.gather(
                *[
                    client.post("/orders", json={"amount": 5}, headers={"Idempotency-Key": "same"})
                    for _ in range(10)
                ]
            )
        assert state["calls"] == 1
        assert sorted({r.status_code for r in responses}) in ([201], [201, 409])
        if store == "redis":
            await chosen.close()

    asyncio.run(scenario())
