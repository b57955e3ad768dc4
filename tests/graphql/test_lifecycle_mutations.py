"""sendInvoice, recordPayment, updateInvoice: the REST lifecycle routes' behaviour (see
tests/rest/test_invoice_lifecycle.py), every refusal a userError with its code."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from sqlmodel import select

from gateway.db.tables import Invoice, OutboxMessage
from gateway.runtime import Runtime
from gateway.services.tenants import create_app_with_credential
from tests.apptest import DEMO_HEADERS, future
from tests.graphql.helpers import create, data, gql

USER_ERRORS = "userErrors { field message code }"
INVOICE = """
  id invoiceNumber name email status paymentStatus total subtotal taxAmount amountPaid
  amountDue paidAt sentAt paymentLinkUrl pdfUrl
  items { productId quantity lineTotal }
  transactions { id invoiceId amount method reference createdAt }
"""
SEND = f"""
mutation Send($id: ID!) {{
  sendInvoice(id: $id) {{ invoice {{ {INVOICE} }} {USER_ERRORS} }}
}}
"""
PAY = f"""
mutation Pay($input: RecordPaymentInput!) {{
  recordPayment(input: $input) {{
    invoice {{ {INVOICE} }}
    transaction {{ id invoiceId amount method reference createdAt }}
    {USER_ERRORS}
  }}
}}
"""
UPDATE = f"""
mutation Update($id: ID!, $input: UpdateInvoiceInput!) {{
  updateInvoice(id: $id, input: $input) {{ invoice {{ {INVOICE} }} {USER_ERRORS} }}
}}
"""
READ = f"query Read($id: ID!) {{ invoice(id: $id) {{ {INVOICE} }} }}"


async def send(client: httpx.AsyncClient, invoice_id: str) -> dict[str, Any]:
    payload: dict[str, Any] = (await data(client, SEND, {"id": invoice_id}))["sendInvoice"]
    return payload


async def pay(
    client: httpx.AsyncClient,
    invoice_id: str,
    amount: Any,
    method: str = "CRYPTO",
    reference: str | None = "tx-1",
) -> dict[str, Any]:
    variables = {
        "input": {
            "invoiceId": invoice_id,
            "amount": amount,
            "method": method,
            "reference": reference,
        }
    }
    payload: dict[str, Any] = (await data(client, PAY, variables))["recordPayment"]
    return payload


async def update(
    client: httpx.AsyncClient, invoice_id: str, changes: dict[str, Any]
) -> dict[str, Any]:
    variables = {"id": invoice_id, "input": changes}
    payload: dict[str, Any] = (await data(client, UPDATE, variables))["updateInvoice"]
    return payload


async def read(client: httpx.AsyncClient, invoice_id: str) -> dict[str, Any]:
    invoice: dict[str, Any] = (await data(client, READ, {"id": invoice_id}))["invoice"]
    return invoice


async def new_invoice(client: httpx.AsyncClient, **overrides: Any) -> str:
    payload = await create(client, **overrides)
    assert payload["userErrors"] == [], payload
    invoice_id: str = payload["invoice"]["id"]
    return invoice_id


def refused(payload: dict[str, Any], code: str, message: str, field: list[str] | None) -> None:
    assert payload["invoice"] is None
    assert payload["userErrors"] == [{"field": field, "message": message, "code": code}]


async def emails_for(runtime: Runtime, invoice_id: str) -> list[OutboxMessage]:
    async with runtime.sessions() as session:
        stmt = select(OutboxMessage).where(
            OutboxMessage.invoice_id == invoice_id, OutboxMessage.channel == "email"
        )
        return list((await session.exec(stmt)).all())


# --------------------------------------------------------------------------- sendInvoice


async def test_a_draft_is_sent_once(gateway: tuple[httpx.AsyncClient, Runtime]) -> None:
    client, runtime = gateway
    draft_id = await new_invoice(client, status="DRAFT")
    draft = await read(client, draft_id)
    assert (draft["status"], draft["sentAt"]) == ("DRAFT", None)
    assert await emails_for(runtime, draft_id) == []

    sent = await send(client, draft_id)
    assert sent["userErrors"] == []
    assert sent["invoice"]["id"] == draft_id
    assert sent["invoice"]["status"] == "OPEN"
    assert sent["invoice"]["sentAt"].endswith("+00:00")
    assert len(await emails_for(runtime, draft_id)) == 1

    again = await send(client, draft_id)
    refused(again, "INVALID_TRANSITION", "Cannot change invoice status from OPEN to OPEN", None)
    assert len(await emails_for(runtime, draft_id)) == 1
    assert (await read(client, draft_id))["sentAt"] == sent["invoice"]["sentAt"]


# --------------------------------------------------------------------------- recordPayment


async def test_partial_then_full_payment(client: httpx.AsyncClient) -> None:
    invoice_id = await new_invoice(client, partial_payment=True)

    first = await pay(client, invoice_id, "1000.10")
    assert first["userErrors"] == []
    invoice = first["invoice"]
    assert (invoice["status"], invoice["paymentStatus"]) == ("PARTIALLYPAID", "PARTIAL")
    assert (invoice["total"], invoice["amountPaid"], invoice["amountDue"]) == (
        "2500.00",
        "1000.10",
        "1499.90",
    )
    assert invoice["paidAt"] is None
    transaction = first["transaction"]
    assert transaction["invoiceId"] == invoice_id
    assert (transaction["amount"], transaction["method"], transaction["reference"]) == (
        "1000.10",
        "CRYPTO",
        "tx-1",
    )
    assert invoice["transactions"] == [transaction]

    # A JSON number works as well as a string.
    rest = await pay(client, invoice_id, 1499.90, "BANK_TRANSFER", None)
    assert rest["userErrors"] == []
    paid = rest["invoice"]
    assert (paid["status"], paid["paymentStatus"]) == ("PAID", "PAID")
    assert (paid["amountPaid"], paid["amountDue"]) == ("2500.00", "0.00")
    assert paid["paidAt"] is not None and paid["paidAt"].endswith("+00:00")
    assert [t["amount"] for t in paid["transactions"]] == ["1000.10", "1499.90"]
    assert rest["transaction"] == paid["transactions"][1]
    assert rest["transaction"]["reference"] is None
    # What the mutation returned is what a later read sees.
    assert await read(client, invoice_id) == paid

    refused(
        await pay(client, invoice_id, "1"),
        "INVALID_TRANSITION",
        "Cannot record a payment on a PAID invoice",
        None,
    )
    refused(
        await send(client, invoice_id),
        "INVALID_TRANSITION",
        "Cannot change invoice status from PAID to OPEN",
        None,
    )


@pytest.mark.parametrize(
    ("overrides", "amount", "method", "code", "message", "field"),
    [
        (
            {"status": "DRAFT"},
            "10",
            "CRYPTO",
            "INVALID_TRANSITION",
            "Cannot record a payment on a DRAFT invoice",
            None,
        ),
        (
            {},
            "2500.01",
            "CRYPTO",
            "OVERPAYMENT",
            "Payment of 2500.01 exceeds the amount due of 2500.00",
            ["input", "amount"],
        ),
        (
            {},
            "100",
            "CRYPTO",
            "PARTIAL_PAYMENT_NOT_ALLOWED",
            "This invoice does not accept partial payments: pay the amount due of 2500.00",
            ["input", "amount"],
        ),
        (
            {},
            "2500",
            "CASH",
            "PAYMENT_METHOD_NOT_ACCEPTED",
            "Payment method CASH is not accepted for this invoice "
            "(accepted: CRYPTO, BANK_TRANSFER)",
            ["input", "method"],
        ),
        (
            {},
            "-5",
            "CRYPTO",
            "INVALID_INPUT",
            "amount must be a positive number",
            ["input", "amount"],
        ),
        (
            {},
            "0.001",
            "CRYPTO",
            "INVALID_INPUT",
            "amount must have at most 2 decimal places",
            ["input", "amount"],
        ),
    ],
)
async def test_refused_payments_change_nothing(
    client: httpx.AsyncClient,
    overrides: dict[str, Any],
    amount: str,
    method: str,
    code: str,
    message: str,
    field: list[str] | None,
) -> None:
    invoice_id = await new_invoice(client, **overrides)
    before = await read(client, invoice_id)
    refused(await pay(client, invoice_id, amount, method), code, message, field)
    after = await read(client, invoice_id)
    assert after == before
    assert (after["amountPaid"], after["transactions"]) == ("0.00", [])


async def test_a_paid_invoice_takes_no_more_payments(client: httpx.AsyncClient) -> None:
    invoice_id = await new_invoice(client)
    assert (await pay(client, invoice_id, "2500.00"))["invoice"]["status"] == "PAID"
    refused(
        await pay(client, invoice_id, "0.01"),
        "INVALID_TRANSITION",
        "Cannot record a payment on a PAID invoice",
        None,
    )
    assert len((await read(client, invoice_id))["transactions"]) == 1


async def test_a_too_long_reference_is_refused(client: httpx.AsyncClient) -> None:
    invoice_id = await new_invoice(client)
    refused(
        await pay(client, invoice_id, "2500", reference="x" * 201),
        "INVALID_INPUT",
        "reference must be a string of at most 200 characters",
        ["input", "reference"],
    )


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [({"method": "GOLD"}, "method"), ({"amount": "lots"}, "amount"), ({"amount": None}, "amount")],
)
async def test_payment_values_the_schema_cannot_accept(
    client: httpx.AsyncClient, changes: dict[str, Any], fragment: str
) -> None:
    variables = {"input": {"invoiceId": "inv_x", "amount": "1", "method": "CRYPTO", **changes}}
    body = (await gql(client, PAY, variables)).json()
    assert body["data"] is None
    [error] = body["errors"]
    assert fragment in error["message"]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_concurrent_payments_never_overpay(client: httpx.AsyncClient) -> None:
    invoice_id = await new_invoice(client)
    payloads = await asyncio.gather(*(pay(client, invoice_id, "2500") for _ in range(10)))
    accepted = [p for p in payloads if not p["userErrors"]]
    assert len(accepted) == 1, payloads
    codes = {e["code"] for p in payloads for e in p["userErrors"]}
    assert codes <= {"CONCURRENT_MODIFICATION", "INVALID_TRANSITION"}, codes
    final = await read(client, invoice_id)
    assert (final["status"], final["amountPaid"]) == ("PAID", "2500.00")
    assert [t["id"] for t in final["transactions"]] == [accepted[0]["transaction"]["id"]]


async def test_mutations_in_one_operation_see_each_others_changes(
    client: httpx.AsyncClient,
) -> None:
    """Mutations run in order, sharing the request's loaders: each answer is current."""
    invoice_id = await new_invoice(client, status="DRAFT", partial_payment=True)
    operation = """
    mutation Steps($id: ID!) {
      sent: sendInvoice(id: $id) { invoice { status transactions { id } } }
      first: recordPayment(input: {invoiceId: $id, amount: "100", method: CRYPTO}) {
        invoice { status amountPaid transactions { amount } }
      }
      second: recordPayment(input: {invoiceId: $id, amount: "2400", method: CRYPTO}) {
        invoice { status amountPaid amountDue transactions { amount } }
        transaction { amount }
      }
    }
    """
    result = await data(client, operation, {"id": invoice_id})
    assert result["sent"]["invoice"] == {"status": "OPEN", "transactions": []}
    assert result["first"]["invoice"] == {
        "status": "PARTIALLYPAID",
        "amountPaid": "100.00",
        "transactions": [{"amount": "100.00"}],
    }
    assert result["second"]["invoice"] == {
        "status": "PAID",
        "amountPaid": "2500.00",
        "amountDue": "0.00",
        "transactions": [{"amount": "100.00"}, {"amount": "2400.00"}],
    }
    assert result["second"]["transaction"] == {"amount": "2400.00"}


