"""etag on Django: a strong ETag (hash of the body) on GET/HEAD 200s, If-None-Match -> 304
without a body (Django's get_conditional_response), a changed body changes the tag,
Cache-Control set; other methods, errors, large and streaming bodies are left alone."""

from __future__ import annotations

import hashlib

import pytest
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.urls import path

from tests.generate.django.conftest import dotted

OPTION_SETS = [
    {},
    {"cache_control": "private, no-store", "max_body_bytes": 2048},
    {"cache_control": "none"},
]


@pytest.mark.parametrize("options", OPTION_SETS)
def test_conditional_get(render, django_app, options):
    module = render("etag", "django", options).module
    state = {"name": "widget"}
    routes = [
        path("item", lambda r: JsonResponse({"id": 1, "name": state["name"]})),
        path("big", lambda r: HttpResponse(b"x" * 4096)),
        path("stream", lambda r: StreamingHttpResponse(iter([b"a", b"b"]))),
        path(
            "own",
            lambda r: HttpResponse(
                "v", headers={"ETag": '"v1"', "Cache-Control": "public, max-age=60"}
            ),
        ),
        path("missing", lambda r: JsonResponse({"error": {}}, status=404)),
    ]
    client = django_app([dotted(module, "ETagMiddleware")], routes)

    first = client.get("/item")
    etag = first["ETag"]
    assert etag == '"' + hashlib.sha256(first.content).hexdigest()[:32] + '"'
    cache_control = options.get("cache_control", "private, no-cache")
    assert first.get("Cache-Control") == (None if cache_control == "none" else cache_control)

    not_modified = client.get("/item", headers={"If-None-Match": etag})
    assert not_modified.status_code == 304 and not_modified.content == b""
    assert not_modified["ETag"] == etag
    assert client.get("/item", headers={"If-None-Match": f'"nope", {etag}'}).status_code == 304
    assert client.get("/item", headers={"If-None-Match": "*"}).status_code == 304
    assert client.head("/item", headers={"If-None-Match": etag}).status_code == 304
    assert client.get("/item", headers={"If-None-Match": '"stale"'}).status_code == 200

    state["name"] = "gadget"
    changed = client.get("/item", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag

    assert "ETag" not in client.post("/item").headers
    assert "ETag" not in client.get("/missing").headers
    assert "ETag" not in client.get("/stream").headers
    big = client.get("/big")
    assert ("ETag" in big.headers) == (options.get("max_body_bytes", 1_048_576) >= 4096)
    own = client.get("/own", headers={"If-None-Match": '"v1"'})
    assert own.status_code == 304 and own["Cache-Control"] == "public, max-age=60"
