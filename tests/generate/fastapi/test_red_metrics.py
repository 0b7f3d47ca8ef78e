"""red-metrics on FastAPI: counter and histogram by route template (never the raw path),
the decided buckets, excluded paths, the scrape endpoint."""

import pytest
from fastapi import FastAPI, HTTPException
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

OPTION_SETS = [
    {},
    {"metrics_path": "/internal/metrics", "buckets": [0.1, 1, 5], "exclude_paths": ["/ping"]},
]
DECIDED_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]


def _scrape(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


@pytest.mark.parametrize("options", OPTION_SETS)
def test_red_metrics_by_route_template(render, options):
    module = render("red-metrics", "fastapi", options).module
    app = FastAPI()
    module.install_metrics(app)

    @app.get("/users/{user_id}")
    def user(user_id: int):
        if user_id == 0:
            raise HTTPException(404)
        return {"id": user_id}

    @app.get("/ping")
    def ping():
        return {}

    @app.get("/boom")
    def boom():
        raise RuntimeError("x")

    client = TestClient(app, raise_server_exceptions=False)
    for user_id in [1, 2, 3, 0]:
        client.get(f"/users/{user_id}")
    client.post("/users/1")
    client.get("/nowhere/42")
    client.get("/ping")
    client.get("/boom")
    path = options.get("metrics_path", "/metrics")
    samples = _scrape(client, path)

    def count(method, route, status):
        key = (
            "http_requests_total",
            (("method", method), ("route", route), ("status", status)),
        )
        return samples.get(key, 0)

    assert count("GET", "/users/{user_id}", "200") == 3
    assert count("GET", "/users/{user_id}", "404") == 1
    assert count("POST", "/users/{user_id}", "405") == 1
    assert count("GET", "unmatched", "404") == 1
    assert count("GET", "/boom", "500") == 1
    routes = {dict(labels).get("route") for _, labels in samples}
    assert not any(route and route[-1].isdigit() for route in routes), "no raw paths"
    assert path not in routes
    ping_counted = count("GET", "/ping", "200")
    assert ping_counted == (0 if options else 1)

    buckets = sorted(
        float(dict(labels)["le"])
        for name, labels in samples
        if name == "http_request_duration_seconds_bucket"
        and dict(labels)["route"] == "/users/{user_id}"
        and dict(labels)["method"] == "GET"
    )
    expected = options.get("buckets", DECIDED_BUCKETS)
    assert buckets == [float(b) for b in expected] + [float("inf")]
    histogram_count = samples[
        (
            "http_request_duration_seconds_count",
            (("method", "GET"), ("route", "/users/{user_id}")),
        )
    ]
    assert histogram_count == 4
