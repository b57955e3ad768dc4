"""Decimal inputs are read exactly, given as a JSON number in the variables or as a
literal in the query: a number a float cannot hold is judged by its digits."""

from __future__ import annotations

from typing import Any

import httpx
import orjson

from tests.apptest import DEMO_HEADERS
from tests.graphql.helpers import URL, data, invoice_input
from tests.graphql.test_lifecycle_mutations import PAY, new_invoice, read

# As a float, 2500.0: the full amount due of the basic invoice.
INEXACT_AMOUNT = "2499.9999999999999999"
INEXACT_QUANTITY = "1.00000000000000000001"
NOT_CENTS = {
    "field": ["input", "amount"],
    "message": "amount must have at most 2 decimal places",
    "code": "INVALID_INPUT",
}


async def post_raw(client: httpx.AsyncClient, body: bytes) -> dict[str, Any]:
    headers = {**DEMO_HEADERS, "Content-Type": "application/json"}
    response = await client.post(URL, content=body, headers=headers)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    assert "errors" not in result, result
    return result["data"]


def with_number(value: Any, digits: str) -> bytes:
    """`value` as JSON, its "@" string a JSON number of `digits`."""
    return orjson.dumps(value).replace(b'"@"', digits.encode())


async def test_an_inexact_amount_variable_is_refused(client: httpx.AsyncClient) -> None:
    invoice_id = await new_invoice(client)
    variables = {"input": {"invoiceId": invoice_id, "amount": "@", "method": "CRYPTO"}}
    body = with_number({"query": PAY, "variables": variables}, INEXACT_AMOUNT)
    payload = (await post_raw(client, body))["recordPayment"]
    assert (payload["invoice"], payload["userErrors"]) == (None, [NOT_CENTS])
    after = await read(client, invoice_id)
    assert (after["status"], after["amountPaid"], after["transactions"]) == ("OPEN", "0.00", [])


async def test_an_inexact_amount_literal_is_refused(client: httpx.AsyncClient) -> None:
    invoice_id = await new_invoice(client)
    query = f"""
    mutation {{
      recordPayment(
        input: {{invoiceId: "{invoice_id}", amount: {INEXACT_AMOUNT}, method: CRYPTO}}
      ) {{
        invoice {{ id }} userErrors {{ field message code }}
      }}
    }}
    """
    payload = (await data(client, query))["recordPayment"]
    assert (payload["invoice"], payload["userErrors"]) == (None, [NOT_CENTS])
    assert (await read(client, invoice_id))["amountPaid"] == "0.00"


async def test_exact_amounts_as_numbers_are_taken(client: httpx.AsyncClient) -> None:
    invoice_id = await new_invoice(client, partial_payment=True)
    variables = {"input": {"invoiceId": invoice_id, "amount": "@", "method": "CRYPTO"}}
    body = with_number({"query": PAY, "variables": variables}, "1000.10")
    payload = (await post_raw(client, body))["recordPayment"]
    assert payload["userErrors"] == [] and payload["invoice"]["amountPaid"] == "1000.10"
    query = f"""
    mutation {{
      recordPayment(
        input: {{invoiceId: "{invoice_id}", amount: 1499.90000000000000000000, method: CRYPTO}}
      ) {{
        invoice {{ status amountPaid }} userErrors {{ field message code }}
      }}
    }}
    """
    paid = (await data(client, query))["recordPayment"]
    assert paid["userErrors"] == [] and paid["invoice"] == {
        "status": "PAID",
        "amountPaid": "2500.00",
    }


async def test_an_inexact_quantity_is_refused(client: httpx.AsyncClient) -> None:
    mutation = """
    mutation Create($input: CreateInvoiceInput!) {
      createInvoice(input: $input) { invoice { id } userErrors { field message code } }
    }
    """
    invoice = invoice_input(items=[{"product_id": "prod_123456789", "quantity": "@"}])
    body = with_number({"query": mutation, "variables": {"input": invoice}}, INEXACT_QUANTITY)
    payload = (await post_raw(client, body))["createInvoice"]
    assert payload["invoice"] is None
    assert payload["userErrors"] == [
        {
            "field": ["input", "items", "0", "quantity"],
            "message": "items.0.quantity must have at most 4 decimal places",
            "code": "INVALID_INPUT",
        }
    ]
