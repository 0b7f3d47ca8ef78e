"""etag on Flask: strong ETag of the body, 304 on If-None-Match, untouched otherwise."""

from __future__ import annotations

import hashlib

import pytest
from flask import Flask

OPTION_SETS = [{}, {"cache_control": "private, no-store", "max_body_bytes": 1024}]


@pytest.mark.parametrize("options", [*OPTION_SETS, {"cache_control": "none"}])
def test_conditional_get(render, options):
    module = render("etag", "flask", options).module
    app = Flask(__name__)
    module.init_etag(app)
    state = {"name": "a"}

    @app.route("/item", methods=["GET", "PUT"])
    def item():
        return {"name": state["name"]}

    @app.get("/big")
    def big_body():
        return "x" * 2000

    @app.get("/stream")
    def stream():
        return app.response_class(iter([b"a", b"b"]))

    client = app.test_client()
    first = client.get("/item")
    etag = first.headers["ETag"]
    assert etag == '"' + hashlib.sha256(first.data).hexdigest() + '"'
    cache_control = options.get("cache_control", "private, no-cache")
    expected = None if cache_control == "none" else cache_control
    assert first.headers.get("Cache-Control") == expected

    for match in [etag, f'"other", {etag}', "*", "W/" + etag]:
        not_modified = client.get("/item", headers={"If-None-Match": match})
        assert not_modified.status_code == 304, match
        assert not_modified.data == b""
        assert not_modified.headers["ETag"] == etag
    assert client.get("/item", headers={"If-None-Match": '"stale"'}).status_code == 200
    assert client.head("/item", headers={"If-None-Match": etag}).status_code == 304

    state["name"] = "b"
    changed = client.get("/item", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    put = client.put("/item", headers={"If-None-Match": changed.headers["ETag"]})
    assert put.status_code == 200 and "ETag" not in put.headers
    assert "ETag" not in client.get("/stream").headers

    big = client.get("/big")
    if options.get("max_body_bytes", 1_048_576) < 2000:
        assert "ETag" not in big.headers
    else:
        assert client.get("/big", headers={"If-None-Match": big.headers["ETag"]}).status_code == 304
