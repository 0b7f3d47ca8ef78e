"""webhook-sender on FastAPI: signed deliveries to a real receiver on loopback, the decided retry
schedule, no retry on 4xx other than 408/429, disable + notify after the last retry."""

import asyncio
import hashlib
import hmac
import socket
import threading
import time

import pytest
import uvicorn
from fastapi import FastAPI, Request, Response

OPTION_SETS = [
    {},
    {
        "retry_delays_seconds": [2, 4],
        "connect_timeout_seconds": 0.5,
        "read_timeout_seconds": 0.3,
        "user_agent": "acme-hooks/2",
    },
]
SECRET = "whsec_sender"


class Receiver:
    """A real HTTP server on 127.0.0.1 that answers with a scripted list of statuses."""

    def __init__(self):
        self.script: list[int | str] = []
        self.requests: list[dict] = []
        app = FastAPI()

        @app.post("/hook")
        async def hook(request: Request):
            body = await request.body()
            self.requests.append({"headers": dict(request.headers), "body": body})
            step = self.script.pop(0) if self.script else 200
            if step == "slow":
                await asyncio.sleep(1.0)
                step = 200
            return Response(status_code=step)

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="error")
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.02)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/hook"

    def stop(self):
        self.server.should_exit = True
        self.thread.join(timeout=5)


@pytest.fixture(scope="module")
def receiver():
    server = Receiver()
    yield server
    server.stop()


def _run(module, receiver, script, url=None, now=1_700_000_000):
    receiver.script[:] = list(script)
    receiver.requests.clear()
    slept, notified = [], []
    clock = {"now": now}

    async def sleep(seconds):
        slept.append(seconds)
        clock["now"] += seconds

    async def on_disabled(endpoint, delivery):
        notified.append((endpoint.url, delivery.attempts))

    async def scenario():
        sender = module.WebhookSender(
            on_disabled=on_disabled, sleep=sleep, clock=lambda: clock["now"]
        )
        endpoint = module.Endpoint(url or receiver.url, SECRET)
        try:
            return await sender.send(endpoint, "evt_42", {"type": "order.paid", "id": 7}), endpoint
        finally:
            await sender.aclose()

    delivery, endpoint = asyncio.run(scenario())
    return delivery, endpoint, slept, notified


def _verify(request):
    headers = request["headers"]
    timestamp = headers["x-webhook-timestamp"]
    expected = hmac.new(
        SECRET.encode(), f"{timestamp}.".encode() + request["body"], hashlib.sha256
    ).hexdigest()
    assert headers["x-webhook-signature"] == f"v1={expected}"
    assert headers["x-webhook-id"] == "evt_42"
    assert headers["content-type"] == "application/json"
    return int(timestamp)


@pytest.mark.parametrize("options", OPTION_SETS)
def test_success_after_retries_and_signing(render, receiver, options):
    module = render("webhook-sender", "fastapi", options).module
    delays = options.get("retry_delays_seconds", [1, 5, 25, 125, 625])
    delivery, endpoint, slept, notified = _run(module, receiver, [503, 429])
    assert delivery.delivered and delivery.attempts == 3 and endpoint.enabled
    assert slept == delays[:2] and notified == []
    stamps = [_verify(request) for request in receiver.requests]
    assert stamps == [1_700_000_000, 1_700_000_000 + delays[0], 1_700_000_000 + sum(delays[:2])]
    assert receiver.requests[0]["body"] == b'{"type":"order.paid","id":7}'
    agent = options.get("user_agent", "backend-skill-webhooks/1")
    assert receiver.requests[0]["headers"]["user-agent"] == agent


@pytest.mark.parametrize("options", OPTION_SETS)
def test_exhausted_retries_disable_and_notify(render, receiver, options):
    module = render("webhook-sender", "fastapi", options).module
    delays = options.get("retry_delays_seconds", [1, 5, 25, 125, 625])
    delivery, endpoint, slept, notified = _run(module, receiver, [500] * 10)
    assert not delivery.delivered and delivery.disabled and not endpoint.enabled
    assert delivery.attempts == len(delays) + 1 == len(receiver.requests)
    assert slept == delays
    assert notified == [(receiver.url, len(delays) + 1)]


@pytest.mark.parametrize("status", [400, 401, 404, 410, 422])
def test_client_errors_are_not_retried(render, receiver, status):
    module = render("webhook-sender", "fastapi", {}).module
    delivery, endpoint, slept, notified = _run(module, receiver, [status])
    assert (delivery.delivered, delivery.attempts, delivery.last_status) == (False, 1, status)
    assert slept == [] and notified == [] and endpoint.enabled


def test_408_is_retried(render, receiver):
    module = render("webhook-sender", "fastapi", {}).module
    delivery, _, slept, _ = _run(module, receiver, [408])
    assert delivery.delivered and slept == [1]


def test_timeouts_and_refused_connections_are_retried(render, receiver):
    module = render("webhook-sender", "fastapi", OPTION_SETS[1]).module
    delivery, _, slept, _ = _run(module, receiver, ["slow"])  # 1 s answer > 0.3 s read timeout
    assert delivery.delivered and delivery.attempts == 2 and slept == [2]

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{closed_port}/hook"
    delivery, endpoint, slept, notified = _run(module, receiver, [], url=url)
    assert delivery.disabled and delivery.last_status is None and delivery.attempts == 3
    assert notified == [(url, 3)] and not endpoint.enabled
