"""graceful-shutdown on FastAPI: in-process (ASGI lifespan) and with real uvicorn + SIGTERM."""

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time

import httpx
import pytest
from fastapi import FastAPI

OPTION_SETS = [{}, {"drain_timeout_seconds": 1, "readiness_path": "/ready"}]


def _build(module, events):
    async def lifespan(app):
        yield
        events.append(("pools closed", time.monotonic()))

    app = FastAPI(lifespan=lifespan)
    gate = asyncio.Event()

    @app.get("/slow")
    async def slow():
        await gate.wait()
        events.append(("slow finished", time.monotonic()))
        return {"done": True}

    @app.get("/fast")
    async def fast():
        return {"ok": True}

    state = module.ShutdownState()
    return module.DrainMiddleware(app, state), state, gate


@pytest.mark.parametrize("options", OPTION_SETS)
def test_lifespan_shutdown_drains_before_the_app_closes_pools(render, options):
    module = render("graceful-shutdown", "fastapi", options).module
    readiness = options.get("readiness_path", "/health/ready")

    async def scenario():
        events = []
        app, state, gate = _build(module, events)
        inbox, outbox = asyncio.Queue(), asyncio.Queue()
        lifespan = asyncio.create_task(
            app(
                {"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}, inbox.get, outbox.put
            )
        )
        await inbox.put({"type": "lifespan.startup"})
        assert (await outbox.get())["type"] == "lifespan.startup.complete"

        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
            assert (await client.get("/fast")).status_code == 200
            in_flight = asyncio.create_task(client.get("/slow"))
            await asyncio.sleep(0.05)
            assert state.in_flight == 1
            await inbox.put({"type": "lifespan.shutdown"})
            await asyncio.sleep(0.05)
            assert state.draining
            refused = await client.get("/fast")
            assert refused.status_code == 503 and refused.headers["connection"] == "close"
            assert refused.json()["error"]["code"] == "SERVICE_UNAVAILABLE"
            ready = await client.get(readiness)
            assert ready.status_code == 503
            assert ready.json() == {"status": "fail", "checks": {"shutdown": "fail"}}
            assert not events, "pools stay open while a request is in flight"
            gate.set()
            assert (await in_flight).status_code == 200
            assert (await outbox.get())["type"] == "lifespan.shutdown.complete"
            await lifespan
        assert [name for name, _ in events] == ["slow finished", "pools closed"]

    asyncio.run(scenario())


def test_the_drain_deadline_is_hard(render):
    module = render("graceful-shutdown", "fastapi", OPTION_SETS[1]).module

    async def scenario():
        events = []
        app, _state, _gate = _build(module, events)  # the gate never opens: a stuck request
        inbox, outbox = asyncio.Queue(), asyncio.Queue()
        lifespan = asyncio.create_task(
            app(
                {"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}, inbox.get, outbox.put
            )
        )
        await inbox.put({"type": "lifespan.startup"})
        await outbox.get()
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
            stuck = asyncio.create_task(client.get("/slow"))
            await asyncio.sleep(0.05)
            started = time.monotonic()
            await inbox.put({"type": "lifespan.shutdown"})
            assert (await outbox.get())["type"] == "lifespan.shutdown.complete"
            waited = time.monotonic() - started
            stuck.cancel()
        await lifespan
        assert 0.9 <= waited < 4.0  # the 1 s deadline, with slack for a loaded machine
        assert [name for name, _ in events] == ["pools closed"]

    asyncio.run(scenario())


SERVER = """
import asyncio, json, pathlib, sys, time
from fastapi import FastAPI
import graceful_shutdown as gs

events = pathlib.Path(sys.argv[2])

async def lifespan(app):
    yield
    with events.open("a") as f:
        f.write(json.dumps(["pools closed", time.time()]) + "\\n")

app = FastAPI(lifespan=lifespan)

@app.get("/slow")
async def slow(seconds: float):
    with events.open("a") as f:
        f.write(json.dumps(["slow started", time.time()]) + "\\n")
    await asyncio.sleep(seconds)
    with events.open("a") as f:
        f.write(json.dumps(["slow finished", time.time()]) + "\\n")
    return {"slept": seconds}

gs.run(app, gs.ShutdownState(), "127.0.0.1", int(sys.argv[1]))
"""


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(directory, events):
    (directory / "server.py").write_text(SERVER)
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "server.py", str(port), str(events)],
        cwd=directory,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process, port
        except OSError:
            time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    raise AssertionError(process.stdout.read().decode())


def _get_in_thread(url, results):
    def run():
        try:
            results.append(httpx.get(url, timeout=30).status_code)
        except httpx.HTTPError as error:
            results.append(type(error).__name__)

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.parametrize(
    ("options", "sleep", "expect_done"), [({}, 1.0, True), (OPTION_SETS[1], 8.0, False)]
)
def test_sigterm_under_uvicorn(render, tmp_path, options, sleep, expect_done):
    rendered = render("graceful-shutdown", "fastapi", options)
    events = tmp_path / "events.jsonl"
    process, port = _serve(rendered.directory, events)
    try:
        results = []
        thread = _get_in_thread(f"http://127.0.0.1:{port}/slow?seconds={sleep}", results)
        deadline = time.monotonic() + 20
        while not (events.exists() and "slow started" in events.read_text()):
            assert time.monotonic() < deadline, "the slow request never reached the server"
            time.sleep(0.02)
        sent = time.monotonic()
        process.send_signal(signal.SIGTERM)
        time.sleep(0.2)
        with pytest.raises(httpx.HTTPError):  # the listener is closed: no new work
            httpx.get(f"http://127.0.0.1:{port}/slow?seconds=0", timeout=2)
        code = process.wait(timeout=20)
        took = time.monotonic() - sent
        thread.join(timeout=20)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    output = process.stdout.read().decode()
    assert code == 0, output
    names = [json.loads(line)[0] for line in events.read_text().splitlines()]
    if expect_done:
        assert results == [200]
        assert names == ["slow started", "slow finished", "pools closed"]
    else:
        assert results and results[0] != 200  # cut off at the hard deadline
        assert names == ["slow started", "pools closed"]
        assert took < 6, f"the 1 s deadline held, not the 8 s request (took {took:.1f}s)"
