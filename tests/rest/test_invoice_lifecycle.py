"""Send, pay and edit invoices over REST; every refused transition has its error."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from sqlalchemy import update
from sqlmodel import col, select

from gateway.db.tables import Invoice, OutboxMessage
from gateway.runtime import Runtime
from tests.apptest import DEMO_HEADERS, basic_invoice, future

URL = "/api/v0/invoices"


async def create(client: httpx.AsyncClient, **overrides: Any) -> dict[str, Any]:
    response = await client.post(URL, json=basic_invoice(**overrides), headers=DEMO_HEADERS)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data


async def pay(
    client: httpx.AsyncClient, invoice_id: str, amount: Any, method: str = "CRYPTO"
) -> httpx.Response:
    body = {"amount": amount, "method": method, "reference": "tx-1"}
    return await client.post(f"{URL}/{invoice_id}/payments", json=body, headers=DEMO_HEADERS)


def bad_request(response: httpx.Response, message: str) -> None:
    assert response.status_code == 400, response.text
    assert response.json() == {"statusCode": 400, "message": message, "error": "Bad Request"}


async def emails_for(runtime: Runtime, invoice_id: str) -> list[OutboxMessage]:
    async with runtime.sessions() as session:
        stmt = select(OutboxMessage).where(
            OutboxMessage.invoice_id == invoice_id, OutboxMessage.channel == "email"
        )
        return list((await session.exec(stmt)).all())


async def test_draft_is_sent_once(gateway: tuple[httpx.AsyncClient, Runtime]) -> None:
    client, runtime = gateway
    draft = await create(client, status="DRAFT")
    assert await emails_for(runtime, draft["id"]) == []
    sent = await client.post(f"{URL}/{draft['id']}/send", headers=DEMO_HEADERS)
    assert sent.status_code == 200
    assert sent.json()["status"] == "OPEN"
    assert len(await emails_for(runtime, draft["id"])) == 1
    again = await client.post(f"{URL}/{draft['id']}/send", headers=DEMO_HEADERS)
    bad_request(again, "Cannot change invoice status from OPEN to OPEN")
    assert len(await emails_for(runtime, draft["id"])) == 1


async def test_open_email_invoice_queues_one_email_at_its_send_date(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, runtime = gateway
    later = await create(client, send_date=future(5))
    manual = await create(client, delivery="MANUALLY")
    [email] = await emails_for(runtime, later["id"])
    assert email.next_attempt_at.date().isoformat() == future(5)
    assert await emails_for(runtime, manual["id"]) == []


async def test_partial_then_full_payment(gateway: tuple[httpx.AsyncClient, Runtime]) -> None:
    client, _runtime = gateway
    invoice = await create(client, partial_payment=True)
    first = await pay(client, invoice["id"], 1000.10)
    assert first.status_code == 201, first.text
    data = first.json()
    assert data["status"] == "PARTIALLYPAID" and data["paymentStatus"] == "PARTIAL"
    assert data["amount_paid"] == 1000.10 and data["amount_due"] == 1499.90
    assert data["paidAt"] is None
    assert [t["amount"] for t in data["transactions"]] == [1000.10]

    rest = await pay(client, invoice["id"], "1499.90", "BANK_TRANSFER")
    assert rest.status_code == 201
    paid = rest.json()
    assert paid["status"] == "PAID" and paid["paymentStatus"] == "PAID"
    assert paid["amount_due"] == 0 and paid["paidAt"] is not None
    assert len(paid["transactions"]) == 2

    bad_request(await pay(client, invoice["id"], 1), "Cannot record a payment on a PAID invoice")
    bad_request(
        await client.post(f"{URL}/{invoice['id']}/send", headers=DEMO_HEADERS),
        "Cannot change invoice status from PAID to OPEN",
    )


@pytest.mark.parametrize(
    ("overrides", "amount", "method", "message"),
    [
        ({"status": "DRAFT"}, 10, "CRYPTO", "Cannot record a payment on a DRAFT invoice"),
        ({}, 2500.01, "CRYPTO", "Payment of 2500.01 exceeds the amount due of 2500.00"),
        (
            {},
            100,
            "CRYPTO",
            "This invoice does not accept partial payments: pay the amount due of 2500.00",
        ),
        (
            {},
            2500,
            "CASH",
            "Payment method CASH is not accepted for this invoice "
            "(accepted: CRYPTO, BANK_TRANSFER)",
        ),
    ],
)
async def test_refused_payments(
    gateway: tuple[httpx.AsyncClient, Runtime],
    overrides: dict[str, Any],
    amount: Any,
    method: str,
    message: str,
) -> None:
    client, _runtime = gateway
    invoice = await create(client, **overrides)
    bad_request(await pay(client, invoice["id"], amount, method), message)


@pytest.mark.parametrize(
    ("body", "messages"),
    [
        ({"amount": -5, "method": "CRYPTO"}, ["amount must be a positive number"]),
        (
            {"amount": "x", "method": "GOLD"},
            [
                "amount must be a positive number",
                "method must be one of the following values: "
                "CRYPTO, BANK_TRANSFER, CREDIT_CARD, CASH, MOBILE_MONEY",
            ],
        ),
    ],
)
async def test_payment_validation(
    gateway: tuple[httpx.AsyncClient, Runtime], body: dict[str, Any], messages: list[str]
) -> None:
    client, _runtime = gateway
    invoice = await create(client)
    response = await client.post(f"{URL}/{invoice['id']}/payments", json=body, headers=DEMO_HEADERS)
    assert response.status_code == 400
    assert response.json()["message"] == messages


async def test_past_due_invoice_can_still_be_paid(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, runtime = gateway
    invoice = await create(client, partial_payment=True)
    async with runtime.sessions() as session:
        await session.exec(
            update(Invoice).where(col(Invoice.id) == invoice["id"]).values(status="PASTDUE")
        )
        await session.commit()
    partial = await pay(client, invoice["id"], 500)
    assert partial.json()["status"] == "PARTIALLYPAID"
    assert (await pay(client, invoice["id"], 2000)).json()["status"] == "PAID"


async def test_concurrent_payments_never_overpay(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, _runtime = gateway
    invoice = await create(client)
    responses = await asyncio.gather(*(pay(client, invoice["id"], 2500) for _ in range(10)))
    statuses = [r.status_code for r in responses]
    assert statuses.count(201) == 1, statuses
    assert set(statuses) <= {201, 400, 409}
    final = await client.get(f"{URL}/{invoice['id']}", headers=DEMO_HEADERS)
    assert final.json()["amount_paid"] == 2500 and len(final.json()["transactions"]) == 1


async def test_update_a_draft(gateway: tuple[httpx.AsyncClient, Runtime]) -> None:
    client, _runtime = gateway
    draft = await create(client, status="DRAFT", payment_link=False)
    changes = {
        "name": "Renamed",
        "items": [{"product_id": "prod_consulting_001", "quantity": 3}],
        "taxId": "tax_550e8400-e29b-41d4-a716-446655440123",
        "payment_link": True,
    }
    response = await client.put(f"{URL}/{draft['id']}", json=changes, headers=DEMO_HEADERS)
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["name"] == "Renamed" and data["invoice_number"] == draft["invoice_number"]
    assert [i["productId"] for i in data["items"]] == ["prod_consulting_001"]
    assert data["subtotal"] == 450.00 and data["tax_amount"] == 38.25
    assert data["total"] == 488.25
    assert data["payment_link_url"] is not None
    assert data["email"] == draft["email"]  # untouched fields stay


async def test_update_refusals(gateway: tuple[httpx.AsyncClient, Runtime]) -> None:
    client, _runtime = gateway
    opened = await create(client)
    refused = await client.put(f"{URL}/{opened['id']}", json={"name": "x"}, headers=DEMO_HEADERS)
    bad_request(refused, "Only DRAFT invoices can be updated; this one is OPEN")

    draft = await create(client, status="DRAFT")
    to_open = await client.put(
        f"{URL}/{draft['id']}", json={"status": "OPEN"}, headers=DEMO_HEADERS
    )
    assert to_open.status_code == 400
    invalid = await client.put(
        f"{URL}/{draft['id']}", json={"items": [], "email": "nope"}, headers=DEMO_HEADERS
    )
    assert invalid.status_code == 400
    assert "items should not be empty" in invalid.json()["message"]
    missing = await client.put(f"{URL}/inv_missing", json={}, headers=DEMO_HEADERS)
    assert missing.status_code == 404
