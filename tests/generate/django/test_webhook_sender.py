"""webhook-sender: real signed deliveries over loopback to a real Django app that verifies them
with the generated webhook-signature middleware; the 1/5/25/125/625 s schedule (injected sleep),
retries on 5xx/408/429/connection errors, none on other 4xx, disable and notify at the end."""

from __future__ import annotations

import logging
import socket
import threading
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.http import JsonResponse
from django.urls import path

from tests.generate.django.conftest import dotted

OPTION_SETS = [
    {},
    {
        "retry_delays_seconds": [2, 4],
        "connect_timeout_seconds": 0.5,
        "read_timeout_seconds": 2.0,
        "user_agent": "acme-hooks.2",
    },
]
SECRET = "whsec_sender_test"


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class _Threaded(WSGIServer):
    daemon_threads = True

    def process_request(self, request, client_address):
        threading.Thread(target=self._handle, args=(request, client_address), daemon=True).start()

    def _handle(self, request, client_address):
        try:
            self.finish_request(request, client_address)
        finally:
            self.shutdown_request(request)


@pytest.fixture
def receiver(render, django_app, monkeypatch):
    """A real Django app on 127.0.0.1 verifying signatures; replies with scripted statuses."""
    verifier = render("webhook-signature", "django").module
    monkeypatch.setenv(verifier.SECRET_ENV, SECRET)
    script = []
    received = []
    stall = threading.Event()

    def events(request):
        received.append(request)
        status = script.pop(0) if script else 204
        if status == "stall":
            stall.wait(5)
            status = 204
        return JsonResponse({}, status=status)

    django_app([dotted(verifier, "WebhookSignatureMiddleware")], [path("webhooks/events", events)])
    server = make_server(
        "127.0.0.1", 0, WSGIHandler(), server_class=_Threaded, handler_class=_Quiet
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/webhooks/events", script, received
    stall.set()
    server.shutdown()
    server.server_close()


def _sender(module, **kwargs):
    sleeps, disabled = [], []
    sender = module.WebhookSender(
        sleep=sleeps.append, on_disabled=lambda e, i: disabled.append(i), **kwargs
    )
    return sender, sleeps, disabled


@pytest.mark.parametrize("options", OPTION_SETS)
def test_retry_schedule_then_disable(render, receiver, options, caplog):
    module = render("webhook-sender", "django", options).module
    url, script, received = receiver
    delays = options.get("retry_delays_seconds", [1, 5, 25, 125, 625])
    sender, sleeps, disabled = _sender(module)
    endpoint = module.Endpoint(url, SECRET)

    script.extend([500] * (len(delays) + 1))
    with caplog.at_level(logging.INFO, logger=module.__name__):
        result = sender.deliver(endpoint, "evt_1", {"type": "invoice.paid"})
    assert result.delivered is False and result.attempts == len(delays) + 1
    assert sleeps == delays
    assert endpoint.enabled is False and disabled == ["evt_1"]
    # Every attempt reached the app signed correctly (the verifier let it through) and logged.
    assert len(received) == len(delays) + 1
    assert {r.headers["X-Webhook-ID"] for r in received} == {"evt_1"}
    assert received[0].headers["User-Agent"] == options.get(
        "user_agent", "backend-skill-webhooks/1"
    )
    attempts = [r for r in caplog.records if r.getMessage() == "webhook attempt"]
    assert [r.attempt for r in attempts] == list(range(1, len(delays) + 2))
    with pytest.raises(ValueError, match="disabled"):
        sender.deliver(endpoint, "evt_2", {})


def test_retryable_and_final_statuses(render, receiver):
    module = render("webhook-sender", "django").module
    url, script, received = receiver
    sender, sleeps, _ = _sender(module)

    script.extend([503, 429, 408, 200])
    result = sender.deliver(module.Endpoint(url, SECRET), "evt_a", {"n": 1})
    assert (result.delivered, result.attempts, result.status) == (True, 4, 200)
    assert sleeps == [1, 5, 25]
    assert received[-1].body == b'{"n":1}'

    sleeps.clear()
    script.append(410)
    result = sender.deliver(module.Endpoint(url, SECRET), "evt_b", {"n": 2})
    assert (result.delivered, result.attempts, result.status) == (False, 1, 410)
    assert sleeps == []

    # A wrong secret: the receiver's verifier answers 401, which is not retried.
    result = sender.deliver(module.Endpoint(url, "not-the-secret"), "evt_c", {"n": 3})
    assert (result.delivered, result.status) == (False, 401)


def test_connection_errors_and_timeouts_are_retried(render, receiver):
    module = render(
        "webhook-sender", "django", {"retry_delays_seconds": [1, 1], "read_timeout_seconds": 1.0}
    ).module
    url, script, _ = receiver
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    sender, sleeps, disabled = _sender(module)
    result = sender.deliver(
        module.Endpoint(f"http://127.0.0.1:{closed_port}/x", SECRET), "evt_x", {}
    )
    assert (result.delivered, result.attempts, result.status) == (False, 3, None)
    assert disabled == ["evt_x"]

    script.extend(["stall", 204])
    sender, sleeps, _ = _sender(module)
    result = sender.deliver(module.Endpoint(url, SECRET), "evt_t", {})
    assert (result.delivered, result.attempts) == (True, 2)
    assert sleeps == [1]
