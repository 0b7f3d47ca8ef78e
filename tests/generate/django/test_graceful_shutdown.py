"""graceful-shutdown on Django: a real gunicorn (the generated gunicorn.conf.py) serving a real
Django project on 127.0.0.1 gets SIGTERM mid-request: the in-flight request finishes (and saw
the drain flag), new connections are refused, database connections are closed, the process
exits 0; past the drain deadline the request is cut. In-process: readiness and new requests
turn 503 while draining, in-flight requests are counted."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.http import JsonResponse
from django.urls import path

from tests.generate.django.conftest import dotted
from tests.generate.harness import render_to

OPTION_SETS = [{}, {"drain_timeout_seconds": 1.5, "readiness_path": "/ready"}]

SETTINGS = """
SECRET_KEY = "tests-only"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
ROOT_URLCONF = "proj_urls"
INSTALLED_APPS = []
MIDDLEWARE = ["graceful_shutdown.GracefulShutdownMiddleware"]
DATABASES = {}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["stderr"], "level": "INFO"},
}
"""
URLS = """
import time
from pathlib import Path

from django.http import JsonResponse
from django.urls import path

from graceful_shutdown import READINESS_PATH, STATE


def slow(request):
    Path("started").write_text("1")
    time.sleep(float(request.GET["s"]))
    return JsonResponse({"draining": STATE.draining.is_set()})


def ready(request):
    return JsonResponse({"status": "ok", "checks": {}})


urlpatterns = [path("slow", slow), path(READINESS_PATH.lstrip("/"), ready)]
"""
WSGI = """
from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()
"""


def _port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(port, url, timeout=15):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", url)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@pytest.fixture
def gunicorn(tmp_path: Path):
    started = []

    def start(options):
        render_to(tmp_path, "graceful-shutdown", "django", options)
        (tmp_path / "proj_settings.py").write_text(SETTINGS)
        (tmp_path / "proj_urls.py").write_text(URLS)
        (tmp_path / "proj_wsgi.py").write_text(WSGI)
        port = _port()
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "proj_settings", "PYTHONPATH": str(tmp_path)}
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                "gunicorn.conf.py",
                "--workers",
                "1",
                "--bind",
                f"127.0.0.1:{port}",
                "proj_wsgi:application",
            ],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        started.append(process)
        ready_path = options.get("readiness_path", "/health/ready")
        deadline = time.monotonic() + 20
        while True:
            try:
                if _get(port, ready_path, timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            assert process.poll() is None, process.communicate()[1]
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.1)
        return process, port

    yield start, tmp_path
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)


def _in_flight(port, seconds, tmp_path):
    outcome = {}

    def run():
        try:
            outcome["response"] = _get(port, f"/slow?s={seconds}", timeout=30)
        except OSError as error:
            outcome["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    deadline = time.monotonic() + 10
    while not (tmp_path / "started").exists():
        assert time.monotonic() < deadline, "the slow request never started"
        time.sleep(0.02)
    return thread, outcome


@pytest.mark.parametrize("options", OPTION_SETS)
def test_sigterm_drains_in_flight_requests(gunicorn, options):
    start, tmp_path = gunicorn
    process, port = start(options)
    thread, outcome = _in_flight(port, 1.0, tmp_path)
    sent = time.monotonic()
    process.send_signal(signal.SIGTERM)
    time.sleep(0.3)
    with pytest.raises(OSError):  # refused: no longer accepting
        _get(port, "/slow?s=0", timeout=2)
    thread.join(15)
    status, body = outcome["response"]
    assert status == 200 and body == b'{"draining": true}'
    assert process.wait(15) == 0
    # Exits once drained, without waiting for the whole deadline (30 s by default).
    assert time.monotonic() - sent < 6
    assert "shutdown complete: connections closed" in process.stderr.read()


def test_the_drain_deadline_is_hard(gunicorn):
    start, tmp_path = gunicorn
    process, port = start({"drain_timeout_seconds": 1.0})
    thread, outcome = _in_flight(port, 20, tmp_path)
    sent = time.monotonic()
    process.send_signal(signal.SIGTERM)
    exit_code = process.wait(15)
    elapsed = time.monotonic() - sent
    thread.join(5)
    assert 1.0 <= elapsed < 6, elapsed
    assert "response" not in outcome  # cut at the deadline, never answered
    assert exit_code == 0


@pytest.mark.parametrize("options", OPTION_SETS)
def test_draining_refuses_new_requests_and_turns_readiness_503(render, django_app, options):
    module = render("graceful-shutdown", "django", options).module
    readiness = options.get("readiness_path", "/health/ready")
    gate = threading.Event()

    def slow(request):
        gate.wait(5)
        return JsonResponse({"done": True})

    client = django_app(
        [dotted(module, "GracefulShutdownMiddleware")],
        [
            path(readiness.lstrip("/"), lambda r: JsonResponse({"status": "ok", "checks": {}})),
            path("slow", slow),
        ],
    )
    assert client.get(readiness).status_code == 200
    worker = threading.Thread(target=client.get, args=("/slow",))
    worker.start()
    deadline = time.monotonic() + 5
    while module.STATE.in_flight != 1:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    module.STATE.begin_drain()
    assert module.STATE.wait_drained(timeout=0.1) is False
    ready = client.get(readiness)
    assert ready.status_code == 503 and ready.json() == {
        "status": "fail",
        "checks": {"shutdown": "fail"},
    }
    refused = client.get("/slow")
    assert refused.status_code == 503 and refused["Connection"] == "close"
    assert refused.json()["error"]["code"] == "SHUTTING_DOWN"
    gate.set()
    assert module.STATE.wait_drained(timeout=5) is True
    worker.join(5)
