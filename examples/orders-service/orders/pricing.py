"""Client for the pricing service."""

from __future__ import annotations

import requests


def quote(base_url: str, sku: str, quantity: int) -> int:
    # deliberate flaw: BS401 (no timeout: a slow pricing service hangs this worker)
    response = requests.get(f"{base_url}/v1/prices/{sku}", params={"quantity": quantity})
    response.raise_for_status()
    return int(response.json()["total_cents"])
