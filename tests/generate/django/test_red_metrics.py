"""red-metrics on Django: the counter and histogram with the documented names, labels and
buckets; the route template (never the raw path) as the label; excluded paths not counted."""

from __future__ import annotations

import pytest
from django.http import JsonResponse
from django.urls import include, path, re_path
from prometheus_client.parser import text_string_to_metric_families

from tests.generate.django.conftest import dotted

OPTION_SETS = [
    {},
    {
        "metrics_path": "/internal/metrics",
        "buckets": [0.1, 1, 5],
        "exclude_paths": ["/internal/metrics", "/ping"],
    },
]


def _samples(client, metrics_path):
    response = client.get(metrics_path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


@pytest.mark.parametrize("options", OPTION_SETS)
def test_red_metrics_by_route_template(render, django_app, options):
    module = render("red-metrics", "django", options).module

    def user(request, user_id):
        return JsonResponse({"id": user_id}, status=200 if user_id < 100 else 404)

    def order_item(request, order, item):
        return JsonResponse({})

    api = [
        path("users/<int:user_id>", user),
        path("orders/<slug:order>/items/<int:item>", order_item),
    ]
    routes = [
        path("api/", include(api)),
        re_path(r"^legacy/(?P<code>[a-z]+)$", lambda r, code: JsonResponse({})),
        path("ping", lambda r: JsonResponse({})),
        path("", include(module)),
    ]
    client = django_app([dotted(module, "RedMetricsMiddleware")], routes)
    for user_id in (1, 2, 3, 404):
        client.get(f"/api/users/{user_id}")
    client.post("/api/orders/abc/items/7")
    client.get("/legacy/xyz")
    client.get("/ping")
    client.get("/no/such/thing/123")

    metrics_path = options.get("metrics_path", "/metrics")
    samples = _samples(client, metrics_path)
    total = "http_requests_total"

    def count(method, route, status):
        return samples.get((total, (("method", method), ("route", route), ("status", status))))

    assert count("GET", "/api/users/{user_id}", "200") == 3
    assert count("GET", "/api/users/{user_id}", "404") == 1
    assert count("POST", "/api/orders/{order}/items/{item}", "200") == 1
    assert count("GET", "/legacy/{code}", "200") == 1
    assert count("GET", "unmatched", "404") == 1
    excluded = options.get("exclude_paths", ["/metrics"])
    assert (count("GET", "/ping", "200") is None) == ("/ping" in excluded)
    assert count("GET", metrics_path, "200") is None
    text = client.get(metrics_path).content.decode()
    for raw in ("/api/users/1", "/api/users/404", "/no/such/thing"):
        assert raw not in text

    duration = "http_request_duration_seconds"
    route = (("method", "GET"), ("route", "/api/users/{user_id}"))
    assert samples[(duration + "_count", route)] == 4
    buckets = sorted(
        float(dict(labels)["le"])
        for (name, labels) in samples
        if name == duration + "_bucket" and dict(labels)["route"] == "/api/users/{user_id}"
    )
    expected = options.get("buckets", [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10])
    assert buckets == [*map(float, expected), float("inf")]