# --------------------------------------------------------------------------- updateInvoice


async def test_update_a_draft(client: httpx.AsyncClient) -> None:
    draft = (await create(client, status="DRAFT", payment_link=False))["invoice"]
    assert (draft["total"], draft["paymentLinkUrl"]) == ("2500.00", None)
    changes = {
        "name": "Renamed",
        "email": None,  # null: unchanged
        "items": [{"productId": "prod_consulting_001", "quantity": 3}],
        "taxId": "tax_550e8400-e29b-41d4-a716-446655440123",
        "paymentLink": True,
    }
    payload = await update(client, draft["id"], changes)
    assert payload["userErrors"] == []
    invoice = payload["invoice"]
    assert (invoice["name"], invoice["invoiceNumber"]) == ("Renamed", draft["invoiceNumber"])
    assert invoice["email"] == "client@example.com"  # untouched fields stay
    assert invoice["status"] == "DRAFT"
    assert invoice["items"] == [
        {"productId": "prod_consulting_001", "quantity": "3", "lineTotal": "450.00"}
    ]
    # 3 x 150.00 = 450.00; 8.5% = 38.25
    assert (invoice["subtotal"], invoice["taxAmount"], invoice["total"]) == (
        "450.00",
        "38.25",
        "488.25",
    )
    assert invoice["amountDue"] == "488.25"
    assert invoice["paymentLinkUrl"].startswith("https://pay.example/pay/")
    assert await read(client, draft["id"]) == invoice

    # Nothing given: nothing changes.
    assert (await update(client, draft["id"], {}))["invoice"] == invoice


