"""One resource of each kind as `invoice-gateway <resource> add` takes it, and its v0
rendering as the command prints it; tests/test_cli_resources.py and
tests/e2e/test_cli_resources.py share them."""

from __future__ import annotations

import json
import re
from typing import Any

ADDRESS = "0x52908400098527886E0F7030069857D2E4169EE7"  # EIP-55's own example
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z")

FIELDS: dict[str, dict[str, Any]] = {
    "customers": {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "phone_number": "+4420700000",
        "email": "ada@example.com",
    },
    "products": {"name": "Widget", "description": "A widget", "price": 12.5, "currency": "EUR"},
    "taxes": {"name": "VAT", "percentage": 20.5, "description": "standard rate"},
    "wallets": {"address": ADDRESS, "chain": "ethereum"},
}


def argument(resource: str) -> str:
    return json.dumps(FIELDS[resource])


def _stamped(shown: dict[str, Any], *names: str) -> dict[str, str]:
    """The timestamps `shown` carries, checked to be one ISO-8601 UTC instant."""
    stamps = {name: shown[name] for name in names}
    assert len(set(stamps.values())) == 1 and _TIMESTAMP.fullmatch(stamps[names[0]])
    return stamps


def expected(resource: str, shown: dict[str, Any], app_id: str, app_name: str) -> dict[str, Any]:
    """The whole rendering of FIELDS[resource] created for the app; the id and the
    creation time taken from `shown`."""
    app = {"id": app_id, "name": app_name}
    if resource == "customers":
        return {
            "id": shown["id"],
            **FIELDS[resource],
            "customer_type": "Individual",
            "status": "ACTIVE",
            "last_spent": 0,
            "last_purchase_date": None,
            "appId": app_id,
            "app_id": app_id,
            **_stamped(shown, "createdAt", "updatedAt"),
        }
    if resource == "products":
        return {
            "id": shown["id"],
            **FIELDS[resource],
            "productType": "PRODUCT",
            "status": "ACTIVE",
            "type": None,
            "stockCount": None,
            "quantity": None,
            "weight": None,
            "unit": None,
            "images": [],
            "variations": None,
            "paymentLink": None,
            "walletId": None,
            **_stamped(shown, "dateAdded", "dateUpdated"),
            "app": app,
            "wallet": None,
            "transactions": [],
        }
    if resource == "taxes":
        return {
            "id": shown["id"],
            **FIELDS[resource],
            "active": True,
            **_stamped(shown, "created_at", "updated_at"),
        }
    return {
        "id": shown["id"],
        "bridge_id": None,
        "address": ADDRESS,
        "chain": "ethereum",
        "balances": [],
        **_stamped(shown, "created_at", "updated_at"),
        "business": None,
        "app": app,
    }
