"""webhook-signature on Flask: valid accepted once, bad signature / old timestamp / tampered
body / missing headers rejected before the view runs, duplicates not processed twice."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from flask import Flask, request

OPTION_SETS = [
    {},
    {
        "secret_env": "PAYMENTS_WEBHOOK_SECRET",
        "tolerance_seconds": 60,
        "signature_header": "X-Signature",
        "timestamp_header": "X-Timestamp",
        "id_header": "X-Delivery",
        "path_prefix": "/hooks/in",
    },
]
SECRET = "whsec_0123456789abcdef"


def _signature(secret, timestamp, body):
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "v1=" + digest.hexdigest()


@pytest.mark.parametrize("options", OPTION_SETS)
def test_verification(render, options, monkeypatch):
    module = render("webhook-signature", "flask", options).module
    env = options.get("secret_env", "WEBHOOK_SECRET")
    tolerance = options.get("tolerance_seconds", 300)
    sig_h = options.get("signature_header", "X-Webhook-Signature")
    ts_h = options.get("timestamp_header", "X-Webhook-Timestamp")
    id_h = options.get("id_header", "X-Webhook-ID")
    prefix = options.get("path_prefix", "/webhooks")
    now = [1_700_000_000.0]

    app = Flask(__name__)
    monkeypatch.delenv(env, raising=False)
    with pytest.raises(RuntimeError, match=env):
        module.init_webhook_verification(app)
    monkeypatch.setenv(env, SECRET)
    module.init_webhook_verification(app, clock=lambda: now[0])
    handled = []

    @app.post(f"{prefix}/payments")
    def payments():
        handled.append(request.get_json()["id"])
        if request.get_json().get("fail"):
            return {"error": "try later"}, 503
        return {"ok": True}, 202

    @app.post("/elsewhere")
    def elsewhere():
        return {"open": True}

    client = app.test_client()

    def deliver(body, delivery="evt_1", timestamp=None, signature=None, headers=None):
        ts = int(now[0]) if timestamp is None else timestamp
        sent = {
            id_h: delivery,
            ts_h: str(ts),
            sig_h: signature if signature is not None else _signature(SECRET, ts, body),
            "Content-Type": "application/json",
        }
        if headers is not None:
            sent = headers
        return client.post(f"{prefix}/payments", data=body, headers=sent)

    body = b'{"id": "evt_1", "amount": 100}'
    assert module.sign(SECRET.encode(), int(now[0]), body) == _signature(SECRET, int(now[0]), body)
    accepted = deliver(body)
    assert accepted.status_code == 202 and handled == ["evt_1"]

    replay = deliver(body)
    assert replay.status_code == 200 and replay.get_json()["status"] == "duplicate"
    assert handled == ["evt_1"], "a duplicate delivery does not run the view again"

    body2 = b'{"id": "evt_2", "amount": 100}'
    ts = int(now[0])
    rejected = {
        "bad signature": deliver(body2, "evt_2", signature=_signature("wrong-secret", ts, body2)),
        "old timestamp": deliver(body2, "evt_2", timestamp=ts - tolerance - 1),
        "future timestamp": deliver(body2, "evt_2", timestamp=ts + tolerance + 1),
        "tampered body": deliver(
            b'{"id": "evt_2", "amount": 999}', "evt_2", signature=_signature(SECRET, ts, body2)
        ),
        "timestamp swapped": deliver(
            body2, "evt_2", timestamp=ts - 1, signature=_signature(SECRET, ts, body2)
        ),
    }
    for case, response in rejected.items():
        assert response.status_code == 401, case
        assert response.get_json()["error"]["code"].startswith("WEBHOOK_"), case
    assert rejected["old timestamp"].get_json()["error"]["code"] == "WEBHOOK_TIMESTAMP_EXPIRED"
    missing = deliver(body2, headers={"Content-Type": "application/json"})
    assert missing.status_code == 400
    assert handled == ["evt_1"], "no rejected delivery reached the view"

    # Within the tolerance window, and rotation: any one of several signatures may match.
    edge = deliver(body2, "evt_2", timestamp=ts - tolerance)
    assert edge.status_code == 202
    rotated = deliver(
        b'{"id": "evt_3"}',
        "evt_3",
        signature="v1=" + "0" * 64 + " " + _signature(SECRET, ts, b'{"id": "evt_3"}'),
    )
    assert rotated.status_code == 202

    # A delivery the view failed on (5xx) is processed again when retried.
    failing = b'{"id": "evt_4", "fail": true}'
    assert deliver(failing, "evt_4").status_code == 503
    assert deliver(failing, "evt_4").status_code == 503
    assert handled.count("evt_4") == 2
    assert client.post("/elsewhere").status_code == 200