async def test_an_open_invoice_cannot_be_updated(client: httpx.AsyncClient) -> None:
    invoice_id = await new_invoice(client)
    before = await read(client, invoice_id)
    refused(
        await update(client, invoice_id, {"name": "x"}),
        "INVALID_TRANSITION",
        "Only DRAFT invoices can be updated; this one is OPEN",
        None,
    )
    assert await read(client, invoice_id) == before


async def test_update_validation_uses_the_create_messages(client: httpx.AsyncClient) -> None:
    draft_id = await new_invoice(client, status="DRAFT")
    payload = await update(client, draft_id, {"items": [], "email": "nope"})
    assert payload["invoice"] is None
    assert sorted((e["message"], e["field"], e["code"]) for e in payload["userErrors"]) == [
        ("email must be an email", ["input", "email"], "INVALID_INPUT"),
        ("items should not be empty", ["input", "items"], "INVALID_INPUT"),
    ]


@pytest.mark.parametrize(
    ("changes", "code", "message", "field"),
    [
        (
            {"items": [{"productId": "prod_missing", "quantity": 1}]},
            "PRODUCT_NOT_FOUND",
            "Product with ID 'prod_missing' not found",
            ["input", "items", "0", "productId"],
        ),
        (
            {"customerId": "11111111-2222-3333-4444-555555555555"},
            "CUSTOMER_NOT_FOUND",
            "Customer not found",
            ["input", "customerId"],
        ),
        (
            {"dueDate": "2020-01-01"},
            "DUE_DATE_IN_PAST",
            "Due date cannot be in the past",
            ["input", "dueDate"],
        ),
        (
            {"sendDate": future(40)},
            "SEND_DATE_AFTER_DUE_DATE",
            "Send date cannot be after due date",
            ["input", "sendDate"],
        ),
    ],
)
async def test_update_business_errors(
    client: httpx.AsyncClient,
    changes: dict[str, Any],
    code: str,
    message: str,
    field: list[str],
) -> None:
    draft_id = await new_invoice(client, status="DRAFT")
    before = await read(client, draft_id)
    refused(await update(client, draft_id, changes), code, message, field)
    assert await read(client, draft_id) == before


