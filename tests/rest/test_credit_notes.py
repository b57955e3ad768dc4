"""Credit notes over REST: what they credit, where the credit goes, what is refused, and
that concurrent creates neither over-credit an invoice nor leave a gap in the numbers."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

import httpx
from sqlmodel import col, select

from gateway.db.tables import App, CustomerCreditBalance, Invoice, OutboxMessage
from gateway.encoding import loads
from gateway.runtime import Runtime
from gateway.services.demo import DEMO_APP_ID
from gateway.services.tenants import create_app_with_credential
from gateway.services.webhook_endpoints import add_webhook_endpoint
from tests.apptest import DEMO_HEADERS, basic_invoice

INVOICES = "/api/v0/invoices"
CREDIT_NOTES = "/api/v0/credit_notes"
D = Decimal


async def create_invoice(client: httpx.AsyncClient, **overrides: Any) -> dict[str, Any]:
    body = basic_invoice(partial_payment=True, delivery="MANUALLY", **overrides)
    response = await client.post(INVOICES, json=body, headers=DEMO_HEADERS)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data


async def credit(
    client: httpx.AsyncClient, invoice_id: str, body: dict[str, Any], **headers: str
) -> httpx.Response:
    return await client.post(
        f"{INVOICES}/{invoice_id}/credit_notes", json=body, headers={**DEMO_HEADERS, **headers}
    )


async def pay(client: httpx.AsyncClient, invoice_id: str, amount: str) -> None:
    body = {"amount": amount, "method": "CRYPTO"}
    response = await client.post(
        f"{INVOICES}/{invoice_id}/payments", json=body, headers=DEMO_HEADERS
    )
    assert response.status_code == 201, response.text


async def invoice(client: httpx.AsyncClient, invoice_id: str) -> dict[str, Any]:
    response = await client.get(f"{INVOICES}/{invoice_id}", headers=DEMO_HEADERS)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def refused(response: httpx.Response, *needles: str) -> None:
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["statusCode"] == 400 and body["error"] == "Bad Request", body
    text = str(body["message"])
    for needle in needles:
        assert needle in text, text


async def test_a_line_credit_lowers_the_amount_due_with_its_tax(
    client: httpx.AsyncClient,
) -> None:
    # Two lines of 2500.00 at 8.5 %: 5000.00 + 425.00 = 5425.00.
    created = await create_invoice(
        client,
        items=[{"product_id": "prod_123456789", "quantity": 2}],
        taxId="tax_550e8400-e29b-41d4-a716-446655440123",
    )
    assert created["total"] == 5425.0 and created["amount_credited"] == 0
    response = await credit(
        client, created["id"], {"lines": [{"position": 0, "quantity": 1}], "reason": "order_change"}
    )
    assert response.status_code == 201, response.text
    note = response.json()
    assert note["number"] == "CN-000001"
    assert (note["subtotal"], note["tax_amount"], note["total"]) == (2500.0, 212.5, 2712.5)
    assert note["amount_applied"] == 2712.5 and note["refund"] is None
    assert note["lines"][0]["quantity"] == 1 and note["lines"][0]["amount"] == 2500.0
    shown = await invoice(client, created["id"])
    assert (shown["amount_credited"], shown["amount_due"]) == (2712.5, 2712.5)
    assert note["invoice"]["amount_due"] == shown["amount_due"]

    got = await client.get(f"{CREDIT_NOTES}/{note['id']}", headers=DEMO_HEADERS)
    assert got.status_code == 200 and got.json()["id"] == note["id"]
    listed = await client.get(
        CREDIT_NOTES, params={"invoice_id": created["id"]}, headers=DEMO_HEADERS
    )
    assert [n["id"] for n in listed.json()] == [note["id"]]
    other = await client.get(CREDIT_NOTES, params={"invoice_id": "inv_none"}, headers=DEMO_HEADERS)
    assert other.json() == []
    pdf = await client.get(f"{CREDIT_NOTES}/{note['id']}/pdf", headers=DEMO_HEADERS)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert "credit-note-CN-000001.pdf" in pdf.headers["content-disposition"]


async def test_credit_past_what_is_due_is_refunded_or_kept_as_a_balance(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, runtime = gateway
    paid = await create_invoice(client)  # 2500.00
    await pay(client, paid["id"], "2000.00")
    refund = await credit(
        client,
        paid["id"],
        {
            "amount": "600.00",
            "reason": "duplicate",
            "refund_method": "CRYPTO",
            "refund_reference": "0xabc",
        },
    )
    assert refund.status_code == 201, refund.text
    body = refund.json()
    assert (body["amount_applied"], body["refund_amount"]) == (500.0, 100.0)
    assert body["credit_to"] == "refund"
    assert body["refund"]["method"] == "CRYPTO" and body["refund"]["reference"] == "0xabc"
    shown = await invoice(client, paid["id"])
    assert shown["amount_due"] == 0 and shown["status"] == "PAID"

    second = await create_invoice(client)
    await pay(client, second["id"], "2500.00")
    kept = await credit(
        client,
        second["id"],
        {"amount": "300.00", "memo": "Goodwill", "credit_to": "customer_balance"},
    )
    assert kept.status_code == 201, kept.text
    assert kept.json()["credit_balance_amount"] == 300.0 and kept.json()["refund"] is None

    # The customer's next invoice consumes the balance.
    nxt = await create_invoice(client)
    assert nxt["credit_applied"] == 300.0 and nxt["amount_due"] == 2200.0
    async with runtime.sessions() as session:
        balance = (await session.exec(select(CustomerCreditBalance))).one()
        assert balance.amount == D("0.00")


async def test_refused_credits_say_why(client: httpx.AsyncClient) -> None:
    draft = await create_invoice(client, status="DRAFT")
    refused(await credit(client, draft["id"], {"amount": 1, "reason": "duplicate"}), "DRAFT")
    opened = await create_invoice(client)
    refused(
        await credit(client, opened["id"], {"amount": "2500.01", "reason": "duplicate"}),
        "exceeds",
    )
    refused(
        await credit(
            client, opened["id"], {"lines": [{"position": 0, "quantity": 2}], "reason": "duplicate"}
        ),
        "lines.0.quantity",
    )
    refused(
        await credit(
            client, opened["id"], {"lines": [{"position": 3, "quantity": 1}], "reason": "duplicate"}
        ),
        "lines.0.position names no line",
    )
    refused(await credit(client, opened["id"], {"amount": 1}), "reason or memo")
    refused(
        await credit(client, opened["id"], {"amount": 1, "lines": [], "reason": "duplicate"}),
        "lines",
    )
    refused(
        await credit(client, opened["id"], {"amount": "0.001", "reason": "duplicate"}), "amount"
    )
    refused(
        await credit(client, opened["id"], {"amount": 1, "reason": "nope"}), "reason must be one of"
    )
    ok = await credit(client, opened["id"], {"amount": "2000.00", "reason": "duplicate"})
    assert ok.status_code == 201
    refused(
        await credit(client, opened["id"], {"amount": "500.01", "reason": "duplicate"}), "500.00"
    )
    missing = await credit(client, "inv_nope", {"amount": 1, "reason": "duplicate"})
    assert missing.status_code == 404
    gone = await client.get(f"{CREDIT_NOTES}/cn_nope", headers=DEMO_HEADERS)
    assert gone.status_code == 404


async def test_the_same_idempotency_key_creates_one_credit_note(client: httpx.AsyncClient) -> None:
    created = await create_invoice(client)
    body = {"amount": "10.00", "reason": "duplicate"}
    first = await credit(client, created["id"], body, **{"Idempotency-Key": "cn-key-1"})
    again = await credit(client, created["id"], body, **{"Idempotency-Key": "cn-key-1"})
    assert first.status_code == again.status_code == 201
    assert again.headers.get("idempotent-replayed") == "true"
    assert first.json()["id"] == again.json()["id"]
    assert (await invoice(client, created["id"]))["amount_credited"] == 10.0


async def test_twenty_concurrent_credit_notes_never_credit_more_than_the_total(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, runtime = gateway
    created = await create_invoice(client)  # 2500.00
    responses = await asyncio.gather(
        *(
            credit(client, created["id"], {"amount": "300.00", "reason": "duplicate"})
            for _ in range(20)
        )
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] * 8 + [400] * 12, statuses
    async with runtime.sessions() as session:
        row = await session.get(Invoice, created["id"])
        assert row is not None and row.amount_credited == D("2400.00")
    numbers = sorted(r.json()["number"] for r in responses if r.status_code == 201)
    assert numbers == [f"CN-{n:06d}" for n in range(1, 9)]


async def test_fifty_parallel_credit_notes_are_numbered_without_a_gap(
    client: httpx.AsyncClient,
) -> None:
    invoices = [await create_invoice(client) for _ in range(5)]
    responses = await asyncio.gather(
        *(
            credit(client, invoices[n % 5]["id"], {"amount": "1.00", "reason": "duplicate"})
            for n in range(50)
        )
    )
    assert [r.status_code for r in responses] == [201] * 50
    numbers = sorted(r.json()["number"] for r in responses)
    assert numbers == [f"CN-{n:06d}" for n in range(1, 51)]


async def test_another_apps_invoice_and_credit_notes_are_not_found(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, runtime = gateway
    other = await create_app_with_credential(runtime, "Other Business")
    headers = {
        "x-client-key": other.credential.client_key,
        "x-client-secret": other.credential.client_secret,
    }
    mine = await create_invoice(client)
    note = (await credit(client, mine["id"], {"amount": "1.00", "reason": "duplicate"})).json()
    body = {"amount": "1.00", "reason": "duplicate"}
    foreign = await client.post(f"{INVOICES}/{mine['id']}/credit_notes", json=body, headers=headers)
    assert foreign.status_code == 404
    assert (await client.get(f"{CREDIT_NOTES}/{note['id']}", headers=headers)).status_code == 404
    pdf = await client.get(f"{CREDIT_NOTES}/{note['id']}/pdf", headers=headers)
    assert pdf.status_code == 404
    assert (await client.get(CREDIT_NOTES, headers=headers)).json() == []


async def test_a_credit_that_rounds_to_nothing_is_refused(client: httpx.AsyncClient) -> None:
    created = await create_invoice(
        client, items=[{"product_id": "prod_hosting_001", "quantity": 1}]
    )
    response = await credit(
        client, created["id"], {"lines": [{"position": 0, "quantity": "0.0001"}], "memo": "x"}
    )
    refused(response, "round to 0.00")


async def test_an_edited_draft_consumes_the_balance_again(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, runtime = gateway
    paid = await create_invoice(client)
    await pay(client, paid["id"], "2500.00")
    body = {"amount": "300.00", "memo": "Goodwill", "credit_to": "customer_balance"}
    assert (await credit(client, paid["id"], body)).status_code == 201

    draft = await create_invoice(client, status="DRAFT")
    assert draft["credit_applied"] == 300.0
    items = {"items": [{"product_id": "prod_hosting_001", "quantity": 1}]}
    edited = await client.put(f"{INVOICES}/{draft['id']}", json=items, headers=DEMO_HEADERS)
    assert edited.status_code == 200, edited.text
    assert (edited.json()["total"], edited.json()["credit_applied"]) == (49.99, 49.99)
    assert edited.json()["amount_due"] == 0
    async with runtime.sessions() as session:
        balance = (await session.exec(select(CustomerCreditBalance))).one()
    assert balance.amount == D("250.01")


async def test_an_apps_own_credit_note_number_format(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, runtime = gateway
    async with runtime.sessions() as session:
        app = await session.get(App, DEMO_APP_ID)
        assert app is not None and app.credit_note_number_format == "CN-{number:06d}"
        app.credit_note_number_format = "AV-{number:04d}/2026"
        await session.commit()
    created = await create_invoice(client)
    response = await credit(client, created["id"], {"amount": "1.00", "reason": "duplicate"})
    assert response.json()["number"] == "AV-0001/2026"
    other = await create_app_with_credential(
        runtime, "Other", credit_note_number_format="X{number}"
    )
    async with runtime.sessions() as session:
        stored = await session.get(App, other.app_id)
    assert stored is not None and stored.credit_note_number_format == "X{number}"


async def invoice_events(runtime: Runtime, invoice_id: str) -> list[tuple[str, dict[str, Any]]]:
    """The invoice's webhook events in the order they were queued: (type, data)."""
    async with runtime.sessions() as session:
        stmt = (
            select(OutboxMessage)
            .where(
                col(OutboxMessage.resource_type) == "invoice",
                col(OutboxMessage.resource_id) == invoice_id,
            )
            .order_by(col(OutboxMessage.seq))
        )
        messages = (await session.exec(stmt)).all()
    return [(m.event_type, loads(m.payload)["data"]) for m in messages]


