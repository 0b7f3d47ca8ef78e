"""webhook-signature on Django: a good signature passes; a bad signature, an old (or future)
timestamp, a tampered body and missing headers are each rejected before the view runs; a
replayed delivery id is acknowledged without running the view again."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from django.http import JsonResponse
from django.urls import path

from tests.generate.django.conftest import dotted

OPTION_SETS = [
    {},
    {
        "secret_env": "TEST_HOOK_SECRET",
        "tolerance_seconds": 60,
        "signature_header": "X-Hub-Signature",
        "timestamp_header": "X-Hub-Timestamp",
        "id_header": "X-Hub-Delivery",
        "path_prefix": "/hooks/in",
    },
]
SECRET = "whsec_behaviour_test"
NOW = 1_700_000_000


def _signature(secret, timestamp, body):
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "v1=" + mac.hexdigest()


@pytest.mark.parametrize("options", OPTION_SETS)
def test_verification(render, django_app, monkeypatch, options):
    module = render("webhook-signature", "django", options).module
    monkeypatch.setenv(module.SECRET_ENV, SECRET)
    monkeypatch.setattr(module, "now", lambda: NOW)
    tolerance = options.get("tolerance_seconds", 300)
    prefix = options.get("path_prefix", "/webhooks")
    received = []

    def receive(request):
        received.append(request.body)
        return JsonResponse({"status": "accepted"}, status=202)

    routes = [path(prefix.lstrip("/") + "/events", receive), path("other", receive)]
    client = django_app([dotted(module, "WebhookSignatureMiddleware")], routes)
    url = prefix + "/events"
    body = b'{"type":"invoice.paid","id":"in_1"}'

    def post(body=body, timestamp=NOW, signature=None, delivery="evt_1", drop=None, url=url):
        headers = {
            options.get("signature_header", "X-Webhook-Signature"): signature
            or _signature(SECRET, timestamp, body),
            options.get("timestamp_header", "X-Webhook-Timestamp"): str(timestamp),
            options.get("id_header", "X-Webhook-ID"): delivery,
        }
        headers = {k: v for k, v in headers.items() if k != drop}
        return client.post(url, body, "application/json", headers=headers)

    assert post().status_code == 202
    assert received == [body]

    def code(response):
        return response.status_code, response.json()["error"]["code"]

    assert code(post(signature=_signature("other-secret", NOW, body), delivery="e2")) == (
        401,
        "WEBHOOK_SIGNATURE_INVALID",
    )
    assert code(
        post(
            body=body.replace(b"in_1", b"in_2"),
            signature=_signature(SECRET, NOW, body),
            delivery="e3",
        )
    ) == (401, "WEBHOOK_SIGNATURE_INVALID")
    old = NOW - tolerance - 1
    assert code(post(timestamp=old, delivery="e4")) == (401, "WEBHOOK_TIMESTAMP_EXPIRED")
    future = NOW + tolerance + 1
    assert code(post(timestamp=future, delivery="e5")) == (401, "WEBHOOK_TIMESTAMP_EXPIRED")
    # The signature covers the timestamp: moving it re-dates nothing.
    assert (
        code(post(timestamp=NOW - 1, signature=_signature(SECRET, NOW, body), delivery="e6"))[0]
        == 401
    )
    assert post(timestamp=NOW - tolerance, delivery="e7").status_code == 202
    for header in ("signature_header", "timestamp_header", "id_header"):
        default = {
            "signature_header": "X-Webhook-Signature",
            "timestamp_header": "X-Webhook-Timestamp",
            "id_header": "X-Webhook-ID",
        }
        response = post(delivery="e8", drop=options.get(header, default[header]))
        assert code(response) == (400, "WEBHOOK_HEADERS_MISSING")
    assert code(post(signature="sha256=" + "0" * 64, delivery="e9"))[0] == 401
    assert code(post(timestamp="²", delivery="e11"))[0] == 400  # a digit, but not ASCII
    assert len(received) == 2

    # Secret rotation: any one of several signatures may match.
    rotated = f"v1={'a' * 64} {_signature(SECRET, NOW, body)}"
    assert post(signature=rotated, delivery="e10").status_code == 202

    # A replayed delivery id is acknowledged but not processed twice.
    replay = post()
    assert replay.status_code == 200 and replay.json() == {"status": "duplicate"}
    assert len(received) == 3
    # Outside the prefix nothing is checked.
    assert client.post("/other", body, "application/json").status_code == 202


def test_failed_processing_is_not_marked_seen(render, django_app, monkeypatch):
    module = render("webhook-signature", "django").module
    monkeypatch.setenv(module.SECRET_ENV, SECRET)
    monkeypatch.setattr(module, "now", lambda: NOW)
    outcomes = iter([500, 202])
    client = django_app(
        [dotted(module, "WebhookSignatureMiddleware")],
        [path("webhooks/x", lambda r: JsonResponse({}, status=next(outcomes)))],
    )
    body = b"{}"
    headers = {
        "X-Webhook-Signature": _signature(SECRET, NOW, body),
        "X-Webhook-Timestamp": str(NOW),
        "X-Webhook-ID": "evt_r",
    }
    assert client.post("/webhooks/x", body, "application/json", headers=headers).status_code == 500
    assert client.post("/webhooks/x", body, "application/json", headers=headers).status_code == 202
    assert client.post("/webhooks/x", body, "application/json", headers=headers).json() == {
        "status": "duplicate"
    }
