"""JSON numbers in request bodies are read exactly: a number a float cannot hold (more
places than a double keeps) is judged by its digits, never rounded to a neighbour."""

from __future__ import annotations

from typing import Any

import httpx
import orjson
import pytest

from gateway.runtime import Runtime
from tests.apptest import DEMO_HEADERS, basic_invoice

URL = "/api/v0/invoices"
# As a float both are 2500.0 and 1.0: the full amount due, and a quantity of 1.
INEXACT_AMOUNT = "2499.9999999999999999"
INEXACT_QUANTITY = "1.00000000000000000001"


def raw_json(body: dict[str, Any], **numbers: str) -> bytes:
    """`body` as JSON, with the key `name` of each `numbers` a JSON number of those digits."""
    text = orjson.dumps(body).decode()
    for name, digits in numbers.items():
        text = text.replace(f'"{name}":"@"', f'"{name}":{digits}')
    return text.encode()


async def post(client: httpx.AsyncClient, url: str, content: bytes) -> httpx.Response:
    headers = {**DEMO_HEADERS, "Content-Type": "application/json"}
    return await client.post(url, content=content, headers=headers)


async def test_an_amount_a_float_would_round_is_refused(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, _runtime = gateway
    created = await client.post(URL, json=basic_invoice(), headers=DEMO_HEADERS)
    invoice_id = created.json()["id"]
    body = raw_json({"amount": "@", "method": "CRYPTO"}, amount=INEXACT_AMOUNT)
    assert INEXACT_AMOUNT.encode() in body
    refused = await post(client, f"{URL}/{invoice_id}/payments", body)
    assert refused.status_code == 400, refused.text
    assert refused.json()["message"] == ["amount must have at most 2 decimal places"]
    after = (await client.get(f"{URL}/{invoice_id}", headers=DEMO_HEADERS)).json()
    assert (after["status"], after["amount_paid"], after["transactions"]) == ("OPEN", 0, [])


@pytest.mark.parametrize(
    ("amount", "status"), [("2500.00", "PAID"), ("2500.0000000000000000", "PAID"), ("1e3", "")]
)
async def test_exact_amounts_as_numbers_are_taken(
    gateway: tuple[httpx.AsyncClient, Runtime], amount: str, status: str
) -> None:
    client, _runtime = gateway
    created = await client.post(URL, json=basic_invoice(partial_payment=True), headers=DEMO_HEADERS)
    invoice_id = created.json()["id"]
    body = raw_json({"amount": "@", "method": "CRYPTO"}, amount=amount)
    paid = await post(client, f"{URL}/{invoice_id}/payments", body)
    assert paid.status_code == 201, paid.text
    assert paid.json()["status"] == (status or "PARTIALLYPAID")


@pytest.mark.parametrize("quantity", [INEXACT_QUANTITY, "1.000010000000000000001", "1.00001"])
async def test_a_quantity_a_float_would_round_is_refused(
    gateway: tuple[httpx.AsyncClient, Runtime], quantity: str
) -> None:
    client, _runtime = gateway
    invoice = basic_invoice(items=[{"product_id": "prod_123456789", "quantity": "@"}])
    refused = await post(client, URL, raw_json(invoice, quantity=quantity))
    assert refused.status_code == 400, refused.text
    assert refused.json()["message"] == ["items.0.quantity must have at most 4 decimal places"]
    draft = (
        await client.post(URL, json=basic_invoice(status="DRAFT"), headers=DEMO_HEADERS)
    ).json()
    edit = {"items": [{"product_id": "prod_123456789", "quantity": "@"}]}
    headers = {**DEMO_HEADERS, "Content-Type": "application/json"}
    edited = await client.put(
        f"{URL}/{draft['id']}", content=raw_json(edit, quantity=quantity), headers=headers
    )
    assert edited.status_code == 400, edited.text
    assert edited.json()["message"] == ["items.0.quantity must have at most 4 decimal places"]


async def test_a_quantity_of_exactly_four_places_is_taken(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, _runtime = gateway
    invoice = basic_invoice(items=[{"product_id": "prod_123456789", "quantity": "@"}])
    created = await post(client, URL, raw_json(invoice, quantity="1.00010000000000000000"))
    assert created.status_code == 201, created.text
    assert created.json()["items"][0]["quantity"] == 1.0001
