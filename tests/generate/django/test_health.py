"""health on Django: live never checks dependencies, ready runs the registered checks (503 on a
failure, a timeout or shutdown), startup is 503 until marked; the documented body."""

from __future__ import annotations

import threading
import time

import pytest
from django.urls import include, path

OPTION_SETS = [{}, {"path_prefix": "/internal/health", "check_timeout_seconds": 0.2}]


@pytest.mark.parametrize("options", OPTION_SETS)
def test_live_ready_startup(render, django_app, options):
    module = render("health", "django", options).module
    client = django_app([], [path("", include(module))])
    base = options.get("path_prefix", "/health")
    timeout = options.get("check_timeout_seconds", 2.0)

    broken = threading.Event()
    module.register_check("database", lambda: not broken.is_set())
    assert client.get(f"{base}/live").json() == {"status": "ok", "checks": {}}
    ready = client.get(f"{base}/ready")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok", "checks": {"database": "ok"}}
    assert ready["Cache-Control"] == "no-store"

    broken.set()
    failing = client.get(f"{base}/ready")
    assert failing.status_code == 503
    assert failing.json() == {"status": "fail", "checks": {"database": "fail"}}
    assert client.get(f"{base}/live").status_code == 200  # liveness ignores dependencies

    def crash():
        raise ConnectionError("cache down")

    module.register_check("database", lambda: True)
    module.register_check("cache", crash)
    assert client.get(f"{base}/ready").json()["checks"] == {"database": "ok", "cache": "fail"}

    release = threading.Event()
    module.register_check("cache", lambda: release.wait(5))
    started = time.monotonic()
    slow = client.get(f"{base}/ready")
    elapsed = time.monotonic() - started
    release.set()
    assert slow.status_code == 503
    assert slow.json()["checks"] == {"database": "ok", "cache": "timeout"}
    assert timeout <= elapsed < timeout + 3.0  # slack for a loaded machine

    module.register_check("cache", lambda: None)
    startup = client.get(f"{base}/startup")
    assert startup.status_code == 503 and startup.json()["status"] == "fail"
    module.mark_started()
    assert client.get(f"{base}/startup").json() == {"status": "ok", "checks": {"startup": "ok"}}

    assert client.get(f"{base}/ready").status_code == 200
    module.begin_shutdown()
    assert client.get(f"{base}/ready").status_code == 503
    assert client.get(f"{base}/live").status_code == 200
