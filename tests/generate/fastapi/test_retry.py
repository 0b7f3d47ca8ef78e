"""retry on FastAPI: full-jitter backoff bounds, attempts, only listed errors, over HTTP."""

import asyncio

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

OPTION_SETS = [
    {},
    {"max_attempts": 5, "base_seconds": 0.5, "cap_seconds": 2, "retry_on": ["RuntimeError"]},
]


@pytest.mark.parametrize("options", OPTION_SETS)
def test_backoff_bounds_follow_the_formula(render, options):
    module = render("retry", "fastapi", options).module
    base, cap = options.get("base_seconds", 0.1), options.get("cap_seconds", 10)
    for attempt in range(8):
        ceiling = min(cap, base * 2**attempt)
        assert module.backoff_delay(attempt, uniform=lambda a, b: b) == pytest.approx(ceiling)
        assert module.backoff_delay(attempt, uniform=lambda a, b: a) == 0
        assert 0 <= module.backoff_delay(attempt) <= ceiling


@pytest.mark.parametrize("options", OPTION_SETS)
def test_retries_over_http_until_success_or_exhaustion(render, options):
    module = render("retry", "fastapi", options).module
    attempts = options.get("max_attempts", 3)
    error = RuntimeError if options else ConnectionError
    state = {"calls": 0, "fail_first": attempts - 1, "sleeps": []}

    async def upstream():
        state["calls"] += 1
        if state["calls"] <= state["fail_first"]:
            raise error("temporary")
        return "fresh"

    async def fake_sleep(seconds):
        state["sleeps"].append(seconds)

    app = FastAPI()

    @app.get("/value")
    async def value():
        try:
            return {"value": await module.retry_async(upstream, sleep=fake_sleep)}
        except error:
            return {"value": None}

    client = TestClient(app)
    assert client.get("/value").json() == {"value": "fresh"}
    assert state["calls"] == attempts and len(state["sleeps"]) == attempts - 1
    base, cap = options.get("base_seconds", 0.1), options.get("cap_seconds", 10)
    for attempt, slept in enumerate(state["sleeps"]):
        assert 0 <= slept <= min(cap, base * 2**attempt)

    state.update(calls=0, fail_first=100, sleeps=[])
    assert client.get("/value").json() == {"value": None}
    assert state["calls"] == attempts


def test_other_errors_are_not_retried(render):
    module = render("retry", "fastapi", {}).module
    calls = []

    def bad_request():
        calls.append(1)
        raise ValueError("400: not retryable")

    with pytest.raises(ValueError):
        module.retry_call(bad_request, sleep=lambda _: None)
    assert calls == [1]

    sleeps = []
    results = iter([TimeoutError(), "ok"])

    def flaky():
        item = next(results)
        if isinstance(item, Exception):
            raise item
        return item

    assert module.retry_call(flaky, sleep=sleeps.append) == "ok" and len(sleeps) == 1
    assert asyncio.run(module.retry_async(_async_ok)) == "ok"


async def _async_ok():
    return "ok"
