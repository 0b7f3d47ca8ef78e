"""graceful-shutdown on Flask: in process (readiness 503, late requests refused, drain,
clean-ups) and for real under gunicorn with the generated gunicorn.conf.py: SIGTERM/SIGINT,
the in-flight request finishes, new connections are refused, the hard deadline holds."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
import urllib.request

import pytest
from flask import Flask

OPTION_SETS = [{}, {"drain_timeout_seconds": 2, "readiness_path": "/ready"}]


@pytest.mark.parametrize("options", OPTION_SETS)
def test_in_process(render, options):
    module = render("graceful-shutdown", "flask", options).module
    ready_path = options.get("readiness_path", "/health/ready")
    assert options.get("drain_timeout_seconds", 30) == module.DRAIN_TIMEOUT_SECONDS
    app = Flask(__name__)
    shutdown = module.GracefulShutdown(app)
    gate, entered = threading.Event(), threading.Event()
    order = []
    shutdown.on_shutdown(lambda: order.append("pool"))
    shutdown.on_shutdown(lambda: 1 / 0)  # a failing clean-up does not stop the others
    shutdown.on_shutdown(lambda: order.append("flush"))

    @app.get(ready_path)
    def ready():
        return {"status": "ok", "checks": {}}

    @app.get("/slow")
    def slow():
        entered.set()
        assert gate.wait(10)
        return {"finished_while_stopping": shutdown.shutting_down}

    client = app.test_client()
    assert client.get(ready_path).status_code == 200
    results = []
    worker = threading.Thread(target=lambda: results.append(app.test_client().get("/slow")))
    worker.start()
    assert entered.wait(10)
    assert shutdown.in_flight == 1

    module.begin_all()
    readiness = client.get(ready_path)
    assert readiness.status_code == 503
    assert readiness.get_json()["status"] == "fail"
    late = client.get("/slow", headers={"X-Request-ID": "r1"})
    assert late.status_code == 503 and late.headers["Connection"] == "close"
    assert late.get_json()["error"]["code"] == "SHUTTING_DOWN"
    assert shutdown.in_flight == 1, "refused requests are not counted"
    started = time.monotonic()
    assert shutdown.drain(timeout=0.2) is False
    assert 0.15 < time.monotonic() - started < 2
    gate.set()
    assert shutdown.drain(timeout=10) is True
    worker.join(10)
    assert results[0].status_code == 200
    assert results[0].get_json() == {"finished_while_stopping": True}
    shutdown.close()
    assert order == ["pool", "flush"]


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


APP = textwrap.dedent(
    """
    import pathlib
    import time

    from flask import Flask, request

    from graceful_shutdown import READINESS_PATH, GracefulShutdown

    app = Flask(__name__)
    shutdown = GracefulShutdown(app)
    shutdown.on_shutdown(lambda: pathlib.Path("closed.marker").write_text("closed"))


    @app.get(READINESS_PATH)
    def ready():
        return {"status": "ok", "checks": {}}


    @app.get("/slow")
    def slow():
        time.sleep(float(request.args["seconds"]))
        return {"stopping": shutdown.shutting_down}
    """
)


def _start_gunicorn(directory, port):
    (directory / "app.py").write_text(APP)
    env = {k: v for k, v in os.environ.items() if not k.startswith("GUNICORN")}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "gunicorn.conf.py",
            "-w",
            "1",
            "-b",
            f"127.0.0.1:{port}",
            "app:app",
        ],
        cwd=directory,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.1)
    os.killpg(process.pid, signal.SIGKILL)
    raise AssertionError(process.communicate()[0].decode(errors="replace"))


def _get(port, path, timeout=15):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as response:
        return response.status, response.read().decode()


@pytest.mark.skipif(shutil.which("true") is None, reason="needs a POSIX system")
@pytest.mark.parametrize(
    ("options", "signum"), [(OPTION_SETS[0], signal.SIGTERM), (OPTION_SETS[1], signal.SIGINT)]
)
def test_under_gunicorn(render, options, signum):
    rendered = render("graceful-shutdown", "flask", options)
    directory = rendered.directory
    assert (directory / "gunicorn.conf.py").is_file()
    drain = options.get("drain_timeout_seconds", 30)
    ready_path = options.get("readiness_path", "/health/ready")
    port = _free_port()
    process = _start_gunicorn(directory, port)
    try:
        assert _get(port, ready_path)[0] == 200
        # In flight when the signal comes: shorter than the deadline finishes, longer is cut.
        seconds = 1.0 if drain > 5 else drain + 5
        outcome = {}

        def slow_request():
            try:
                outcome["response"] = _get(port, f"/slow?seconds={seconds}")
            except OSError as error:
                outcome["error"] = error

        client = threading.Thread(target=slow_request)
        client.start()
        time.sleep(0.4)
        signalled = time.monotonic()
        os.kill(process.pid, signum)
        time.sleep(0.3)
        with pytest.raises(OSError):  # no longer accepting
            _get(port, ready_path, timeout=2)
        client.join(30)
        exit_code = process.wait(timeout=drain + 15)
        elapsed = time.monotonic() - signalled
        output = process.stdout.read().decode(errors="replace")
        if seconds < drain:
            assert outcome.get("response") == (200, '{"stopping":true}\n'), output
            assert elapsed < drain, output
        else:
            assert "error" in outcome, output  # cut at the hard deadline
            assert drain - 0.5 < elapsed < drain + 3, output
        assert exit_code == 0, output
        assert (directory / "closed.marker").read_text() == "closed", output
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)