# --------------------------------------------------------------------------- tenancy


def other_headers(credential: Any) -> dict[str, str]:
    return {"x-client-key": credential.client_key, "x-client-secret": credential.client_secret}


@pytest.mark.parametrize(
    ("operation", "variables", "name", "field"),
    [
        (SEND, {}, "sendInvoice", ["id"]),
        (
            PAY,
            {"input": {"amount": "2500", "method": "CRYPTO"}},
            "recordPayment",
            ["input", "invoiceId"],
        ),
        (UPDATE, {"input": {"name": "Mine now"}}, "updateInvoice", ["id"]),
    ],
)
async def test_unknown_and_other_apps_invoices_are_not_found(
    gateway: tuple[httpx.AsyncClient, Runtime],
    operation: str,
    variables: dict[str, Any],
    name: str,
    field: list[str],
) -> None:
    client, runtime = gateway
    draft_id = await new_invoice(client, status="DRAFT")
    before = await read(client, draft_id)
    other = await create_app_with_credential(runtime, "Other Business")

    def naming(invoice_id: str) -> dict[str, Any]:
        if "input" in variables and name == "recordPayment":
            return {"input": {**variables["input"], "invoiceId": invoice_id}}
        return {**variables, "id": invoice_id}

    attempts = [
        (naming("inv_missing"), {}),
        (naming(draft_id), other_headers(other.credential)),
    ]
    for attempt, headers in attempts:
        response = await gql(client, operation, attempt, headers)
        body = response.json()
        assert "errors" not in body, body
        refused(body["data"][name], "INVOICE_NOT_FOUND", "Invoice not found", field)
    assert await read(client, draft_id) == before


