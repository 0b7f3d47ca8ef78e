"""retry on Flask: a view's flaky dependency is retried with full-jitter backoff, then gives up."""

from __future__ import annotations

import pytest
from flask import Flask

OPTION_SETS = [
    {},
    {"max_attempts": 5, "base_seconds": 0.5, "cap_seconds": 2, "retry_on": ["RuntimeError"]},
]


@pytest.mark.parametrize("options", OPTION_SETS)
def test_backoff_in_a_view(render, options):
    module = render("retry", "flask", options).module
    attempts = options.get("max_attempts", 3)
    base, cap = options.get("base_seconds", 0.1), options.get("cap_seconds", 10)
    retryable = {"ConnectionError": ConnectionError, "RuntimeError": RuntimeError}[
        options.get("retry_on", ["ConnectionError"])[0]
    ]
    sleeps, ceilings, calls = [], [], {"n": 0, "fail": 0, "error": retryable}

    def upper_bound(low, high):  # the jitter's ceiling, to check the formula exactly
        ceilings.append(high)
        return high

    @module.retry(sleep=sleeps.append, rng=upper_bound)
    def dependency():
        calls["n"] += 1
        if calls["n"] <= calls["fail"]:
            raise calls["error"]("down")
        return {"value": 42}

    app = Flask(__name__)

    @app.get("/value")
    def value():
        try:
            return dependency()
        except Exception:
            return {"error": "upstream"}, 502

    client = app.test_client()
    calls["fail"] = attempts - 1
    assert client.get("/value").get_json() == {"value": 42}
    assert calls["n"] == attempts
    expected = [min(cap, base * 2**attempt) for attempt in range(attempts - 1)]
    assert ceilings == expected and sleeps == expected

    calls.update(n=0, fail=attempts + 5)
    sleeps.clear()
    assert client.get("/value").status_code == 502
    assert calls["n"] == attempts and len(sleeps) == attempts - 1

    calls.update(n=0, fail=1, error=ValueError)  # not retryable: one call only
    sleeps.clear()
    assert client.get("/value").status_code == 502
    assert calls["n"] == 1 and sleeps == []

    jittered = [module.backoff_delay(6) for _ in range(200)]
    assert all(0 <= d <= min(cap, base * 64) for d in jittered)
    assert len(set(jittered)) > 150  # full jitter, not a fixed delay


def test_retry_call_uses_real_sleep_briefly(render):
    module = render("retry", "flask", {"base_seconds": 0.001, "cap_seconds": 0.002}).module
    state = {"n": 0}

    def once_down():
        state["n"] += 1
        if state["n"] == 1:
            raise TimeoutError("slow")
        return "ok"

    assert module.retry_call(once_down) == "ok" and state["n"] == 2
