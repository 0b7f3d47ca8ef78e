"""webhook-signature on FastAPI: valid accepted with the raw body; bad signature, old or future
timestamp, tampered body, missing headers each rejected; redeliveries deduped by id."""

import hashlib
import hmac
import json

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient

OPTION_SETS = [
    {},
    {
        "secret_env": "PAYMENTS_HOOK_SECRET",
        "tolerance_seconds": 60,
        "signature_header": "X-Signature",
        "timestamp_header": "X-Timestamp",
        "id_header": "X-Event-ID",
        "path_prefix": "/hooks",
    },
]
SECRET = "whsec_3f9a1c"
NOW = 1_700_000_000


def _sig(body, timestamp, secret=SECRET):
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "v1=" + mac.hexdigest()


def _setup(render, options):
    module = render("webhook-signature", "fastapi", options).module
    clock = {"now": float(NOW)}
    app = FastAPI()
    app.add_middleware(
        module.WebhookVerificationMiddleware, secret=SECRET, clock=lambda: clock["now"]
    )
    received = []
    prefix = options.get("path_prefix", "/webhooks")

    @app.post(prefix + "/payments")
    async def payments(request: Request):
        raw = await request.body()
        received.append(raw)
        return {"type": json.loads(raw)["type"]}

    @app.post("/orders")
    async def orders():
        return {"unsigned": "fine"}

    names = {
        "sig": options.get("signature_header", "X-Webhook-Signature"),
        "ts": options.get("timestamp_header", "X-Webhook-Timestamp"),
        "id": options.get("id_header", "X-Webhook-ID"),
    }
    return module, TestClient(app), received, clock, prefix + "/payments", names


@pytest.mark.parametrize("options", OPTION_SETS)
def test_verification_rejects_every_kind_of_forgery(render, options):
    module, client, received, _clock, path, names = _setup(render, options)
    tolerance = options.get("tolerance_seconds", 300)
    body = b'{"type":"payment.succeeded","amount":  100}'  # odd spacing: raw bytes matter

    def deliver(content, timestamp, signature, event_id="evt_1"):
        headers = {names["ts"]: str(timestamp), names["sig"]: signature, names["id"]: event_id}
        return client.post(path, content=content, headers=headers)

    ok = deliver(body, NOW, _sig(body, NOW))
    assert ok.status_code == 200 and received == [body]

    def rejected(response, reason):
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "INVALID_WEBHOOK_SIGNATURE"
        assert reason in response.json()["error"]["message"]

    rejected(deliver(body, NOW, _sig(body, NOW, secret="wrong"), "e2"), "mismatch")
    rejected(deliver(body + b" ", NOW, _sig(body, NOW), "e3"), "mismatch")  # tampered
    old = NOW - tolerance - 1
    rejected(deliver(body, old, _sig(body, old), "e4"), "tolerance")  # old, validly signed
    future = NOW + tolerance + 1
    rejected(deliver(body, future, _sig(body, future), "e5"), "tolerance")
    rejected(deliver(body, NOW + 1, _sig(body, NOW), "e6"), "mismatch")  # timestamp swapped
    rejected(client.post(path, content=body), "timestamp")
    rejected(deliver(body, "12ab", _sig(body, "12ab"), "e7"), "timestamp")
    edge = NOW - tolerance
    assert deliver(body, edge, _sig(body, edge), "e8").status_code == 200
    assert len(received) == 2

    rotated = f"v1=deadbeef {_sig(body, NOW)}"
    assert deliver(body, NOW, rotated, "e9").status_code == 200

    # A redelivery of the same event id is acknowledged without running the handler again.
    again = deliver(body, NOW, _sig(body, NOW), "evt_1")
    assert again.status_code == 200 and again.json() == {"status": "duplicate"}
    assert len(received) == 3

    missing_id = client.post(
        path, content=body, headers={names["ts"]: str(NOW), names["sig"]: _sig(body, NOW)}
    )
    assert missing_id.status_code == 400
    assert client.post("/orders").json() == {"unsigned": "fine"}
    assert module.sign(SECRET.encode(), str(NOW), body) == _sig(body, NOW)


def test_failed_handling_is_not_marked_seen(render):
    module = render("webhook-signature", "fastapi", {}).module
    attempts = []
    app = FastAPI()
    app.add_middleware(module.WebhookVerificationMiddleware, secret=SECRET, clock=lambda: NOW)

    @app.post("/webhooks/x")
    async def flaky(request: Request):
        attempts.append(await request.body())
        if len(attempts) == 1:
            raise RuntimeError("db down")
        return {}

    client = TestClient(app, raise_server_exceptions=False)
    body = b"{}"
    headers = {"X-Webhook-ID": "e", "X-Webhook-Timestamp": str(NOW)}
    headers["X-Webhook-Signature"] = _sig(body, NOW)
    assert client.post("/webhooks/x", content=body, headers=headers).status_code == 500
    assert client.post("/webhooks/x", content=body, headers=headers).status_code == 200
    assert client.post("/webhooks/x", content=body, headers=headers).json() == {
        "status": "duplicate"
    }
    assert len(attempts) == 2


def test_sender_and_receiver_agree(render):
    sender = render("webhook-sender", "fastapi", {}).module
    receiver = render("webhook-signature", "fastapi", {}).module
    body = b'{"a":1}'
    signature = sender.signature(SECRET, str(NOW), body)
    assert receiver.verify(SECRET.encode(), str(NOW), signature, body, NOW) is None


def test_the_secret_comes_from_secret_env_when_not_passed(render, monkeypatch):
    module = render("webhook-signature", "fastapi", OPTION_SETS[1]).module
    monkeypatch.delenv("PAYMENTS_HOOK_SECRET", raising=False)
    app = FastAPI()
    app.add_middleware(module.WebhookVerificationMiddleware)
    with pytest.raises(RuntimeError, match="PAYMENTS_HOOK_SECRET"):
        TestClient(app).get("/")
    monkeypatch.setenv("PAYMENTS_HOOK_SECRET", SECRET)
    app = FastAPI()
    app.add_middleware(module.WebhookVerificationMiddleware, clock=lambda: NOW)
    app.add_api_route("/hooks/x", lambda: {"ok": True}, methods=["POST"])
    headers = {"X-Event-ID": "1", "X-Timestamp": str(NOW), "X-Signature": _sig(b"{}", NOW)}
    assert TestClient(app).post("/hooks/x", content=b"{}", headers=headers).status_code == 200


def test_an_empty_secret_fails_at_startup(render):
    module = render("webhook-signature", "fastapi", {}).module
    app = FastAPI()
    app.add_middleware(module.WebhookVerificationMiddleware, secret="")
    with pytest.raises(RuntimeError, match="WEBHOOK_SECRET"):
        TestClient(app).get("/")
