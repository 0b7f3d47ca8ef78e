"""webhook-sender (requests) against a real Flask receiver on 127.0.0.1: signature, headers,
the retry schedule, what is retried and what is not, disabling and notifying, timeouts."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import logging
import socket
import threading
import time

import pytest
from flask import Flask, request
from werkzeug.serving import make_server

OPTION_SETS = [
    {},
    {
        "retry_delays_seconds": [2, 4],
        "connect_timeout_seconds": 1,
        "read_timeout_seconds": 0.3,
        "user_agent": "acme-hooks/2",
    },
]
SECRET = b"whsec-0123456789"


@pytest.fixture(scope="module")
def receiver():
    app = Flask(__name__)
    state = {"script": [], "seen": []}

    @app.post("/hook")
    def hook():
        timestamp = request.headers["X-Webhook-Timestamp"]
        body = request.get_data()
        expected = (
            "v1=" + hmac.new(SECRET, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
        )
        state["seen"].append(
            {
                "valid": hmac.compare_digest(expected, request.headers["X-Webhook-Signature"]),
                "id": request.headers["X-Webhook-ID"],
                "timestamp": int(timestamp),
                "agent": request.headers["User-Agent"],
                "json": request.get_json(),
            }
        )
        step = state["script"].pop(0) if state["script"] else 200
        if step == "slow":
            time.sleep(1.0)
            step = 200
        return "", step

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook", state
    server.shutdown()


@pytest.mark.parametrize("options", OPTION_SETS)
def test_delivery_and_retries(render, options, receiver, caplog):
    module = render("webhook-sender", "flask", options).module
    delays = options.get("retry_delays_seconds", [1, 5, 25, 125, 625])
    agent = options.get("user_agent", "backend-skill-webhooks/1")
    url, state = receiver
    now = [1_700_000_000.0]
    sleeps, disabled = [], []

    def sleep(seconds):
        sleeps.append(seconds)
        now[0] += seconds

    sender = module.WebhookSender(
        sleep=sleep, clock=lambda: now[0], on_disabled=lambda e, r: disabled.append(r)
    )

    def run(script, event_id, endpoint=None):
        state["script"][:] = script
        state["seen"].clear()
        sleeps.clear()
        endpoint = endpoint or module.Endpoint(url, SECRET)
        return endpoint, sender.deliver(endpoint, event_id, {"type": "order.paid", "n": 1})

    # 5xx then success: retried after the first delays, signed afresh each time.
    with caplog.at_level(logging.INFO):
        endpoint, result = run([500, 503][: len(delays)], "evt_1")
    assert result.delivered and endpoint.enabled
    tries = min(2, len(delays)) + 1
    assert [a.status for a in result.attempts] == [*[500, 503][: tries - 1], 200]
    assert sleeps == delays[: tries - 1]
    assert all(s["valid"] and s["id"] == "evt_1" and s["agent"] == agent for s in state["seen"])
    assert state["seen"][0]["json"] == {"type": "order.paid", "n": 1}
    stamps = [s["timestamp"] for s in state["seen"]]
    assert [b - a for a, b in itertools.pairwise(stamps)] == delays[: tries - 1]
    assert len([r for r in caplog.records if r.getMessage() == "webhook attempt"]) == tries

    # 408 and 429 are retried; other 4xx are not (and do not disable the endpoint).
    endpoint, result = run([429, 408], "evt_2")
    assert [a.status for a in result.attempts][:2] == [429, 408]
    endpoint, result = run([410], "evt_3")
    assert [a.status for a in result.attempts] == [410] and sleeps == []
    assert endpoint.enabled and not result.delivered

    # Every attempt fails: 1 + len(delays) attempts, then disabled and notified once.
    endpoint, result = run([500] * 10, "evt_4")
    assert len(result.attempts) == len(delays) + 1 and sleeps == delays
    assert not endpoint.enabled and disabled == [result]
    _, later = run([], "evt_5", endpoint)
    assert later.attempts == [] and state["seen"] == [], "a disabled endpoint gets nothing"

    # No server at all: connection errors are retried, then the endpoint is disabled.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    endpoint, result = run([], "evt_6", module.Endpoint(f"http://127.0.0.1:{closed_port}/", SECRET))
    assert [a.error for a in result.attempts] == ["ConnectionError"] * (len(delays) + 1)
    assert not endpoint.enabled

    if options.get("read_timeout_seconds", 10) < 1:
        # A receiver slower than the read timeout counts as a failed attempt.
        endpoint, result = run(["slow"], "evt_7")
        assert result.attempts[0].error in ("ReadTimeout", "ConnectionError")
        assert result.delivered and len(result.attempts) == 2
