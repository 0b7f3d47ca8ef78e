"""cursor-pagination on Flask: page shape, full walk without gaps or repeats, limits, bad input."""

from __future__ import annotations

import base64
import json
import re

import pytest
from flask import Flask, jsonify

OPTION_SETS = [{}, {"default_limit": 10, "max_limit": 20}]


@pytest.mark.parametrize("options", OPTION_SETS)
def test_pages(render, options):
    module = render("cursor-pagination", "flask", options).module
    default_limit = options.get("default_limit", 25)
    max_limit = options.get("max_limit", 100)
    app = Flask(__name__)
    module.init_cursor_pagination(app)
    items = [{"id": n, "name": f"item {n}"} for n in range(1, 61)]

    @app.get("/items")
    def list_items():
        params = module.page_params()
        after = params.after["id"] if params.after else 0
        rows = [item for item in items if item["id"] > after][: params.limit + 1]
        return jsonify(module.build_page(rows, params.limit, lambda row: {"id": row["id"]}))

    client = app.test_client()
    seen, cursor, sizes = [], None, []
    while True:
        page = client.get("/items", query_string={"cursor": cursor} if cursor else {}).get_json()
        assert set(page) == {"data", "next_cursor", "has_more"}
        sizes.append(len(page["data"]))
        seen += [item["id"] for item in page["data"]]
        if not page["has_more"]:
            assert page["next_cursor"] is None
            break
        cursor = page["next_cursor"]
        # Opaque base64url JSON of the last item's sort key.
        padded = cursor + "=" * (-len(cursor) % 4)
        assert json.loads(base64.urlsafe_b64decode(padded)) == {"id": seen[-1]}
        assert re.fullmatch(r"[A-Za-z0-9_-]+", cursor)
    assert seen == list(range(1, 61))
    assert sizes[0] == default_limit and all(size <= default_limit for size in sizes)

    exact = client.get("/items", query_string={"limit": 60}).get_json()
    if max_limit >= 60:
        assert len(exact["data"]) == 60 and exact["has_more"] is False
    assert len(client.get("/items?limit=1").get_json()["data"]) == 1

    for bad_limit in ["0", "-1", "abc", str(max_limit + 1)]:
        response = client.get("/items", query_string={"limit": bad_limit})
        assert response.status_code == 400, bad_limit
        error = response.get_json()["error"]
        assert error["code"] == "VALIDATION_FAILED"
        assert error["details"][0]["field"] == "limit"
    for bad_cursor in ["%%%", "bm90IGpzb24", base64.urlsafe_b64encode(b"[1]").decode()]:
        response = client.get("/items", query_string={"cursor": bad_cursor})
        assert response.status_code == 400, bad_cursor
        assert response.get_json()["error"]["code"] == "INVALID_CURSOR"
    assert module.decode_cursor(module.encode_cursor({"id": 5, "at": "x"})) == {"id": 5, "at": "x"}