# --------------------------------------------------------------------------- with REST


async def test_changes_made_here_are_what_rest_shows(client: httpx.AsyncClient) -> None:
    draft_id = await new_invoice(client, status="DRAFT", partial_payment=True)
    url = f"/api/v0/invoices/{draft_id}"

    async def rest() -> dict[str, Any]:
        response = await client.get(url, headers=DEMO_HEADERS)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    updated = (await update(client, draft_id, {"name": "Renamed"}))["invoice"]
    assert ((await rest())["name"], (await rest())["status"]) == ("Renamed", "DRAFT")
    assert updated["status"] == "DRAFT"

    sent = (await send(client, draft_id))["invoice"]
    assert (await rest())["status"] == sent["status"] == "OPEN"

    partial = (await pay(client, draft_id, "500"))["invoice"]
    shown = await rest()
    assert shown["status"] == partial["status"] == "PARTIALLYPAID"
    assert (shown["amount_paid"], shown["amount_due"]) == (500, 2000)

    paid = (await pay(client, draft_id, "2000"))["invoice"]
    shown = await rest()
    assert shown["status"] == paid["status"] == "PAID"
    assert shown["paymentStatus"] == paid["paymentStatus"] == "PAID"
    assert [t["id"] for t in shown["transactions"]] == [t["id"] for t in paid["transactions"]]
    assert shown["paidAt"] is not None


# --------------------------------------------------------------------------- new fields


async def test_pdf_url_downloads_the_pdf(client: httpx.AsyncClient) -> None:
    invoice_id = await new_invoice(client)
    pdf_url = (await read(client, invoice_id))["pdfUrl"]
    assert pdf_url == f"https://pay.example/api/v0/invoices/{invoice_id}/pdf"
    response = await client.get(pdf_url.removeprefix("https://pay.example"), headers=DEMO_HEADERS)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


async def test_tracking_times(gateway: tuple[httpx.AsyncClient, Runtime]) -> None:
    client, runtime = gateway
    invoice_id = await new_invoice(client)
    query = "query T($id: ID!) { invoice(id: $id) { sentAt firstOpenedAt firstClickedAt } }"
    times = (await data(client, query, {"id": invoice_id}))["invoice"]
    assert times["sentAt"] is not None  # created OPEN
    assert (times["firstOpenedAt"], times["firstClickedAt"]) == (None, None)

    async with runtime.sessions() as session:
        invoice = (await session.exec(select(Invoice).where(Invoice.id == invoice_id))).one()
        token = invoice.tracking_token
    assert token is not None
    assert (await client.get(f"/t/o/{token}.gif")).status_code == 200
    assert (await client.get(f"/t/c/{token}")).status_code == 302

    times = (await data(client, query, {"id": invoice_id}))["invoice"]
    assert times["firstOpenedAt"].endswith("+00:00")
    assert times["firstClickedAt"].endswith("+00:00")
