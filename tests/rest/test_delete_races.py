"""A delete whose in-use check ran before an invoice using the row was committed: the
invoice's foreign key refuses the removal and the row is archived instead, never a 500
and never an invoice pointing at nothing. The check is made to answer "unused" to put
the two in that order."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from gateway.db import references
from gateway.runtime import Runtime
from tests.apptest import DEMO_HEADERS, basic_invoice

Gateway = tuple[httpx.AsyncClient, Runtime]

ARCHIVED = {
    "customers": {"status": "DELETED"},
    "products": {"status": "INACTIVE"},
    "taxes": {"active": False},
}


async def _post(client: httpx.AsyncClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = await client.post(path, json=body, headers=DEMO_HEADERS)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


@pytest.mark.parametrize("kind", list(ARCHIVED))
async def test_a_row_an_invoice_took_since_the_check_is_archived(
    gateway: Gateway, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    client, _runtime = gateway
    rows = {
        "customers": await _post(
            client,
            "/api/v0/customers",
            {"first_name": "Race", "last_name": "Case", "phone_number": "+14155550100"},
        ),
        "products": await _post(
            client,
            "/api/v0/products",
            {"name": "Race", "description": "d", "price": 10, "currency": "USD"},
        ),
        "taxes": await _post(client, "/api/v0/taxes", {"name": "Race", "percentage": 5}),
    }
    invoice = await _post(
        client,
        "/api/v0/invoices",
        basic_invoice(
            customer_id=rows["customers"]["id"],
            items=[{"product_id": rows["products"]["id"], "quantity": 1}],
            taxId=rows["taxes"]["id"],
        ),
    )

    async def unused(*_args: object) -> bool:
        return False

    monkeypatch.setattr(references, "in_use", unused)
    url = f"/api/v0/{kind}/{rows[kind]['id']}"
    deleted = await client.delete(url, headers=DEMO_HEADERS)
    assert deleted.status_code == 200, deleted.text

    kept = await client.get(url, headers=DEMO_HEADERS)
    assert kept.status_code == 200, kept.text
    assert ARCHIVED[kind].items() <= kept.json().items()
    again = await client.get(f"/api/v0/invoices/{invoice['id']}", headers=DEMO_HEADERS)
    assert again.status_code == 200
    # The embedded customer is shown as it is now (its status too); the rest as issued.
    now = again.json()
    assert now["customer"]["id"] == invoice["customer"]["id"]
    assert {**now, "customer": None} == {**invoice, "customer": None}
