"""health on FastAPI: live, ready with pluggable checks (fail, raise, timeout), startup,
shutdown, the decided body, no error text leaked."""

import asyncio
import time

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

OPTION_SETS = [{}, {"check_timeout_seconds": 0.2}]


def _client(render, options):
    module = render("health", "fastapi", options).module
    health = module.Health()
    app = FastAPI()
    app.include_router(module.health_router(health))
    return TestClient(app), health, options.get("path_prefix", "/health")


@pytest.mark.parametrize("options", OPTION_SETS)
def test_live_startup_ready_and_shutdown(render, options):
    client, health, prefix = _client(render, options)
    live = client.get(f"{prefix}/live")
    assert live.status_code == 200 and live.json() == {"status": "ok", "checks": {}}
    assert live.headers["Cache-Control"] == "no-store"

    assert client.get(f"{prefix}/startup").status_code == 503
    assert client.get(f"{prefix}/startup").json()["status"] == "fail"
    health.mark_started()
    assert client.get(f"{prefix}/startup").json() == {"status": "ok", "checks": {"startup": "ok"}}

    async def database():
        return True

    health.add_check("database", database)
    health.add_check("cache", lambda: None)
    ready = client.get(f"{prefix}/ready")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}

    health.mark_shutting_down()
    draining = client.get(f"{prefix}/ready")
    assert draining.status_code == 503 and draining.json()["status"] == "fail"
    assert client.get(f"{prefix}/live").status_code == 200  # liveness never checks dependencies


@pytest.mark.parametrize("options", OPTION_SETS)
def test_failing_raising_and_slow_checks_make_ready_503(render, options):
    client, health, prefix = _client(render, options)
    timeout = options.get("check_timeout_seconds", 2.0)

    def broken():
        raise ConnectionError("postgres://user:hunter2@db/app unreachable")

    async def slow():
        await asyncio.sleep(timeout + 5)

    health.add_check("ok", lambda: True)
    health.add_check("false", lambda: False)
    health.add_check("raises", broken)
    health.add_check("slow", slow)
    started = time.monotonic()
    ready = client.get(f"{prefix}/ready")
    elapsed = time.monotonic() - started
    assert ready.status_code == 503
    assert ready.json() == {
        "status": "fail",
        "checks": {"ok": "ok", "false": "fail", "raises": "fail", "slow": "timeout"},
    }
    assert "hunter2" not in ready.text
    assert elapsed < timeout + 4, "a slow check is cut off at the timeout"


def test_sync_checks_run_off_the_event_loop(render):
    client, health, prefix = _client(render, OPTION_SETS[1])
    health.add_check("blocking", lambda: time.sleep(1))
    assert client.get(f"{prefix}/ready").json()["checks"] == {"blocking": "timeout"}


def test_a_custom_prefix_moves_all_three(render):
    # Not in OPTION_SETS: the documents fix /health, so our own check flags other prefixes.
    client, health, _ = _client(render, {"path_prefix": "/_status"})
    assert client.get("/_status/live").status_code == 200
    assert client.get("/_status/startup").status_code == 503
    health.mark_started()
    assert client.get("/_status/startup").status_code == 200
    assert client.get("/_status/ready").json() == {"status": "ok", "checks": {}}
    assert client.get("/health/live").status_code == 404
