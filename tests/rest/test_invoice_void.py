"""Void, mark uncollectible and delete over REST (on SQLite and PostgreSQL): the
transitions, amount due, events, every refusal with its reason, and the customer credit
balance a voided or deleted invoice gives back."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import update
from sqlmodel import col, select

from gateway.db.tables import (
    CustomerCreditBalance,
    Invoice,
    InvoiceItem,
    OutboxMessage,
    WebhookEndpoint,
)
from gateway.runtime import Runtime
from gateway.services.demo import DEMO_APP_ID
from tests.apptest import DEMO_HEADERS
from tests.rest.test_invoice_lifecycle import URL, create, pay

Gateway = tuple[httpx.AsyncClient, Runtime]


def bad_request(response: httpx.Response, message: str | list[str]) -> None:
    assert response.status_code == 400, response.text
    assert response.json() == {"statusCode": 400, "message": message, "error": "Bad Request"}


async def post(
    client: httpx.AsyncClient, invoice_id: str, action: str, body: Any = None
) -> httpx.Response:
    path = f"{URL}/{invoice_id}/{action}"
    if body is None:
        return await client.post(path, headers=DEMO_HEADERS)
    return await client.post(path, json=body, headers=DEMO_HEADERS)


async def with_webhook(runtime: Runtime) -> None:
    async with runtime.sessions() as session:
        session.add(
            WebhookEndpoint(
                id=f"we_{uuid.uuid4().hex}",
                app_id=DEMO_APP_ID,
                url="https://hooks.example.com/in",
                secret="whsec_" + "a" * 32,
                created_at=datetime.now(UTC),
            )
        )
        await session.commit()


async def events_of(runtime: Runtime, resource_id: str) -> list[str]:
    async with runtime.sessions() as session:
        stmt = (
            select(OutboxMessage)
            .where(OutboxMessage.resource_id == resource_id, OutboxMessage.channel == "webhook")
            .order_by(col(OutboxMessage.created_at))
        )
        return [message.event_type for message in (await session.exec(stmt)).all()]


async def test_void_an_open_invoice(gateway: Gateway) -> None:
    client, runtime = gateway
    await with_webhook(runtime)
    invoice = await create(client)
    voided = await post(client, invoice["id"], "void", {"reason": "Issued by mistake"})
    assert voided.status_code == 200, voided.text
    data = voided.json()
    assert data["status"] == "VOID" and data["amount_due"] == 0
    assert data["invoice_number"] == invoice["invoice_number"]
    assert data["status_reason"] == "Issued by mistake" and data["voided_at"] is not None
    assert voided.headers["ETag"] == f'"{invoice["id"]}-2"'
    assert await events_of(runtime, invoice["id"]) == [
        "invoice.created",
        "invoice.sent",
        "invoice.voided",
    ]
    fetched = (await client.get(f"{URL}/{invoice['id']}", headers=DEMO_HEADERS)).json()
    assert (fetched["status"], fetched["amount_due"]) == ("VOID", 0)
    listed = await client.get(URL, params={"status": "VOID"}, headers=DEMO_HEADERS)
    assert [row["id"] for row in listed.json()] == [invoice["id"]]
    # Nothing more happens to it.
    bad_request(
        await pay(client, invoice["id"], 2500),
        "Cannot record a payment on a VOID invoice: it was voided and nothing is due",
    )
    bad_request(await post(client, invoice["id"], "void"), "The invoice is already VOID")
    bad_request(
        await post(client, invoice["id"], "mark_uncollectible"),
        "A VOID invoice cannot be marked uncollectible: nothing is due on it",
    )
    bad_request(
        await client.post(f"{URL}/{invoice['id']}/send", headers=DEMO_HEADERS),
        "A VOID invoice cannot be sent: it was voided",
    )


async def test_void_a_partly_paid_invoice_keeps_what_was_paid(gateway: Gateway) -> None:
    client, _runtime = gateway
    invoice = await create(client, partial_payment=True)
    assert (await pay(client, invoice["id"], 1000)).status_code == 201
    voided = (await post(client, invoice["id"], "void")).json()
    assert (voided["status"], voided["amount_paid"], voided["amount_due"]) == ("VOID", 1000, 0)
    assert voided["status_reason"] is None


async def test_void_a_past_due_invoice_and_a_numbered_draft(gateway: Gateway) -> None:
    client, runtime = gateway
    late = await create(client)
    async with runtime.sessions() as session:
        await session.exec(
            update(Invoice).where(col(Invoice.id) == late["id"]).values(status="PASTDUE")
        )
        await session.commit()
    assert (await post(client, late["id"], "void")).json()["status"] == "VOID"
    draft = await create(client, status="DRAFT")
    voided = (await post(client, draft["id"], "void")).json()
    assert (voided["status"], voided["invoice_number"]) == ("VOID", draft["invoice_number"])


async def test_a_paid_invoice_is_neither_voided_nor_uncollectible(gateway: Gateway) -> None:
    client, _runtime = gateway
    invoice = await create(client)
    assert (await pay(client, invoice["id"], 2500)).status_code == 201
    bad_request(
        await post(client, invoice["id"], "void"),
        "A PAID invoice cannot be voided: it was paid in full",
    )
    bad_request(
        await post(client, invoice["id"], "mark_uncollectible", {}),
        "A PAID invoice cannot be marked uncollectible: it was paid in full",
    )
    fetched = (await client.get(f"{URL}/{invoice['id']}", headers=DEMO_HEADERS)).json()
    assert (fetched["status"], fetched["amount_due"]) == ("PAID", 0)


async def test_uncollectible_still_takes_payments(gateway: Gateway) -> None:
    client, runtime = gateway
    await with_webhook(runtime)
    invoice = await create(client, partial_payment=True)
    marked = await post(client, invoice["id"], "mark_uncollectible", {"reason": "Gone silent"})
    assert marked.status_code == 200, marked.text
    data = marked.json()
    assert (data["status"], data["amount_due"], data["status_reason"]) == (
        "UNCOLLECTIBLE",
        2500,
        "Gone silent",
    )
    assert data["marked_uncollectible_at"] is not None and data["voided_at"] is None
    part = (await pay(client, invoice["id"], 500)).json()
    assert (part["status"], part["amount_due"]) == ("UNCOLLECTIBLE", 2000)
    full = (await pay(client, invoice["id"], 2000)).json()
    assert (full["status"], full["amount_due"]) == ("PAID", 0)
    assert await events_of(runtime, invoice["id"]) == [
        "invoice.created",
        "invoice.sent",
        "invoice.marked_uncollectible",
        "invoice.partially_paid",
        "invoice.paid",
    ]


async def test_an_uncollectible_invoice_can_still_be_voided(gateway: Gateway) -> None:
    client, _runtime = gateway
    invoice = await create(client)
    await post(client, invoice["id"], "mark_uncollectible")
    bad_request(
        await post(client, invoice["id"], "mark_uncollectible"),
        "The invoice is already UNCOLLECTIBLE",
    )
    assert (await post(client, invoice["id"], "void")).json()["status"] == "VOID"


async def test_a_draft_is_not_marked_uncollectible(gateway: Gateway) -> None:
    client, _runtime = gateway
    draft = await create(client, status="DRAFT")
    bad_request(
        await post(client, draft["id"], "mark_uncollectible"),
        "A DRAFT invoice cannot be marked uncollectible: it was never issued; void it instead",
    )


async def test_the_reason_is_checked(gateway: Gateway) -> None:
    client, _runtime = gateway
    invoice = await create(client)
    too_long = await post(client, invoice["id"], "void", {"reason": "x" * 501})
    bad_request(too_long, ["reason must be shorter than or equal to 500 characters"])
    not_text = await post(client, invoice["id"], "void", {"reason": 5})
    bad_request(not_text, ["reason must be a string"])
    not_json = await client.post(f"{URL}/{invoice['id']}/void", content=b"{", headers=DEMO_HEADERS)
    bad_request(not_json, ["request body must be valid JSON"])
    fetched = (await client.get(f"{URL}/{invoice['id']}", headers=DEMO_HEADERS)).json()
    assert fetched["status"] == "OPEN"


async def test_another_apps_invoice_is_not_found(gateway: Gateway) -> None:
    client, _runtime = gateway
    for action in ("void", "mark_uncollectible"):
        response = await post(client, "inv_00000000-0000-0000-0000-000000000000", action)
        assert response.status_code == 404, response.text
    gone = await client.delete(
        f"{URL}/inv_00000000-0000-0000-0000-000000000000", headers=DEMO_HEADERS
    )
    assert gone.status_code == 404


async def test_if_match_guards_a_void(gateway: Gateway) -> None:
    client, _runtime = gateway
    invoice = await create(client)
    stale = await client.post(
        f"{URL}/{invoice['id']}/void", headers={**DEMO_HEADERS, "If-Match": f'"{invoice["id"]}-7"'}
    )
    assert stale.status_code == 412, stale.text
    assert stale.headers["ETag"] == f'"{invoice["id"]}-1"'
    current = await client.post(
        f"{URL}/{invoice['id']}/void", headers={**DEMO_HEADERS, "If-Match": f'"{invoice["id"]}-1"'}
    )
    assert current.status_code == 200, current.text


async def test_a_numbered_invoice_is_never_deleted(gateway: Gateway) -> None:
    client, _runtime = gateway
    draft = await create(client, status="DRAFT")
    number = draft["invoice_number"]
    bad_request(
        await client.delete(f"{URL}/{draft['id']}", headers=DEMO_HEADERS),
        f"Invoice {number} (DRAFT) holds a number and cannot be deleted: "
        "a numbered invoice is voided, never deleted",
    )
    opened = await create(client)
    response = await client.delete(f"{URL}/{opened['id']}", headers=DEMO_HEADERS)
    assert response.status_code == 400
    assert "a numbered invoice is voided, never deleted" in response.json()["message"]
    fetched = await client.get(f"{URL}/{draft['id']}", headers=DEMO_HEADERS)
    assert fetched.status_code == 200


async def test_a_draft_without_a_number_is_deleted(gateway: Gateway) -> None:
    client, runtime = gateway
    await with_webhook(runtime)
    draft = await create(client, status="DRAFT")
    # An unnumbered draft (none of the create paths makes one: every invoice is numbered
    # when created).
    async with runtime.sessions() as session:
        await session.exec(
            update(Invoice).where(col(Invoice.id) == draft["id"]).values(invoice_number="")
        )
        await session.commit()
    deleted = await client.delete(f"{URL}/{draft['id']}", headers=DEMO_HEADERS)
    assert deleted.status_code == 200, deleted.text
    body = deleted.json()
    assert body["success"] is True and body["invoiceId"] == draft["id"]
    assert (await client.get(f"{URL}/{draft['id']}", headers=DEMO_HEADERS)).status_code == 404
    assert await events_of(runtime, draft["id"]) == ["invoice.created", "invoice.deleted"]
    async with runtime.sessions() as session:
        items = select(InvoiceItem).where(InvoiceItem.invoice_id == draft["id"])
        assert (await session.exec(items)).all() == []
    again = await client.delete(f"{URL}/{draft['id']}", headers=DEMO_HEADERS)
    assert again.status_code == 404


async def test_void_and_pay_race_exactly_one_wins(gateway: Gateway) -> None:
    client, _runtime = gateway
    for _ in range(6):
        invoice = await create(client)
        voided, paid = await asyncio.gather(
            post(client, invoice["id"], "void"), pay(client, invoice["id"], 2500)
        )
        codes = (voided.status_code, paid.status_code)
        assert codes in ((200, 400), (400, 201)), (voided.text, paid.text)
        final = (await client.get(f"{URL}/{invoice['id']}", headers=DEMO_HEADERS)).json()
        if voided.status_code == 200:
            assert (final["status"], final["transactions"], final["amount_due"]) == (
                "VOID",
                [],
                0,
            )
        else:
            assert final["status"] == "PAID" and len(final["transactions"]) == 1
            assert Decimal(str(final["amount_paid"])) == Decimal("2500")


async def test_the_voided_event_carries_the_void_invoice(gateway: Gateway) -> None:
    client, runtime = gateway
    await with_webhook(runtime)
    invoice = await create(client, partial_payment=True)
    await pay(client, invoice["id"], "100.10")
    await post(client, invoice["id"], "void", {"reason": "Wrong currency"})
    async with runtime.sessions() as session:
        stmt = select(OutboxMessage).where(
            OutboxMessage.resource_id == invoice["id"],
            OutboxMessage.event_type == "invoice.voided",
        )
        [message] = (await session.exec(stmt)).all()
    payload = json.loads(message.payload)
    data = payload["data"]
    assert (data["status"], data["amount_due"], data["amount_paid"]) == ("VOID", 0, 100.1)
    assert data["status_reason"] == "Wrong currency"
    assert message.payload.count('"amount_due":0.00') == 1


async def balance_of(runtime: Runtime) -> Decimal:
    """The demo customer's credit balance in USDC (0.00 when it never had one)."""
    async with runtime.sessions() as session:
        found = (await session.exec(select(CustomerCreditBalance))).all()
    assert len(found) <= 1, found
    return found[0].amount if found else Decimal("0.00")


