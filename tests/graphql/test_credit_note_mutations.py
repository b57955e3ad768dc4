"""createCreditNote, the creditNote(s) queries and Invoice.creditNotes: the same credit
notes as REST, userErrors for what is refused, one statement per relation for a page."""

from __future__ import annotations

from typing import Any

import httpx

from gateway.db.statements import count_statements
from tests.apptest import DEMO_HEADERS, basic_invoice
from tests.graphql.helpers import gql

CREATE = """
mutation Credit($invoiceId: ID!, $input: CreateCreditNoteInput!, $key: String) {
  createCreditNote(invoiceId: $invoiceId, input: $input, idempotencyKey: $key) {
    creditNote {
      id creditNoteNumber reason memo subtotal taxAmount total amountApplied creditTo
      refundAmount creditBalanceAmount refundMethod refundReference pdfUrl
      lines { position invoicePosition name quantity unitPrice amount }
      invoice { id amountCredited amountDue status }
    }
    userErrors { field message code }
    replayed
  }
}
"""

PAGE = """
query Page {
  invoices(first: 20) {
    edges { node { id amountCredited amountDue creditNotes { id total lines { amount } } } }
  }
}
"""


async def open_invoice(client: httpx.AsyncClient, **overrides: Any) -> dict[str, Any]:
    body = basic_invoice(partial_payment=True, delivery="MANUALLY", **overrides)
    response = await client.post("/api/v0/invoices", json=body, headers=DEMO_HEADERS)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data


async def create(
    client: httpx.AsyncClient, invoice_id: str, note: dict[str, Any], key: str | None = None
) -> dict[str, Any]:
    response = await gql(client, CREATE, {"invoiceId": invoice_id, "input": note, "key": key})
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["createCreditNote"]
    return payload


async def test_credit_a_line_and_read_it_back(client: httpx.AsyncClient) -> None:
    invoice = await open_invoice(
        client, items=[{"product_id": "prod_consulting_001", "quantity": 3}]
    )
    payload = await create(
        client,
        invoice["id"],
        {"lines": [{"position": 0, "quantity": "1.5"}], "reason": "PRODUCT_UNSATISFACTORY"},
    )
    assert payload["userErrors"] == []
    note = payload["creditNote"]
    assert note["creditNoteNumber"] == "CN-000001"
    assert note["total"] == "225.00" and note["amountApplied"] == "225.00"
    assert note["lines"] == [
        {
            "position": 0,
            "invoicePosition": 0,
            "name": "Consulting (per hour)",
            "quantity": "1.5",
            "unitPrice": "150.00",
            "amount": "225.00",
        }
    ]
    assert note["invoice"]["amountCredited"] == "225.00"
    assert note["invoice"]["amountDue"] == "225.00"
    rest = await client.get(f"/api/v0/credit_notes/{note['id']}", headers=DEMO_HEADERS)
    assert rest.json()["total"] == 225.0

    one = await gql(
        client, "query($id: ID!) { creditNote(id: $id) { id total } }", {"id": note["id"]}
    )
    assert one.json()["data"]["creditNote"] == {"id": note["id"], "total": "225.00"}
    listed = await gql(
        client,
        "query($i: ID) { creditNotes(invoiceId: $i) { totalCount edges { node { id } } } }",
        {"i": invoice["id"]},
    )
    assert listed.json()["data"]["creditNotes"]["totalCount"] == 1


async def test_refusals_are_user_errors(client: httpx.AsyncClient) -> None:
    draft = await open_invoice(client, status="DRAFT")
    payload = await create(client, draft["id"], {"amount": "1.00", "reason": "DUPLICATE"})
    assert payload["creditNote"] is None
    assert [e["code"] for e in payload["userErrors"]] == ["CREDIT_NOT_ALLOWED"]

    invoice = await open_invoice(client)
    too_much = await create(client, invoice["id"], {"amount": "2500.01", "reason": "DUPLICATE"})
    assert [e["code"] for e in too_much["userErrors"]] == ["CREDIT_EXCEEDS_INVOICE"]
    unknown = await create(
        client, invoice["id"], {"lines": [{"position": 7, "quantity": "1"}], "memo": "x"}
    )
    assert unknown["userErrors"][0]["field"] == ["input", "lines", "0", "position"]
    above = await create(
        client, invoice["id"], {"lines": [{"position": 0, "quantity": "2"}], "memo": "x"}
    )
    assert above["userErrors"][0]["field"] == ["input", "lines", "0", "quantity"]
    missing = await create(client, "inv_missing", {"amount": "1.00", "memo": "x"})
    assert missing["userErrors"][0]["code"] == "INVOICE_NOT_FOUND"
    assert missing["userErrors"][0]["field"] == ["invoiceId"]


async def test_the_same_key_replays_the_credit_note(client: httpx.AsyncClient) -> None:
    invoice = await open_invoice(client)
    note = {"amount": "5.00", "memo": "Rounding"}
    first = await create(client, invoice["id"], note, key="gql-cn-1")
    again = await create(client, invoice["id"], note, key="gql-cn-1")
    assert again["replayed"] is True
    assert again["creditNote"]["id"] == first["creditNote"]["id"]
    assert again["creditNote"]["invoice"]["amountCredited"] == "5.00"
    other = await create(client, invoice["id"], {"amount": "6.00", "memo": "x"}, key="gql-cn-1")
    assert other["userErrors"][0]["code"] == "IDEMPOTENCY_KEY_REUSED"


async def test_invoice_credit_notes_are_batched(client: httpx.AsyncClient) -> None:
    async def statements() -> tuple[int, list[dict[str, Any]]]:
        with count_statements() as counted:
            response = await gql(client, PAGE)
        body = response.json()
        assert "errors" not in body, body
        return counted.value, [edge["node"] for edge in body["data"]["invoices"]["edges"]]

    for n in range(2):
        invoice = await open_invoice(client)
        await create(client, invoice["id"], {"amount": "10.00", "memo": f"n{n}"})
    few, nodes = await statements()
    for n in range(6):
        invoice = await open_invoice(client)
        await create(client, invoice["id"], {"amount": "10.00", "memo": f"m{n}"})
        await create(client, invoice["id"], {"amount": "1.00", "memo": f"m{n}"})
    many, nodes = await statements()
    assert few == many, (few, many)
    assert sum(len(node["creditNotes"]) for node in nodes) == 14
    assert all(node["amountCredited"] in ("10.00", "11.00") for node in nodes)


async def test_a_customer_shows_its_credit_balance(client: httpx.AsyncClient) -> None:
    invoice = await open_invoice(client)
    body = {"amount": "2500.00", "method": "CRYPTO"}
    paid = await client.post(
        f"/api/v0/invoices/{invoice['id']}/payments", json=body, headers=DEMO_HEADERS
    )
    assert paid.status_code == 201, paid.text
    note = {"amount": "120.00", "memo": "Goodwill", "creditTo": "CUSTOMER_BALANCE"}
    payload = await create(client, invoice["id"], note)
    assert payload["creditNote"]["creditBalanceAmount"] == "120.00"
    assert payload["creditNote"]["creditTo"] == "CUSTOMER_BALANCE"
    query = "query($id: ID!) { customer(id: $id) { creditBalances { currency amount } } }"
    shown = await gql(client, query, {"id": invoice["customer_id"]})
    assert shown.json()["data"]["customer"]["creditBalances"] == [
        {"currency": "USDC", "amount": "120.00"}
    ]
