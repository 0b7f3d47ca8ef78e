"""cursor-pagination on Django: keyset pages over a real QuerySet (sqlite) in the documented
page shape; walking every page yields each row once in order; bad cursors and limits get 400;
limit defaults and caps; rows inserted mid-walk do not shift pages."""

from __future__ import annotations

import base64
import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.urls import path

OPTION_SETS = [{}, {"default_limit": 4, "max_limit": 10}]


@pytest.fixture(scope="module")
def rows():
    with connection.schema_editor() as editor:
        editor.create_model(ContentType)
    ContentType.objects.bulk_create(
        ContentType(app_label=f"app{i % 3}", model=f"model{i:03d}") for i in range(57)
    )
    yield list(ContentType.objects.all())
    with connection.schema_editor() as editor:
        editor.delete_model(ContentType)


def _walk(client, url, params):
    pages, cursor = [], None
    while True:
        query = dict(params)
        if cursor:
            query["cursor"] = cursor
        body = client.get(url, query).json()
        assert set(body) == {"data", "next_cursor", "has_more"}
        pages.append(body["data"])
        if not body["has_more"]:
            assert body["next_cursor"] is None
            return pages
        assert isinstance(body["next_cursor"], str) and "=" not in body["next_cursor"]
        cursor = body["next_cursor"]


@pytest.mark.parametrize("options", OPTION_SETS)
def test_walk_every_page(render, django_app, rows, options):
    module = render("cursor-pagination", "django", options).module
    default, maximum = options.get("default_limit", 25), options.get("max_limit", 100)

    def by_id(request):
        return module.paginated_response(request, ContentType.objects.all())

    def by_app_desc(request):
        ordering = ("app_label", "-id")
        return module.paginated_response(
            request,
            ContentType.objects.all(),
            ordering,
            lambda ct: {"id": ct.id, "app": ct.app_label},
        )

    client = django_app([], [path("types", by_id), path("types/by-app", by_app_desc)])

    pages = _walk(client, "/types", {})
    assert [len(p) for p in pages[:-1]] == [default] * (len(pages) - 1)
    ids = [item["id"] for page in pages for item in page]
    assert ids == sorted(ct.id for ct in rows)
    assert pages[0][0] == {"id": rows[0].id, "app_label": "app0", "model": "model000"}

    pages = _walk(client, "/types/by-app", {"limit": 7})
    items = [item for page in pages for item in page]
    assert [len(p) for p in pages[:-1]] == [min(7, maximum)] * (len(pages) - 1)
    assert items == sorted(items, key=lambda i: (i["app"], -i["id"]))
    assert len({i["id"] for i in items}) == len(rows)

    capped = client.get("/types", {"limit": maximum + 500}).json()
    assert len(capped["data"]) == min(maximum, len(rows))

    for bad in [
        {"limit": "0"},
        {"limit": "ten"},
        {"limit": "²"},
        {"cursor": "%%%"},
        {"cursor": "bm90LWpzb24"},
    ]:
        response = client.get("/types", bad)
        assert response.status_code == 400, bad
        assert response.json()["error"]["code"] == "INVALID_PAGE"
    # A cursor of another listing (other sort keys) is refused, not misread.
    other = client.get("/types/by-app", {"limit": 1}).json()["next_cursor"]
    assert client.get("/types", {"cursor": other}).status_code == 400


def test_the_cursor_is_opaque_keyset_not_offset(render, django_app, rows):
    module = render("cursor-pagination", "django", {"default_limit": 5, "max_limit": 10}).module
    client = django_app(
        [], [path("types", lambda r: module.paginated_response(r, ContentType.objects.all()))]
    )
    first = client.get("/types").json()
    decoded = json.loads(base64.urlsafe_b64decode(first["next_cursor"] + "=="))
    assert decoded == {"pk": first["data"][-1]["id"]}
    # A row deleted from the first page does not shift the next one (an offset would skip a row).
    with transaction.atomic():
        ContentType.objects.filter(pk=first["data"][0]["id"]).delete()
        second = client.get("/types", {"cursor": first["next_cursor"]}).json()
        transaction.set_rollback(True)
    assert second["data"][0]["id"] == first["data"][-1]["id"] + 1
