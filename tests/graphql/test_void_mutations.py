"""voidInvoice, markInvoiceUncollectible, deleteInvoice: the REST routes' behaviour (see
tests/rest/test_invoice_void.py), every refusal a userError with its code and reason."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from sqlalchemy import update
from sqlmodel import col

from gateway.db.tables import Invoice
from gateway.runtime import Runtime
from gateway.services.tenants import create_app_with_credential
from tests.apptest import DEMO_HEADERS
from tests.graphql.helpers import data, gql
from tests.graphql.test_lifecycle_mutations import (
    INVOICE,
    USER_ERRORS,
    new_invoice,
    other_headers,
    pay,
    read,
    refused,
)

CLOSED = f"{INVOICE} statusReason voidedAt markedUncollectibleAt version"
VOID = f"""
mutation Void($id: ID!, $reason: String, $expectedVersion: Int) {{
  voidInvoice(id: $id, reason: $reason, expectedVersion: $expectedVersion) {{
    invoice {{ {CLOSED} }} {USER_ERRORS}
  }}
}}
"""
UNCOLLECTIBLE = f"""
mutation Uncollectible($id: ID!, $reason: String) {{
  markInvoiceUncollectible(id: $id, reason: $reason) {{ invoice {{ {CLOSED} }} {USER_ERRORS} }}
}}
"""
DELETE = f"""
mutation Delete($id: ID!) {{ deleteInvoice(id: $id) {{ deletedId {USER_ERRORS} }} }}
"""


async def void(client: httpx.AsyncClient, invoice_id: str, **variables: Any) -> dict[str, Any]:
    payload: dict[str, Any] = (await data(client, VOID, {"id": invoice_id, **variables}))[
        "voidInvoice"
    ]
    return payload


async def uncollectible(
    client: httpx.AsyncClient, invoice_id: str, reason: str | None = None
) -> dict[str, Any]:
    variables = {"id": invoice_id, "reason": reason}
    payload: dict[str, Any] = (await data(client, UNCOLLECTIBLE, variables))[
        "markInvoiceUncollectible"
    ]
    return payload


async def delete(client: httpx.AsyncClient, invoice_id: str) -> dict[str, Any]:
    payload: dict[str, Any] = (await data(client, DELETE, {"id": invoice_id}))["deleteInvoice"]
    return payload


async def test_void_an_open_invoice(client: httpx.AsyncClient) -> None:
    invoice_id = await new_invoice(client, partialPayment=True)
    assert (await pay(client, invoice_id, "1000"))["userErrors"] == []
    payload = await void(client, invoice_id, reason="Duplicate of INV-7")
    assert payload["userErrors"] == []
    invoice = payload["invoice"]
    assert (invoice["status"], invoice["amountDue"], invoice["amountPaid"]) == (
        "VOID",
        "0.00",
        "1000.00",
    )
    assert invoice["statusReason"] == "Duplicate of INV-7" and invoice["voidedAt"]
    assert (await read(client, invoice_id))["status"] == "VOID"
    refused(
        await pay(client, invoice_id, "10"),
        "INVALID_TRANSITION",
        "Cannot record a payment on a VOID invoice: it was voided and nothing is due",
        None,
    )
    refused(
        await void(client, invoice_id), "INVALID_TRANSITION", "The invoice is already VOID", None
    )


async def test_a_paid_invoice_is_neither_voided_nor_uncollectible(
    client: httpx.AsyncClient,
) -> None:
    invoice_id = await new_invoice(client)
    assert (await pay(client, invoice_id, "2500"))["userErrors"] == []
    refused(
        await void(client, invoice_id),
        "INVALID_TRANSITION",
        "A PAID invoice cannot be voided: it was paid in full",
        None,
    )
    refused(
        await uncollectible(client, invoice_id),
        "INVALID_TRANSITION",
        "A PAID invoice cannot be marked uncollectible: it was paid in full",
        None,
    )


async def test_uncollectible_then_paid(client: httpx.AsyncClient) -> None:
    invoice_id = await new_invoice(client, partialPayment=True)
    payload = await uncollectible(client, invoice_id, "No answer since March")
    assert payload["userErrors"] == []
    invoice = payload["invoice"]
    assert (invoice["status"], invoice["amountDue"]) == ("UNCOLLECTIBLE", "2500.00")
    assert invoice["markedUncollectibleAt"] and invoice["voidedAt"] is None
    part = await pay(client, invoice_id, "500")
    assert (part["invoice"]["status"], part["invoice"]["amountDue"]) == ("UNCOLLECTIBLE", "2000.00")
    rest = await pay(client, invoice_id, "2000")
    assert (rest["invoice"]["status"], rest["invoice"]["amountDue"]) == ("PAID", "0.00")


async def test_a_draft_is_voided_not_marked_uncollectible(client: httpx.AsyncClient) -> None:
    draft_id = await new_invoice(client, status="DRAFT")
    refused(
        await uncollectible(client, draft_id),
        "INVALID_TRANSITION",
        "A DRAFT invoice cannot be marked uncollectible: it was never issued; void it instead",
        None,
    )
    assert (await void(client, draft_id))["invoice"]["status"] == "VOID"


async def test_a_too_long_reason_is_refused(client: httpx.AsyncClient) -> None:
    invoice_id = await new_invoice(client)
    refused(
        await void(client, invoice_id, reason="x" * 501),
        "INVALID_INPUT",
        "reason must be shorter than or equal to 500 characters",
        ["reason"],
    )
    assert (await read(client, invoice_id))["status"] == "OPEN"


async def test_expected_version_guards_a_void(client: httpx.AsyncClient) -> None:
    invoice_id = await new_invoice(client)
    stale = await void(client, invoice_id, expectedVersion=5)
    assert stale["invoice"] is None and stale["userErrors"][0]["code"] == "VERSION_MISMATCH"
    assert (await void(client, invoice_id, expectedVersion=1))["invoice"]["version"] == 2


async def test_a_numbered_invoice_is_never_deleted(client: httpx.AsyncClient) -> None:
    draft_id = await new_invoice(client, status="DRAFT")
    number = (await read(client, draft_id))["invoiceNumber"]
    payload = await delete(client, draft_id)
    assert payload == {
        "deletedId": None,
        "userErrors": [
            {
                "field": None,
                "message": f"Invoice {number} (DRAFT) holds a number and cannot be deleted: "
                "a numbered invoice is voided, never deleted",
                "code": "INVOICE_NUMBERED",
            }
        ],
    }
    assert (await read(client, draft_id))["status"] == "DRAFT"


async def test_a_draft_without_a_number_is_deleted(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, runtime = gateway
    draft_id = await new_invoice(client, status="DRAFT")
    async with runtime.sessions() as session:
        await session.exec(
            update(Invoice).where(col(Invoice.id) == draft_id).values(invoice_number="")
        )
        await session.commit()
    assert await delete(client, draft_id) == {"deletedId": draft_id, "userErrors": []}
    gone = await delete(client, draft_id)
    assert gone["userErrors"][0]["code"] == "INVOICE_NOT_FOUND"
    assert gone["userErrors"][0]["field"] == ["id"]


async def test_other_apps_invoices_are_not_found(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, runtime = gateway
    invoice_id = await new_invoice(client)
    other = await create_app_with_credential(runtime, "Other Business")
    for operation, name in (
        (VOID, "voidInvoice"),
        (UNCOLLECTIBLE, "markInvoiceUncollectible"),
    ):
        response = await gql(client, operation, {"id": invoice_id}, other_headers(other.credential))
        refused(response.json()["data"][name], "INVOICE_NOT_FOUND", "Invoice not found", ["id"])
    response = await gql(client, DELETE, {"id": invoice_id}, other_headers(other.credential))
    assert response.json()["data"]["deleteInvoice"]["userErrors"][0]["code"] == (
        "INVOICE_NOT_FOUND"
    )
    assert (await read(client, invoice_id))["status"] == "OPEN"


async def test_void_and_pay_race_exactly_one_wins(client: httpx.AsyncClient) -> None:
    for _ in range(4):
        invoice_id = await new_invoice(client)
        voided, paid = await asyncio.gather(
            void(client, invoice_id), pay(client, invoice_id, "2500")
        )
        winners = [p for p in (voided, paid) if p["userErrors"] == []]
        assert len(winners) == 1, (voided, paid)
        final = await read(client, invoice_id)
        assert final["status"] == ("VOID" if voided in winners else "PAID")
        assert len(final["transactions"]) == (0 if voided in winners else 1)


async def test_rest_shows_what_graphql_voided(client: httpx.AsyncClient) -> None:
    invoice_id = await new_invoice(client)
    await void(client, invoice_id, reason="Wrong customer")
    rest = (await client.get(f"/api/v0/invoices/{invoice_id}", headers=DEMO_HEADERS)).json()
    assert (rest["status"], rest["amount_due"], rest["status_reason"]) == (
        "VOID",
        0,
        "Wrong customer",
    )