async def test_a_credit_that_leaves_nothing_due_emits_invoice_paid(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, runtime = gateway
    await add_webhook_endpoint(runtime, DEMO_APP_ID, "https://93.184.216.34/credits")
    created = await create_invoice(client)  # 2500.00
    await pay(client, created["id"], "2000.00")
    partial = await credit(client, created["id"], {"amount": "200.00", "memo": "Part"})
    assert partial.status_code == 201, partial.text
    types = [kind for kind, _ in await invoice_events(runtime, created["id"])]
    assert "invoice.paid" not in types
    settling = await credit(client, created["id"], {"amount": "300.00", "memo": "Rest"})
    assert settling.status_code == 201, settling.text
    events = await invoice_events(runtime, created["id"])
    assert [kind for kind, _ in events] == [
        "invoice.created",
        "invoice.sent",
        "invoice.partially_paid",
        "invoice.paid",
    ]
    paid = events[-1][1]
    assert (paid["status"], paid["amount_due"]) == ("PAID", 0)
    assert (paid["amount_paid"], paid["amount_credited"]) == (2000, 500)
    assert paid["paidAt"] is not None
    shown = await invoice(client, created["id"])
    assert shown["status"] == "PAID" and shown["paidAt"] == paid["paidAt"]
    # A credit on the invoice already PAID is a refund: no second invoice.paid.
    refund = {"amount": "100.00", "memo": "Returned", "refund_method": "CRYPTO"}
    assert (await credit(client, created["id"], refund)).status_code == 201
    types = [kind for kind, _ in await invoice_events(runtime, created["id"])]
    assert types.count("invoice.paid") == 1


async def test_a_credit_of_the_whole_unpaid_invoice_emits_invoice_paid(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, runtime = gateway
    await add_webhook_endpoint(runtime, DEMO_APP_ID, "https://93.184.216.34/credits")
    created = await create_invoice(client)
    whole = await credit(
        client, created["id"], {"lines": [{"position": 0, "quantity": 1}], "memo": "All"}
    )
    assert whole.status_code == 201, whole.text
    events = await invoice_events(runtime, created["id"])
    assert [kind for kind, _ in events] == ["invoice.created", "invoice.sent", "invoice.paid"]
    assert events[-1][1]["amount_due"] == 0 and events[-1][1]["amount_credited"] == 2500


async def test_an_invoice_the_credit_balance_pays_in_full_is_paid_when_issued(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, runtime = gateway
    await add_webhook_endpoint(runtime, DEMO_APP_ID, "https://93.184.216.34/credits")
    first = await create_invoice(client)  # 2500.00
    await pay(client, first["id"], "2500.00")
    body = {"amount": "2500.00", "memo": "Goodwill", "credit_to": "customer_balance"}
    assert (await credit(client, first["id"], body)).status_code == 201
    balance = {"amount": "2500.00", "memo": "More", "credit_to": "customer_balance"}
    assert (await credit(client, first["id"], balance)).status_code == 400  # nothing left

    # Created OPEN: the balance pays it all, so it is PAID at once.
    issued = await create_invoice(client)
    assert (issued["credit_applied"], issued["amount_due"]) == (2500.0, 0)
    assert issued["status"] == "PAID" and issued["paidAt"] is not None
    kinds = [kind for kind, _ in await invoice_events(runtime, issued["id"])]
    assert kinds == ["invoice.created", "invoice.sent", "invoice.paid"]


async def test_a_draft_the_credit_balance_pays_in_full_is_paid_when_sent(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, runtime = gateway
    await add_webhook_endpoint(runtime, DEMO_APP_ID, "https://93.184.216.34/credits")
    first = await create_invoice(client)
    await pay(client, first["id"], "2500.00")
    body = {"amount": "2500.00", "memo": "Goodwill", "credit_to": "customer_balance"}
    assert (await credit(client, first["id"], body)).status_code == 201

    draft = await create_invoice(client, status="DRAFT")
    assert (draft["status"], draft["credit_applied"], draft["amount_due"]) == ("DRAFT", 2500.0, 0)
    sent = await client.post(f"{INVOICES}/{draft['id']}/send", headers=DEMO_HEADERS)
    assert sent.status_code in (200, 201), sent.text
    shown = await invoice(client, draft["id"])
    assert shown["status"] == "PAID" and shown["paidAt"] is not None
    kinds = [kind for kind, _ in await invoice_events(runtime, draft["id"])]
    assert kinds == ["invoice.created", "invoice.sent", "invoice.paid"]
