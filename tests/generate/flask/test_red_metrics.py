"""red-metrics on Flask: counter and histogram by route template, exact buckets, exclusions."""

from __future__ import annotations

import pytest
from flask import Flask, abort
from prometheus_client.parser import text_string_to_metric_families

OPTION_SETS = [
    {},
    {"metrics_path": "/internal/metrics", "buckets": [0.1, 1, 5], "exclude_paths": ["/ping"]},
]


def _samples(text):
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


@pytest.mark.parametrize("options", OPTION_SETS)
def test_red_metrics(render, options):
    module = render("red-metrics", "flask", options).module
    path = options.get("metrics_path", "/metrics")
    buckets = options.get("buckets", [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10])
    app = Flask(__name__)
    module.init_red_metrics(app)

    @app.get("/users/<int:user_id>/orders/<order_id>")
    def order(user_id, order_id):
        if order_id == "gone":
            abort(404)
        return {"id": order_id}

    @app.post("/crash")
    def crash():
        raise RuntimeError("boom")

    @app.get("/ping")
    def ping():
        return "pong"

    client = app.test_client()
    client.get("/users/1/orders/a")
    client.get("/users/2/orders/b")
    client.get("/users/3/orders/gone")
    client.post("/crash")
    client.get("/no/such/path")
    client.get("/ping")
    client.get("/health/live")
    client.get(path)

    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    samples = _samples(text)
    route = "/users/{user_id}/orders/{order_id}"

    def total(method, route, status):
        key = (("method", method), ("route", route), ("status", status))
        return samples.get(("http_requests_total", key))

    assert total("GET", route, "200") == 2
    assert total("GET", route, "404") == 1
    assert total("POST", "/crash", "500") == 1
    assert "/users/1" not in text and "/no/such/path" not in text
    if "exclude_paths" in options:  # only /ping is excluded
        assert total("GET", "/ping", "200") is None
        assert total("GET", path, "200") == 1
        assert total("GET", "unmatched", "404") == 2  # /health/live is not a route here
    else:
        assert total("GET", path, "200") is None, "the metrics endpoint is excluded"
        assert total("GET", "/ping", "200") == 1
        assert total("GET", "unmatched", "404") == 1

    count = samples[("http_request_duration_seconds_count", (("method", "GET"), ("route", route)))]
    assert count == 3
    bounds = sorted(
        float(dict(labels)["le"])
        for (name, labels) in samples
        if name == "http_request_duration_seconds_bucket" and dict(labels)["route"] == route
    )
    assert bounds == [float(b) for b in buckets] + [float("inf")]

    # Two apps (an app factory in tests) do not collide in one process.
    module.init_red_metrics(Flask("second"))
