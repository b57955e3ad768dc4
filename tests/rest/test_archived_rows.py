"""Archived customers, products and taxes get no new invoices (create, draft edit);
the invoices that already use them stay as they are and can still be paid."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from gateway.db.tables import Customer, Product, Tax
from gateway.runtime import Runtime
from gateway.services.demo import CUSTOMER_ID
from tests.apptest import DEMO_HEADERS, basic_invoice
from tests.catalogue import change

URL = "/api/v0/invoices"
TAX_ID = "tax_550e8400-e29b-41d4-a716-446655440123"
ITEMS = [
    {"product_id": "prod_consulting_001", "quantity": 1},
    {"product_id": "prod_123456789", "quantity": 1},
]


def bad_request(message: str) -> dict[str, Any]:
    return {"statusCode": 400, "message": message, "error": "Bad Request"}


ARCHIVED: list[tuple[type[Customer | Product | Tax], str, dict[str, Any], str]] = [
    *(
        (Customer, CUSTOMER_ID, {"status": status}, f"Customer is {status} and cannot be invoiced")
        for status in ("DELETED", "BLACKLISTED", "DEACTIVATED")
    ),
    (
        Product,
        "prod_123456789",
        {"status": "INACTIVE"},
        "Product 'Website Development' (prod_123456789) at items.1 is INACTIVE "
        "and cannot be invoiced",
    ),
    (
        Tax,
        TAX_ID,
        {"active": False},
        f"Tax 'Standard Sales Tax' ({TAX_ID}) is inactive and cannot be applied",
    ),
]


@pytest.mark.parametrize(("model", "row_id", "values", "message"), ARCHIVED)
async def test_an_archived_row_gets_no_new_invoice(
    gateway: tuple[httpx.AsyncClient, Runtime],
    model: type[Customer | Product | Tax],
    row_id: str,
    values: dict[str, Any],
    message: str,
) -> None:
    client, runtime = gateway
    body = basic_invoice(items=ITEMS, taxId=TAX_ID, partial_payment=True)
    issued = (await client.post(URL, json=body, headers=DEMO_HEADERS)).json()
    draft = (await client.post(URL, json={**body, "status": "DRAFT"}, headers=DEMO_HEADERS)).json()
    await change(runtime, model, row_id, **values)

    refused = await client.post(URL, json=body, headers=DEMO_HEADERS)
    assert (refused.status_code, refused.json()) == (400, bad_request(message))
    edited = await client.put(f"{URL}/{draft['id']}", json={"name": "x"}, headers=DEMO_HEADERS)
    assert (edited.status_code, edited.json()) == (400, bad_request(message))
    listed = (await client.get(URL, headers=DEMO_HEADERS)).json()
    assert sorted(invoice["id"] for invoice in listed) == sorted([issued["id"], draft["id"]])

    # The invoice issued before is untouched and takes its payments.
    fetched = (await client.get(f"{URL}/{issued['id']}", headers=DEMO_HEADERS)).json()
    # (Its customer is shown as it is now.)
    del fetched["customer"], issued["customer"]
    assert fetched == issued
    payment = {"amount": 100, "method": "CRYPTO"}
    paid = await client.post(f"{URL}/{issued['id']}/payments", json=payment, headers=DEMO_HEADERS)
    assert paid.status_code == 201, paid.text
    assert paid.json()["status"] == "PARTIALLYPAID"


async def test_an_active_row_again_can_be_invoiced(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, runtime = gateway
    await change(runtime, Customer, CUSTOMER_ID, status="BLACKLISTED")
    assert (await client.post(URL, json=basic_invoice(), headers=DEMO_HEADERS)).status_code == 400
    await change(runtime, Customer, CUSTOMER_ID, status="ACTIVE")
    assert (await client.post(URL, json=basic_invoice(), headers=DEMO_HEADERS)).status_code == 201
