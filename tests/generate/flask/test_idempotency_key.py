"""idempotency-key on Flask, memory and Redis stores: replay without re-running the view, 409
while in progress, 422 on another payload, 2xx/4xx stored, 5xx not, TTL and lock expiry."""

from __future__ import annotations

import threading
import time
import uuid

import pytest
import redis
from flask import Flask, request

OPTION_SETS = [
    {},
    {
        "header_name": "X-Idempotency-Key",
        "ttl_seconds": 2,
        "lock_timeout_seconds": 1,
        "store": "redis",
        "key_prefix": "idem:test:",
        "methods": ["POST", "PUT"],
        "max_key_length": 32,
    },
    {"store": "redis"},
]


def _app(module, store=None):
    app = Flask(__name__)
    module.init_idempotency(app, store=store)
    state = {"calls": 0, "gate": None, "entered": threading.Event()}

    @app.route("/payments", methods=["POST", "PUT", "PATCH"])
    def payments():
        state["calls"] += 1
        state["entered"].set()
        if state["gate"] is not None:
            assert state["gate"].wait(10)
        amount = request.get_json()["amount"]
        if amount < 0:
            return {"error": "negative"}, 400
        if amount == 500:
            return {"error": "crash"}, 500
        return {"payment": state["calls"], "amount": amount}, 201, {"Location": "/p/1"}

    return app, state


def _exercise(module, app, state, header, methods, advance):
    client = app.test_client()

    def post(key, amount, method="post"):
        return getattr(client, method)("/payments", json={"amount": amount}, headers={header: key})

    key = uuid.uuid4().hex[:16]
    first = post(key, 10)
    assert first.status_code == 201 and state["calls"] == 1
    replay = post(key, 10)
    assert replay.status_code == 201
    assert replay.get_json() == first.get_json() == {"payment": 1, "amount": 10}
    assert replay.headers["Location"] == "/p/1"
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert state["calls"] == 1, "the replay did not run the view"

    mismatch = post(key, 11)
    assert mismatch.status_code == 422
    assert mismatch.get_json()["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"

    bad = uuid.uuid4().hex[:16]
    assert post(bad, -1).status_code == 400
    assert post(bad, -1).status_code == 400 and state["calls"] == 2, "4xx is stored"

    crash = uuid.uuid4().hex[:16]
    assert post(crash, 500).status_code == 500
    assert post(crash, 500).status_code == 500 and state["calls"] == 4, "5xx is not stored"

    # No key, or a method not listed: the view runs every time.
    client.post("/payments", json={"amount": 1})
    client.post("/payments", json={"amount": 1})
    assert state["calls"] == 6
    unlisted = "PATCH" if "PATCH" not in methods else None
    if unlisted:
        post("unlisted", 1, "patch")
        post("unlisted", 1, "patch")
        assert state["calls"] == 8
    calls = state["calls"]
    assert post("x" * 2000, 1).status_code == 400 and state["calls"] == calls

    # In progress: a concurrent retry gets 409 and does not run the view.
    slow = uuid.uuid4().hex[:16]
    state["gate"], state["entered"] = threading.Event(), threading.Event()
    results = []
    worker = threading.Thread(target=lambda: results.append(post(slow, 20).status_code))
    worker.start()
    assert state["entered"].wait(10)
    busy = post(slow, 20)
    assert busy.status_code == 409 and busy.headers["Retry-After"] == "1"
    assert busy.get_json()["error"]["code"] == "IDEMPOTENCY_IN_PROGRESS"
    state["gate"].set()
    worker.join(10)
    state["gate"] = None
    assert results == [201] and state["calls"] == calls + 1
    assert post(slow, 20).headers["Idempotent-Replayed"] == "true"

    # After the TTL the key is forgotten.
    calls = state["calls"]
    advance("ttl")
    assert post(key, 10).get_json() == {"payment": calls + 1, "amount": 10}


def test_memory_store_defaults(render):
    module = render("idempotency-key", "flask", {}).module
    assert module.TTL_SECONDS == 86400 and module.LOCK_TIMEOUT_SECONDS == 60
    now = [0.0]
    store = module.MemoryStore(clock=lambda: now[0])
    app, state = _app(module, store)

    def advance(what):
        now[0] += 86400 + 1

    _exercise(module, app, state, "Idempotency-Key", ["POST", "PATCH"], advance)

    # A crashed worker's in-progress marker expires after the lock timeout.
    assert store.begin("idempotency:v1:k", "f", "t1")[0] == "started"
    assert store.begin("idempotency:v1:k", "f", "t2")[0] == "in_progress"
    now[0] += 61
    assert store.begin("idempotency:v1:k", "f", "t3")[0] == "started"


def test_scope_separates_callers(render):
    module = render("idempotency-key", "flask", {}).module
    app = Flask(__name__)
    module.init_idempotency(app, scope=lambda: request.headers["X-User"])
    calls = []

    @app.post("/orders")
    def orders():
        calls.append(1)
        return {"n": len(calls)}, 201

    client = app.test_client()
    for user in ["alice", "bob", "alice"]:
        client.post("/orders", json={}, headers={"Idempotency-Key": "same", "X-User": user})
    assert len(calls) == 2


@pytest.mark.parametrize("options", OPTION_SETS[1:])
def test_redis_store(render, redis_url, options):
    module = render("idempotency-key", "flask", {**options, "redis_url": redis_url}).module
    assert redis_url == module.REDIS_URL
    app, state = _app(module)  # the default store is Redis at REDIS_URL
    header = options.get("header_name", "Idempotency-Key")
    prefix = options.get("key_prefix", "idempotency:v1:")
    ttl = options.get("ttl_seconds", 86400)
    client = redis.Redis.from_url(redis_url)

    def advance(what):
        keys = client.keys(prefix + "*")
        assert keys and all(0 < client.ttl(k) <= ttl for k in keys)
        if ttl <= 2:
            time.sleep(ttl + 0.2)
        else:
            client.delete(*keys)  # a day is too long to wait: expire them by hand

    _exercise(module, app, state, header, options.get("methods", ["POST", "PATCH"]), advance)

    # Two app instances (two workers) share the store: the second replays the first's answer.
    key = uuid.uuid4().hex[:16]
    other_app, other_state = _app(module)
    app.test_client().post("/payments", json={"amount": 3}, headers={header: key})
    replay = other_app.test_client().post("/payments", json={"amount": 3}, headers={header: key})
    assert replay.headers["Idempotent-Replayed"] == "true" and other_state["calls"] == 0

    # A stale in-progress marker expires after the lock timeout; release only removes our own.
    store = module.RedisStore(client)
    marker = prefix + "lock-" + key
    assert store.begin(marker, "f", "t1")[0] == "started"
    store.release(marker, "someone-else")
    assert store.begin(marker, "f", "t2")[0] == "in_progress"
    assert 0 < client.ttl(marker) <= options.get("lock_timeout_seconds", 60)
    store.release(marker, "t1")
    assert store.begin(marker, "f", "t3")[0] == "started"
