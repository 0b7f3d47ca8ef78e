"""The HTTP API (FastAPI).

deliberate flaw: BS801 (only /health/live exists; /health/ready and /health/startup are missing)
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI, HTTPException
from pydantic import BaseModel, Field

from orders import db, pricing
from orders.auth import current_customer
from orders.settings import Settings, load_settings

app = FastAPI(title="orders-service")
router = APIRouter(prefix="/v1")


class NewOrder(BaseModel):
    sku: str = Field(min_length=1, max_length=64)
    quantity: int = Field(ge=1, le=100)


@app.get("/health/live")
def live() -> dict:
    return {"status": "ok", "checks": {}}


@router.get("/orders/{order_id}")
def read_order(
    order_id: int,
    customer: str = Depends(current_customer),
    settings: Settings = Depends(load_settings),
) -> dict:
    with db.connect(settings) as conn:
        order = db.get_order(conn, order_id)
    if order is None or order["customer"] != customer:
        raise HTTPException(status_code=404, detail="order not found")
    return {"data": order}


@router.post("/orders", status_code=201)
def create_order(
    body: NewOrder,
    customer: str = Depends(current_customer),
    settings: Settings = Depends(load_settings),
) -> dict:
    total = pricing.quote(settings.pricing_url, body.sku, body.quantity)
    with db.connect(settings) as conn:
        order_id = db.insert_order(conn, customer, total)
    return {"data": {"id": order_id, "total_cents": total}}


app.include_router(router)