async def give_credit(client: httpx.AsyncClient, amount: str) -> None:
    """A paid invoice credited `amount` to the demo customer's balance."""
    paid = await create(client)  # 2500.00
    assert (await pay(client, paid["id"], "2500.00")).status_code == 201
    body = {"amount": amount, "memo": "Goodwill", "credit_to": "customer_balance"}
    response = await post(client, paid["id"], "credit_notes", body)
    assert response.status_code == 201, response.text


async def test_voiding_gives_the_consumed_credit_back_to_the_customer(gateway: Gateway) -> None:
    client, runtime = gateway
    await with_webhook(runtime)
    await give_credit(client, "300.00")
    assert await balance_of(runtime) == Decimal("300.00")
    consumer = await create(client, partial_payment=True)
    assert (consumer["credit_applied"], consumer["amount_due"]) == (300.0, 2200.0)
    assert await balance_of(runtime) == Decimal("0.00")
    assert (await pay(client, consumer["id"], "1000.00")).status_code == 201
    response = await post(client, consumer["id"], "void", {"reason": "Cancelled order"})
    assert response.status_code == 200, response.text
    voided = response.json()
    assert voided["status"] == "VOID"
    assert (voided["credit_applied"], voided["amount_due"]) == (0, 0)
    assert voided["amount_paid"] == 1000.0  # a payment is no credit balance: kept
    assert await balance_of(runtime) == Decimal("300.00")
    async with runtime.sessions() as session:
        stmt = select(OutboxMessage).where(
            col(OutboxMessage.resource_id) == consumer["id"],
            col(OutboxMessage.event_type) == "invoice.voided",
        )
        event = json.loads((await session.exec(stmt)).one().payload)["data"]
    assert (event["credit_applied"], event["amount_due"]) == (0, 0)
    # The next invoice consumes it again; a refused second void gives nothing twice.
    bad_request(
        await post(client, consumer["id"], "void"),
        "The invoice is already VOID",
    )
    assert await balance_of(runtime) == Decimal("300.00")
    nxt = await create(client)
    assert nxt["credit_applied"] == 300.0 and await balance_of(runtime) == Decimal("0.00")


