"""circuit-breaker in Django views: opens after the threshold (the upstream is no longer called,
503 + Retry-After), half-opens after the recovery timeout and lets exactly half_open_max
concurrent probes through; all succeed -> closed, any failure -> open again."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.http import JsonResponse
from django.test import Client
from django.urls import path

OPTION_SETS = [{}, {"failure_threshold": 2, "recovery_timeout_seconds": 5, "half_open_max": 1}]


@pytest.fixture
def app(render, django_app):
    def make(options):
        module = render("circuit-breaker", "django", options).module
        now = [0.0]
        breaker = module.CircuitBreaker("upstream", clock=lambda: now[0])
        state = {"fail": False, "gate": None, "calls": 0, "entered": threading.Semaphore(0)}

        def upstream():
            state["calls"] += 1
            state["entered"].release()
            if state["gate"] is not None:
                state["gate"].wait(5)
            if state["fail"]:
                raise ConnectionError("down")
            return {"ok": True}

        def view(request):
            try:
                return JsonResponse(breaker.call(upstream))
            except module.CircuitOpen as error:
                response = JsonResponse({"error": {"code": "DEPENDENCY_UNAVAILABLE"}}, status=503)
                response["Retry-After"] = error.retry_after_header
                return response
            except ConnectionError:
                return JsonResponse({"error": {"code": "UPSTREAM_FAILED"}}, status=502)

        client = django_app([], [path("call", view)])
        return client, breaker, state, now

    return make


@pytest.mark.parametrize("options", OPTION_SETS)
def test_open_half_open_closed(app, options):
    client, breaker, state, now = app(options)
    threshold = options.get("failure_threshold", 5)
    timeout = options.get("recovery_timeout_seconds", 30)
    probes = options.get("half_open_max", 3)

    state["fail"] = True
    for _ in range(threshold):
        assert client.get("/call").status_code == 502
    assert breaker.state == "open" and state["calls"] == threshold
    fast = client.get("/call")
    assert fast.status_code == 503 and fast["Retry-After"] == str(int(timeout))
    now[0] += timeout - 1
    assert client.get("/call")["Retry-After"] == "1"
    assert state["calls"] == threshold  # the upstream was spared

    # Half-open: a failing probe re-opens at once.
    now[0] += 1
    assert client.get("/call").status_code == 502
    assert breaker.state == "open" and state["calls"] == threshold + 1
    assert client.get("/call").status_code == 503

    # Half-open again: exactly `probes` concurrent requests reach the upstream.
    now[0] += timeout
    state["fail"] = False
    state["gate"] = threading.Event()
    state["calls"] = 0
    extra = 3
    with ThreadPoolExecutor(max_workers=probes + extra) as pool:
        futures = [pool.submit(Client().get, "/call") for _ in range(probes)]
        for _ in range(probes):
            assert state["entered"].acquire(timeout=5)
        rejected = [pool.submit(Client().get, "/call") for _ in range(extra)]
        rejected_statuses = [f.result(timeout=5).status_code for f in rejected]
        state["gate"].set()
        probe_statuses = [f.result(timeout=5).status_code for f in futures]
    assert state["calls"] == probes
    assert rejected_statuses == [503] * extra
    assert probe_statuses == [200] * probes
    assert breaker.state == "closed"
    state["gate"] = None

    # Closed: failures count from zero again; successes reset the count.
    state["fail"] = True
    for _ in range(threshold - 1):
        client.get("/call")
    state["fail"] = False
    assert client.get("/call").status_code == 200
    state["fail"] = True
    for _ in range(threshold - 1):
        client.get("/call")
    assert breaker.state == "closed"
