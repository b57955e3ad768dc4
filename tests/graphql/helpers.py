"""Calling /graphql in tests, and the v0 example bodies as CreateInvoiceInput values."""

from __future__ import annotations

from typing import Any

import httpx
from strawberry.utils.str_converters import to_camel_case

from gateway.settings import Settings
from tests.apptest import DEMO_HEADERS, basic_invoice

URL = "/graphql"

CREATE = """
mutation Create($input: CreateInvoiceInput!, $key: String) {
  createInvoice(input: $input, idempotencyKey: $key) {
    invoice {
      id invoiceNumber status total subtotal taxAmount paymentLinkUrl
      items { productId quantity lineTotal }
    }
    userErrors { field message code }
    replayed
  }
}
"""


def to_input(body: dict[str, Any]) -> dict[str, Any]:
    """A v0 request body as a CreateInvoiceInput variable value: the same fields,
    camelCased as Strawberry names them."""
    result: dict[str, Any] = {}
    for key, value in body.items():
        if key == "items":
            value = [{to_camel_case(k): v for k, v in item.items()} for item in value]
        result[to_camel_case(key)] = value
    return result


def invoice_input(**overrides: Any) -> dict[str, Any]:
    return to_input(basic_invoice(**overrides))


def answer(data: dict[str, Any], cost: int = 0) -> dict[str, Any]:
    """A whole answer without errors: its data, and the cost the operation was measured at
    against the default budget (schema.cost_limit)."""
    budget = Settings.graphql_max_cost
    return {"data": data, "extensions": {"cost": {"requested": cost, "budget": budget}}}


async def gql(
    client: httpx.AsyncClient,
    query: str,
    variables: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    body: dict[str, Any] = {"query": query}
    if variables is not None:
        body["variables"] = variables
    return await client.post(URL, json=body, headers={**DEMO_HEADERS, **(headers or {})})


async def data(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The `data` of a response that must have no errors."""
    response = await gql(client, query, variables)
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]
    return result


async def create(
    client: httpx.AsyncClient, key: str | None = None, **overrides: Any
) -> dict[str, Any]:
    """createInvoice's payload."""
    variables = {"input": invoice_input(**overrides), "key": key}
    payload: dict[str, Any] = (await data(client, CREATE, variables))["createInvoice"]
    return payload
