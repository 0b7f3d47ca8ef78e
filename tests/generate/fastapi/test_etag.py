"""etag on FastAPI: strong ETag from the body, 304 on If-None-Match, changes when the body does."""

from __future__ import annotations

import hashlib

import pytest
from fastapi import FastAPI, Response
from fastapi.responses import PlainTextResponse
from fastapi.testclient import TestClient

OPTION_SETS = [{}, {"cache_control": "private, no-store", "max_body_bytes": 2048}]


def _app(render, options):
    module = render("etag", "fastapi", options).module
    app = FastAPI()
    app.add_middleware(module.ETagMiddleware)
    state = {"value": "one", "calls": 0}

    @app.get("/thing")
    def thing():
        state["calls"] += 1
        return {"value": state["value"]}

    @app.get("/big", response_class=PlainTextResponse)
    def big():
        return "x" * 5000

    @app.get("/tagged")
    def tagged(response: Response):
        response.headers["ETag"] = '"v7"'
        return {"version": 7}

    @app.post("/thing")
    def change():
        return {"value": state["value"]}

    return TestClient(app), module, state


@pytest.mark.parametrize("options", OPTION_SETS)
def test_conditional_get(render, options):
    client, module, state = _app(render, options)
    first = client.get("/thing")
    etag = first.headers["ETag"]
    assert etag == module.strong_etag(first.content)
    assert not etag.startswith("W/") and etag.startswith('"') and etag.endswith('"')
    digest = hashlib.sha256(first.content).digest()
    assert len(etag) - 2 == len(digest) * 4 // 3 + 1  # base64url of the SHA-256, unpadded
    assert first.headers["Cache-Control"] == options.get("cache_control", "private, no-cache")

    for header in [etag, f'"other", {etag}', f"W/{etag}", "*"]:
        not_modified = client.get("/thing", headers={"If-None-Match": header})
        assert not_modified.status_code == 304
        assert not_modified.content == b""
        assert not_modified.headers["ETag"] == etag
        assert "content-length" not in not_modified.headers or (
            not_modified.headers["content-length"] == "0"
        )

    assert client.get("/thing", headers={"If-None-Match": '"stale"'}).status_code == 200
    state["value"] = "two"
    changed = client.get("/thing", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert client.post("/thing").headers.get("ETag") is None


def test_own_etag_is_kept_and_big_bodies_pass_through(render):
    client, _, _ = _app(render, OPTION_SETS[1])
    assert client.get("/tagged").headers["ETag"] == '"v7"'
    assert client.get("/tagged", headers={"If-None-Match": '"v7"'}).status_code == 304
    big = client.get("/big")
    assert big.status_code == 200 and len(big.content) == 5000
    assert "ETag" not in big.headers
