"""circuit-breaker on Flask: opens at the threshold, fails fast with 503 + Retry-After, lets
exactly the configured probes through when half-open, closes on all successes, re-opens on one
failure."""

from __future__ import annotations

import threading
import time

import pytest
from flask import Flask

OPTION_SETS = [
    {},
    {"failure_threshold": 2, "recovery_timeout_seconds": 7.5, "half_open_max": 1},
]


@pytest.mark.parametrize("options", OPTION_SETS)
def test_states_over_http(render, options):
    module = render("circuit-breaker", "flask", options).module
    threshold = options.get("failure_threshold", 5)
    recovery = options.get("recovery_timeout_seconds", 30)
    probes = options.get("half_open_max", 3)
    now = [1000.0]
    breaker = module.CircuitBreaker("upstream", clock=lambda: now[0])
    assert (breaker.failure_threshold, breaker.recovery_timeout, breaker.half_open_max) == (
        threshold,
        recovery,
        probes,
    )
    dependency = {"healthy": False, "calls": 0, "gate": None, "entered": 0}
    entered = threading.Condition()

    def upstream():
        with entered:
            dependency["calls"] += 1
            dependency["entered"] += 1
            entered.notify_all()
        if dependency["gate"] is not None:
            assert dependency["gate"].wait(10)
        if not dependency["healthy"]:
            raise ConnectionError("down")
        return {"status": "ok"}

    app = Flask(__name__)
    module.init_circuit_breaker(app)

    @app.get("/call")
    def call():
        try:
            return breaker.call(upstream)
        except ConnectionError:
            return {"status": "upstream failed"}, 502

    client = app.test_client()
    # Failures below the threshold keep it closed; a success resets the count.
    for _ in range(threshold - 1):
        assert client.get("/call").status_code == 502
    dependency["healthy"] = True
    assert client.get("/call").status_code == 200
    dependency["healthy"] = False
    for _ in range(threshold):
        assert client.get("/call").status_code == 502
    assert breaker.state == "open"

    calls = dependency["calls"]
    now[0] += recovery / 2
    refused = client.get("/call", headers={"X-Request-ID": "rq-1"})
    assert refused.status_code == 503
    assert refused.headers["Retry-After"] == str(max(1, int(-(-(recovery / 2) // 1))))
    error = refused.get_json()["error"]
    assert error["code"] == "SERVICE_UNAVAILABLE" and error["request_id"] == "rq-1"
    assert dependency["calls"] == calls, "open: the dependency is not called"

    # Half-open: exactly `probes` concurrent calls get through, the next one is refused.
    now[0] += recovery / 2
    assert breaker.state == "half_open"
    dependency.update(healthy=True, gate=threading.Event(), entered=0)
    results = []

    def probe():
        results.append(app.test_client().get("/call").status_code)

    threads = [threading.Thread(target=probe) for _ in range(probes)]
    for thread in threads:
        thread.start()
    with entered:
        assert entered.wait_for(lambda: dependency["entered"] == probes, timeout=10)
    assert client.get("/call").status_code == 503, "one probe too many"
    dependency["gate"].set()
    for thread in threads:
        thread.join(10)
    dependency["gate"] = None
    assert sorted(results) == [200] * probes
    assert breaker.state == "closed"

    # Open again; in half-open one failed probe re-opens it for a full recovery period.
    dependency["healthy"] = False
    for _ in range(threshold):
        client.get("/call")
    now[0] += recovery
    assert client.get("/call").status_code == 502
    assert breaker.state == "open"
    assert client.get("/call").status_code == 503
    now[0] += recovery
    dependency["healthy"] = True
    for _ in range(probes):
        assert client.get("/call").status_code == 200
    assert breaker.state == "closed"


def test_real_clock(render):
    module = render("circuit-breaker", "flask", {"recovery_timeout_seconds": 0.05}).module
    breaker = module.CircuitBreaker("x", failure_threshold=1, half_open_max=1)
    with pytest.raises(ZeroDivisionError):
        breaker.call(lambda: 1 / 0)
    with pytest.raises(module.CircuitOpenError):
        breaker.call(lambda: 1)
    time.sleep(0.06)
    assert breaker.call(lambda: 1) == 1 and breaker.state == "closed"
