"""health on Flask: live without checks, startup until marked, ready with checks, timeouts and
shutdown."""

from __future__ import annotations

import threading
import time

import pytest
from flask import Flask

OPTION_SETS = [{}, {"path_prefix": "/admin/health", "check_timeout_seconds": 0.2}]


@pytest.mark.parametrize("options", OPTION_SETS)
def test_endpoints(render, options):
    module = render("health", "flask", options).module
    prefix = options.get("path_prefix", "/health")
    timeout = options.get("check_timeout_seconds", 2.0)
    app = Flask(__name__)
    health = module.Health(app)
    state = {"db": True, "cache_calls": 0}
    release = threading.Event()

    def database():
        if not state["db"]:
            raise ConnectionError("refused")

    def cache():
        state["cache_calls"] += 1
        return True

    health.add_check("database", database)
    health.add_check("cache", cache)
    client = app.test_client()

    live = client.get(f"{prefix}/live")
    assert (live.status_code, live.get_json()) == (200, {"status": "ok", "checks": {}})
    assert state["cache_calls"] == 0, "liveness runs no dependency check"
    assert live.headers["Cache-Control"] == "no-store"
    assert client.get(f"{prefix}/startup").status_code == 503
    not_started = client.get(f"{prefix}/ready")
    assert not_started.status_code == 503 and not_started.get_json()["status"] == "fail"

    health.mark_started()
    assert client.get(f"{prefix}/startup").get_json() == {"status": "ok", "checks": {}}
    ready = client.get(f"{prefix}/ready")
    assert ready.status_code == 200
    assert ready.get_json() == {
        "status": "ok",
        "checks": {"database": {"status": "ok"}, "cache": {"status": "ok"}},
    }

    state["db"] = False
    failing = client.get(f"{prefix}/ready")
    assert failing.status_code == 503
    assert failing.get_json()["checks"]["database"] == {
        "status": "fail",
        "error": "ConnectionError",
    }
    assert client.get(f"{prefix}/live").status_code == 200
    state["db"] = True

    if timeout < 1:
        health.add_check("slow", lambda: release.wait(5))
        started = time.monotonic()
        slow = client.get(f"{prefix}/ready")
        elapsed = time.monotonic() - started
        release.set()
        assert slow.status_code == 503
        assert slow.get_json()["checks"]["slow"] == {"status": "fail", "error": "timeout"}
        assert timeout <= elapsed < timeout + 1
        health._checks.pop("slow")

    health.add_check("flag", lambda: False)
    assert client.get(f"{prefix}/ready").status_code == 503
    health._checks.pop("flag")
    assert client.get(f"{prefix}/ready").status_code == 200
    health.begin_shutdown()
    assert client.get(f"{prefix}/ready").status_code == 503
    assert client.get(f"{prefix}/live").status_code == 200
    if prefix != "/health":
        assert client.get("/health/live").status_code == 404
