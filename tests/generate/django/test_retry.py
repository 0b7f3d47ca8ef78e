"""retry in a Django view: a flaky upstream is retried with full-jitter exponential backoff
(capped), only for the configured exceptions, and gives up after max_attempts."""

from __future__ import annotations

import random

import pytest
from django.http import JsonResponse
from django.urls import path

OPTION_SETS = [
    {},
    {"max_attempts": 5, "base_seconds": 0.5, "cap_seconds": 2, "retry_on": ["OSError"]},
]


@pytest.mark.parametrize("options", OPTION_SETS)
def test_view_retries_a_flaky_upstream(render, django_app, options):
    module = render("retry", "django", options).module
    attempts = options.get("max_attempts", 3)
    base, cap = options.get("base_seconds", 0.1), options.get("cap_seconds", 10)
    sleeps = []
    failures = []
    upstream_calls = []

    def upstream():
        upstream_calls.append(1)
        if failures:
            raise failures.pop(0)
        return {"rate": 1.1}

    def rate(request):
        try:
            body = module.call_with_retry(upstream, sleep=sleeps.append, uniform=lambda a, b: b)
        except (ConnectionError, OSError, ValueError) as error:
            return JsonResponse(
                {"error": {"code": "UPSTREAM_FAILED", "message": type(error).__name__}}, status=502
            )
        return JsonResponse(body)

    client = django_app([], [path("rate", rate)])

    # Fails twice, then succeeds: three calls, two capped exponential waits.
    failures.extend([ConnectionError("reset"), TimeoutError("slow")])
    assert client.get("/rate").json() == {"rate": 1.1}
    assert len(upstream_calls) == 3
    assert sleeps == [min(cap, base * 2**n) for n in range(2)]

    # Always failing: exactly max_attempts calls, the last error surfaces.
    upstream_calls.clear()
    sleeps.clear()
    failures.extend([ConnectionError("down")] * 20)
    assert client.get("/rate").status_code == 502
    assert len(upstream_calls) == attempts
    assert sleeps == [min(cap, base * 2**n) for n in range(attempts - 1)]
    failures.clear()

    # Not in retry_on: no retry at all.
    upstream_calls.clear()
    failures.append(ValueError("bad request"))
    assert client.get("/rate").status_code == 502
    assert len(upstream_calls) == 1


def test_full_jitter_stays_within_the_bound(render):
    module = render("retry", "django", {"base_seconds": 1, "cap_seconds": 5}).module
    rng = random.Random(7)
    for attempt in range(8):
        bound = min(5, 1 * 2**attempt)
        delays = [module.backoff(attempt, rng.uniform) for _ in range(200)]
        assert all(0 <= d <= bound for d in delays)
        assert max(delays) > bound * 0.8 and min(delays) < bound * 0.2  # spread over [0, bound]


def test_decorator_uses_module_settings(render, monkeypatch):
    module = render("retry", "django", {"max_attempts": 2}).module
    monkeypatch.setattr(module.time, "sleep", lambda s: None)
    calls = []

    @module.retry
    def flaky(x):
        calls.append(x)
        raise ConnectionError

    with pytest.raises(ConnectionError):
        flaky(3)
    assert calls == [3, 3]
