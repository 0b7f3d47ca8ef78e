"""circuit-breaker on FastAPI: opens at the threshold, fails fast with 503 + Retry-After, half-open
lets exactly half_open_max probes through, closes on all-success, re-opens on any failure."""

import asyncio

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

OPTION_SETS = [
    {},
    {"failure_threshold": 2, "recovery_timeout_seconds": 5, "half_open_max": 1},
]


def _setup(render, options):
    module = render("circuit-breaker", "fastapi", options).module
    now = [1000.0]
    breaker = module.CircuitBreaker("inventory", clock=lambda: now[0])
    upstream = {"ok": False, "calls": 0}

    async def call_upstream():
        upstream["calls"] += 1
        if not upstream["ok"]:
            raise ConnectionError("inventory down")
        return 7

    app = FastAPI()
    module.install_circuit_breaker_handler(app)

    @app.get("/stock")
    async def stock():
        try:
            return {"stock": await breaker.call_async(call_upstream)}
        except ConnectionError:
            return {"stock": None}

    return module, breaker, now, upstream, TestClient(app)


@pytest.mark.parametrize("options", OPTION_SETS)
def test_open_fail_fast_half_open_close(render, options):
    _module, breaker, now, upstream, client = _setup(render, options)
    threshold = options.get("failure_threshold", 5)
    recovery = options.get("recovery_timeout_seconds", 30)
    probes = options.get("half_open_max", 3)

    for _ in range(threshold):
        assert client.get("/stock").json() == {"stock": None}
    assert breaker.state == "open" and upstream["calls"] == threshold

    now[0] += 1
    refused = client.get("/stock")
    assert refused.status_code == 503 and upstream["calls"] == threshold  # not called
    assert refused.json()["error"]["code"] == "UPSTREAM_UNAVAILABLE"
    assert refused.headers["Retry-After"] == str(int(recovery - 1))

    now[0] += recovery
    assert breaker.state == "half_open"
    upstream["ok"] = True
    for index in range(probes):
        assert client.get("/stock").json() == {"stock": 7}
        assert breaker.state == ("closed" if index == probes - 1 else "half_open")
    assert upstream["calls"] == threshold + probes


@pytest.mark.parametrize("options", OPTION_SETS)
def test_half_open_admits_exactly_the_configured_probes(render, options):
    module = render("circuit-breaker", "fastapi", options).module
    probes = options.get("half_open_max", 3)
    now = [0.0]
    breaker = module.CircuitBreaker("dep", clock=lambda: now[0])

    async def scenario():
        for _ in range(options.get("failure_threshold", 5)):
            with pytest.raises(ConnectionError):
                await breaker.call_async(_fail)
        now[0] += options.get("recovery_timeout_seconds", 30)
        gate = asyncio.Event()
        started = []

        async def slow_probe():
            started.append(1)
            await gate.wait()
            return "ok"

        tasks = [asyncio.create_task(breaker.call_async(slow_probe)) for _ in range(probes + 2)]
        await asyncio.sleep(0.01)
        gate.set()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        assert len(started) == probes
        assert [r for r in results if r == "ok"] == ["ok"] * probes
        assert sum(isinstance(r, module.CircuitOpenError) for r in results) == 2
        assert breaker.state == "closed"

    asyncio.run(scenario())


@pytest.mark.parametrize("options", OPTION_SETS)
def test_a_failed_probe_reopens(render, options):
    module = render("circuit-breaker", "fastapi", options).module
    now = [0.0]
    breaker = module.CircuitBreaker("dep", clock=lambda: now[0])
    for _ in range(options.get("failure_threshold", 5)):
        with pytest.raises(ConnectionError):
            breaker.call(_fail_sync)
    now[0] += options.get("recovery_timeout_seconds", 30)
    with pytest.raises(ConnectionError):
        breaker.call(_fail_sync)
    assert breaker.state == "open"
    with pytest.raises(module.CircuitOpenError):
        breaker.call(lambda: "not called")


def test_successes_reset_the_failure_count(render):
    module = render("circuit-breaker", "fastapi", {}).module
    breaker = module.CircuitBreaker("dep")
    for _ in range(10):
        for _ in range(4):
            with pytest.raises(ConnectionError):
                breaker.call(_fail_sync)
        breaker.call(lambda: None)
    assert breaker.state == "closed"


async def _fail():
    raise ConnectionError("down")


def _fail_sync():
    raise ConnectionError("down")
