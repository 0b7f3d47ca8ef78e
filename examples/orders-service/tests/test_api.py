"""API tests with FastAPI's TestClient; the database and pricing calls are replaced."""

from fastapi.testclient import TestClient

from orders import app as app_module


def test_live() -> None:
    client = TestClient(app_module.app)
    response = client.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {}}


def test_orders_need_a_token() -> None:
    client = TestClient(app_module.app)
    assert client.get("/v1/orders/1").status_code == 401