async def test_an_uncollectible_invoice_keeps_its_credit_until_voided(gateway: Gateway) -> None:
    client, runtime = gateway
    await give_credit(client, "120.50")
    consumer = await create(client)
    marked = await post(client, consumer["id"], "mark_uncollectible")
    assert marked.status_code == 200, marked.text
    assert (marked.json()["credit_applied"], marked.json()["amount_due"]) == (120.5, 2379.5)
    assert await balance_of(runtime) == Decimal("0.00")
    voided = await post(client, consumer["id"], "void")
    assert voided.status_code == 200, voided.text
    assert voided.json()["credit_applied"] == 0
    assert await balance_of(runtime) == Decimal("120.50")


async def test_deleting_a_draft_gives_the_consumed_credit_back(gateway: Gateway) -> None:
    client, runtime = gateway
    await give_credit(client, "75.00")
    draft = await create(client, status="DRAFT")
    assert draft["credit_applied"] == 75.0 and await balance_of(runtime) == Decimal("0.00")
    async with runtime.sessions() as session:
        await session.exec(
            update(Invoice).where(col(Invoice.id) == draft["id"]).values(invoice_number="")
        )
        await session.commit()
    deleted = await client.delete(f"{URL}/{draft['id']}", headers=DEMO_HEADERS)
    assert deleted.status_code == 200, deleted.text
    assert await balance_of(runtime) == Decimal("75.00")
