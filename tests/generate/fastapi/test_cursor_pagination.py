"""cursor-pagination on FastAPI: our page shape, opaque cursors, limits, every row once."""

import base64
import json
from typing import Annotated

import pytest
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient

OPTION_SETS = [{}, {"default_limit": 10, "max_limit": 20}]
ROWS = [{"id": n, "name": f"row {n}"} for n in range(1, 61)]


def _client(render, options):
    module = render("cursor-pagination", "fastapi", options).module
    app = FastAPI()

    @app.get("/rows")
    def rows(params: Annotated[module.PageParams, Depends(module.page_params)]):
        after = params.after()
        start = after["id"] if after else 0
        chunk = [row for row in ROWS if row["id"] > start][: params.limit + 1]
        return module.build_page(chunk, params.limit, sort_key=lambda row: {"id": row["id"]})

    return TestClient(app)


@pytest.mark.parametrize("options", OPTION_SETS)
def test_pages_follow_the_shape_and_cover_every_row(render, options):
    client = _client(render, options)
    default = options.get("default_limit", 25)
    sizes, seen, cursor = [], [], None
    while True:
        page = client.get("/rows", params={"cursor": cursor} if cursor else {}).json()
        assert set(page) == {"data", "next_cursor", "has_more"}
        sizes.append(len(page["data"]))
        seen += page["data"]
        if not page["has_more"]:
            assert page["next_cursor"] is None
            break
        cursor = page["next_cursor"]
        assert isinstance(cursor, str) and "=" not in cursor
        assert json.loads(base64.urlsafe_b64decode(cursor + "==")) == {"id": seen[-1]["id"]}
    assert seen == ROWS
    assert sizes[:-1] == [default] * (len(sizes) - 1)


@pytest.mark.parametrize("options", OPTION_SETS)
def test_limits_and_cursors_are_validated(render, options):
    client = _client(render, options)
    maximum = options.get("max_limit", 100)
    assert len(client.get("/rows", params={"limit": 3}).json()["data"]) == 3
    assert client.get("/rows", params={"limit": maximum + 1}).status_code == 422
    assert client.get("/rows", params={"limit": 0}).status_code == 422
    for bad in ["%%%", "bm90IGpzb24", base64.urlsafe_b64encode(b"[1]").decode(), "é"]:
        assert client.get("/rows", params={"cursor": bad}).status_code == 400, bad


def test_exact_multiple_has_no_extra_empty_page(render):
    module = render("cursor-pagination", "fastapi", {}).module
    page = module.build_page([{"id": 1}, {"id": 2}], 2, sort_key=lambda row: row)
    assert page.has_more is False and page.next_cursor is None
