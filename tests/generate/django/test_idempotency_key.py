"""idempotency-key on Django: replay without re-running the view, 409 in progress, 422 on a
different payload, 5xx not stored, TTL honoured; memory and real Redis stores."""

from __future__ import annotations

import hashlib
import itertools
import threading
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import pytest
from django.http import JsonResponse
from django.test import Client
from django.urls import path

from tests.generate.django.conftest import dotted

OPTION_SETS = [
    {},
    {
        "header_name": "X-Idempotency-Key",
        "ttl_seconds": 120,
        "methods": ["POST", "PUT"],
        "max_key_length": 32,
    },
    {"store": "redis", "key_prefix": "idem:test:"},
]
_prefixes = itertools.count()


def _options(options, redis_url):
    if options.get("store") == "redis":
        return {**options, "redis_url": redis_url, "key_prefix": f"idem:t{next(_prefixes)}:"}
    return options


@pytest.fixture
def app(render, django_app, request):
    def make(options):
        if options.get("store") == "redis":
            options = _options(options, request.getfixturevalue("redis_url"))
        module = render("idempotency-key", "django", options).module
        calls = []
        statuses = iter([])

        def orders(request):
            calls.append(request.body)
            status = next(statuses, 201)
            return JsonResponse({"order": len(calls)}, status=status)

        client = django_app([dotted(module, "IdempotencyKeyMiddleware")], [path("orders", orders)])

        def fail_next(*codes):
            nonlocal statuses
            statuses = iter(codes)

        return client, module, calls, fail_next

    return make


@pytest.mark.parametrize("options", OPTION_SETS)
def test_replay_conflict_and_mismatch(app, options):
    client, module, calls, fail_next = app(options)
    header = module.HEADER_NAME
    method = "PUT" if "PUT" in options.get("methods", []) else "POST"
    send = getattr(client, method.lower())

    first = send("/orders", {"sku": "a"}, "application/json", headers={header: "key-1"})
    replay = send("/orders", {"sku": "a"}, "application/json", headers={header: "key-1"})
    assert first.status_code == replay.status_code == 201
    assert replay.content == first.content == b'{"order": 1}'
    assert replay["Idempotent-Replayed"] == "true"
    assert len(calls) == 1

    reused = send("/orders", {"sku": "b"}, "application/json", headers={header: "key-1"})
    assert reused.status_code == 422 and reused.json()["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert len(calls) == 1

    # Another request holds the key: the retry is told 409, the view does not run.
    middleware_store = _store_of(client)
    claim = module.KEY_PREFIX + hashlib.sha256(b"None:key-busy").hexdigest()
    assert middleware_store.begin(claim, "other-fingerprint").state == "new"
    busy = send("/orders", {"sku": "c"}, "application/json", headers={header: "key-busy"})
    assert busy.status_code == 409 and busy["Retry-After"] == "1"
    assert len(calls) == 1

    # A 5xx is not stored: the retry runs the view again; the following 4xx is stored.
    fail_next(503, 400)
    assert (
        send("/orders", {"sku": "d"}, "application/json", headers={header: "key-2"}).status_code
        == 503
    )
    assert (
        send("/orders", {"sku": "d"}, "application/json", headers={header: "key-2"}).status_code
        == 400
    )
    assert (
        send("/orders", {"sku": "d"}, "application/json", headers={header: "key-2"}).status_code
        == 400
    )
    assert len(calls) == 3

    # No key, or a method not covered: the view always runs.
    send("/orders", {"sku": "e"}, "application/json")
    send("/orders", {"sku": "e"}, "application/json")
    client.delete("/orders", headers={header: "key-3"})
    client.delete("/orders", headers={header: "key-3"})
    assert len(calls) == 7

    too_long = "k" * (module.MAX_KEY_LENGTH + 1)
    assert send("/orders", {}, "application/json", headers={header: too_long}).status_code == 400


def _store_of(client):
    """The store of the IdempotencyKeyMiddleware instance Django built for this client."""
    chain = client.handler._middleware_chain
    seen = set()
    node = chain
    while node is not None and id(node) not in seen:
        seen.add(id(node))
        if hasattr(node, "store"):
            return node.store
        node = getattr(node, "get_response", None) or getattr(node, "__wrapped__", None)
    raise AssertionError("middleware not found")


def test_memory_store_expires_after_ttl(app):
    client, module, calls, _ = app({"ttl_seconds": 60})
    client.get("/orders")  # Django builds the middleware chain on the first request
    now = [1000.0]
    _store_of(client).clock = lambda: now[0]
    headers = {module.HEADER_NAME: "key-ttl"}
    client.post("/orders", {}, "application/json", headers=headers)
    now[0] += 59
    client.post("/orders", {}, "application/json", headers=headers)
    assert len(calls) == 2  # the GET and the first POST; the replay did not run
    now[0] += 2
    client.post("/orders", {}, "application/json", headers=headers)
    assert len(calls) == 3


def test_redis_store_sets_the_ttl(app, redis_url):
    import redis

    client, module, _calls, _ = app({"store": "redis", "ttl_seconds": 300})
    client.post("/orders", {}, "application/json", headers={module.HEADER_NAME: "key-r"})
    keys = redis.Redis.from_url(redis_url).keys(module.KEY_PREFIX + "*")
    assert len(keys) == 1
    assert 290 <= redis.Redis.from_url(redis_url).ttl(keys[0]) <= 300


class FakeAuthMiddleware:
    """Stands in for AuthenticationMiddleware: the user id comes from a header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.user = SimpleNamespace(pk=request.headers.get("X-User"))
        return self.get_response(request)


def test_keys_are_scoped_per_user(render, django_app):
    module = render("idempotency-key", "django").module
    calls = []

    def orders(request):
        calls.append(request.headers["X-User"])
        return JsonResponse({"owner": request.headers["X-User"]}, status=201)

    client = django_app(
        [f"{__name__}.FakeAuthMiddleware", dotted(module, "IdempotencyKeyMiddleware")],
        [path("orders", orders)],
    )
    for user in ("alice", "bob", "alice"):
        response = client.post(
            "/orders", {}, "application/json", headers={"Idempotency-Key": "same", "X-User": user}
        )
        assert response.json() == {"owner": user}
    assert calls == ["alice", "bob"]


@pytest.mark.parametrize("store", ["memory", "redis"])
def test_concurrent_retry_gets_409_while_the_first_runs(render, django_app, request, store):
    options = {"store": store}
    if store == "redis":
        options = _options(options, request.getfixturevalue("redis_url"))
    module = render("idempotency-key", "django", options).module
    inside, release = threading.Event(), threading.Event()
    calls = []

    def slow(request):
        calls.append(1)
        inside.set()
        release.wait(5)
        return JsonResponse({"done": True}, status=201)

    django_app([dotted(module, "IdempotencyKeyMiddleware")], [path("orders", slow)])
    headers = {"Idempotency-Key": "key-concurrent"}
    with ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(Client().post, "/orders", {}, "application/json", headers=headers)
        assert inside.wait(5)
        second = Client().post("/orders", {}, "application/json", headers=headers)
        release.set()
        assert first.result(timeout=5).status_code == 201
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "IDEMPOTENCY_KEY_IN_PROGRESS"
    replay = Client().post("/orders", {}, "application/json", headers=headers)
    assert replay.status_code == 201 and replay["Idempotent-Replayed"] == "true"
    assert len(calls) == 1
