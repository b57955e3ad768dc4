"""Invoice.version and expectedVersion on updateInvoice, sendInvoice, recordPayment: a
change computed from another version is a VERSION_MISMATCH userError and changes
nothing; concurrent changes without it both apply."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from tests.graphql.helpers import data
from tests.graphql.test_lifecycle_mutations import new_invoice

USER_ERRORS = "userErrors { field message code }"
INVOICE = "id version name address status amountPaid transactions { amount }"
UPDATE = f"""
mutation Update($id: ID!, $input: UpdateInvoiceInput!, $expected: Int) {{
  updateInvoice(id: $id, input: $input, expectedVersion: $expected) {{
    invoice {{ {INVOICE} }} {USER_ERRORS}
  }}
}}
"""
SEND = f"""
mutation Send($id: ID!, $expected: Int) {{
  sendInvoice(id: $id, expectedVersion: $expected) {{ invoice {{ {INVOICE} }} {USER_ERRORS} }}
}}
"""
PAY = f"""
mutation Pay($input: RecordPaymentInput!, $expected: Int) {{
  recordPayment(input: $input, expectedVersion: $expected) {{
    invoice {{ {INVOICE} }} {USER_ERRORS}
  }}
}}
"""
READ = f"query Read($id: ID!) {{ invoice(id: $id) {{ {INVOICE} }} }}"
MISMATCH = "The invoice is at version {}, not the version expected; read it again and retry"


async def update(
    client: httpx.AsyncClient, invoice_id: str, changes: dict[str, Any], expected: int | None
) -> dict[str, Any]:
    variables = {"id": invoice_id, "input": changes, "expected": expected}
    payload: dict[str, Any] = (await data(client, UPDATE, variables))["updateInvoice"]
    return payload


async def send(client: httpx.AsyncClient, invoice_id: str, expected: int | None) -> dict[str, Any]:
    variables = {"id": invoice_id, "expected": expected}
    payload: dict[str, Any] = (await data(client, SEND, variables))["sendInvoice"]
    return payload


async def pay(
    client: httpx.AsyncClient, invoice_id: str, amount: str, expected: int | None
) -> dict[str, Any]:
    payment = {"invoiceId": invoice_id, "amount": amount, "method": "CRYPTO"}
    variables = {"input": payment, "expected": expected}
    payload: dict[str, Any] = (await data(client, PAY, variables))["recordPayment"]
    return payload


async def read(client: httpx.AsyncClient, invoice_id: str) -> dict[str, Any]:
    invoice: dict[str, Any] = (await data(client, READ, {"id": invoice_id}))["invoice"]
    return invoice


def mismatch(payload: dict[str, Any], current: int) -> None:
    assert payload["invoice"] is None
    assert payload["userErrors"] == [
        {
            "field": ["expectedVersion"],
            "message": MISMATCH.format(current),
            "code": "VERSION_MISMATCH",
        }
    ]


async def test_each_change_is_made_at_the_expected_version(client: httpx.AsyncClient) -> None:
    invoice_id = await new_invoice(client, status="DRAFT", partial_payment=True)
    assert (await read(client, invoice_id))["version"] == 1
    edited = await update(client, invoice_id, {"name": "Renamed"}, 1)
    assert edited["userErrors"] == [] and edited["invoice"]["version"] == 2
    sent = await send(client, invoice_id, 2)
    assert sent["userErrors"] == [] and sent["invoice"]["version"] == 3
    paid = await pay(client, invoice_id, "100.00", 3)
    assert paid["userErrors"] == [] and paid["invoice"]["version"] == 4
    assert (await read(client, invoice_id))["version"] == 4


async def test_a_change_at_another_version_changes_nothing(client: httpx.AsyncClient) -> None:
    invoice_id = await new_invoice(client, status="DRAFT", partial_payment=True)
    assert (await update(client, invoice_id, {"name": "First"}, None))["userErrors"] == []
    before = await read(client, invoice_id)
    assert before["version"] == 2

    mismatch(await update(client, invoice_id, {"name": "Lost"}, 1), 2)
    mismatch(await update(client, invoice_id, {"name": "Lost"}, 3), 2)
    mismatch(await send(client, invoice_id, 1), 2)
    assert await read(client, invoice_id) == before

    assert (await send(client, invoice_id, None))["userErrors"] == []
    mismatch(await pay(client, invoice_id, "100.00", 2), 3)
    after = await read(client, invoice_id)
    assert (after["version"], after["amountPaid"], after["transactions"]) == (3, "0.00", [])


async def test_concurrent_partial_updates_both_apply(client: httpx.AsyncClient) -> None:
    for trial in range(5):
        invoice_id = await new_invoice(client, status="DRAFT")
        renamed, moved = await asyncio.gather(
            update(client, invoice_id, {"name": f"Renamed {trial}"}, None),
            update(client, invoice_id, {"address": f"{trial} Main Street"}, None),
        )
        assert renamed["userErrors"] == [] and moved["userErrors"] == []
        final = await read(client, invoice_id)
        assert (final["name"], final["address"], final["version"]) == (
            f"Renamed {trial}",
            f"{trial} Main Street",
            3,
        )
