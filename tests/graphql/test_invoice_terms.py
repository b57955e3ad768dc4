"""GraphQL: an invoice's currency, what an issued invoice keeps of its products and tax,
and archived customers, products and taxes refused for new invoices (createInvoice,
updateInvoice, previewInvoice)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlmodel import update as sql_update

from gateway.db.tables import Customer, Invoice, InvoiceItem, Product, Tax
from gateway.runtime import Runtime
from gateway.services.demo import CUSTOMER_ID
from tests.catalogue import add_product, change
from tests.graphql.helpers import data, gql, invoice_input

TAX_ID = "tax_550e8400-e29b-41d4-a716-446655440123"  # Standard Sales Tax, 8.5 %
INVOICE = """
  id currency subtotal taxAmount total
  items { name quantity unitPrice lineTotal product { name price } }
  tax { id name rate type inclusive }
"""
ERRORS = "userErrors { field message code }"
CREATE = f"""
mutation Create($input: CreateInvoiceInput!) {{
  createInvoice(input: $input) {{ invoice {{ {INVOICE} }} {ERRORS} }}
}}
"""
UPDATE = f"""
mutation Update($id: ID!, $input: UpdateInvoiceInput!) {{
  updateInvoice(id: $id, input: $input) {{ invoice {{ {INVOICE} }} {ERRORS} }}
}}
"""
PREVIEW = f"""
query Preview($input: CreateInvoiceInput!) {{
  previewInvoice(input: $input) {{ preview {{ currency lines {{ name }} total }} {ERRORS} }}
}}
"""
READ = f"query Read($id: ID!) {{ invoice(id: $id) {{ {INVOICE} }} }}"
LIST = f"query List {{ invoices(first: 10) {{ edges {{ node {{ {INVOICE} }} }} }} }}"


async def create(client: httpx.AsyncClient, **overrides: Any) -> dict[str, Any]:
    variables = {"input": invoice_input(**overrides)}
    payload: dict[str, Any] = (await data(client, CREATE, variables))["createInvoice"]
    return payload


async def update(client: httpx.AsyncClient, invoice_id: str, **changes: Any) -> dict[str, Any]:
    variables = {"id": invoice_id, "input": changes}
    payload: dict[str, Any] = (await data(client, UPDATE, variables))["updateInvoice"]
    return payload


async def preview(client: httpx.AsyncClient, **overrides: Any) -> dict[str, Any]:
    variables = {"input": invoice_input(**overrides)}
    payload: dict[str, Any] = (await data(client, PREVIEW, variables))["previewInvoice"]
    return payload


async def invoice_count(client: httpx.AsyncClient) -> int:
    found = await data(client, "{ invoices(first: 100) { edges { node { id } } } }")
    return len(found["invoices"]["edges"])


async def test_currency_is_usdc_unless_told(gateway: tuple[httpx.AsyncClient, Runtime]) -> None:
    client, runtime = gateway
    assert (await create(client))["invoice"]["currency"] == "USDC"
    await add_product(runtime, "prod_eur", "EUR", "80.00")
    items = [{"product_id": "prod_eur", "quantity": 1}]
    created = await create(client, currency="EURC", items=items)
    assert (created["userErrors"], created["invoice"]["currency"]) == ([], "EURC")
    assert (await preview(client, currency="EURC", items=items))["preview"] == {
        "currency": "EURC",
        "lines": [{"name": "Priced in EUR"}],
        "total": "80.00",
    }


async def test_an_unknown_currency_is_refused_by_the_schema(client: httpx.AsyncClient) -> None:
    response = await gql(client, CREATE, {"input": invoice_input(currency="usdc")})
    errors = response.json()["errors"]
    assert "Value 'usdc' does not exist in 'InvoiceCurrency' enum" in errors[0]["message"]
    assert await invoice_count(client) == 0


async def test_a_product_in_another_denomination_is_a_user_error(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, runtime = gateway
    await add_product(runtime, "prod_gbp", "GBP")
    items = [
        {"product_id": "prod_123456789", "quantity": 1},
        {"product_id": "prod_gbp", "quantity": 1},
    ]
    expected = [
        {
            "field": ["input", "items", "1", "productId"],
            "message": "Product 'Priced in GBP' (prod_gbp) at items.1 is priced in GBP "
            "and cannot be invoiced in usdc",
            "code": "CURRENCY_MISMATCH",
        }
    ]
    created = await create(client, items=items)
    assert (created["invoice"], created["userErrors"]) == (None, expected)
    previewed = await preview(client, items=items)
    assert (previewed["preview"], previewed["userErrors"]) == (None, expected)
    assert await invoice_count(client) == 0

    draft = (await create(client, status="DRAFT"))["invoice"]
    refused = await update(client, draft["id"], currency="EURC")
    assert refused["userErrors"][0]["field"] == ["input", "items", "0", "productId"]
    assert refused["userErrors"][0]["code"] == "CURRENCY_MISMATCH"


async def test_an_issued_invoice_shows_what_it_was_priced_with(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, runtime = gateway
    items = [{"product_id": "prod_123456789", "quantity": 2}]
    created = (await create(client, taxId=TAX_ID, items=items))["invoice"]
    await change(runtime, Product, "prod_123456789", name="Website Rebuild", price=Decimal("9000"))
    await change(runtime, Tax, TAX_ID, name="New Sales Tax", rate=Decimal("20"))

    read = (await data(client, READ, {"id": created["id"]}))["invoice"]
    listed = (await data(client, LIST))["invoices"]["edges"][0]["node"]
    for invoice in (read, listed):
        assert invoice == {
            "id": created["id"],
            "currency": "USDC",
            "subtotal": "5000.00",
            "taxAmount": "425.00",
            "total": "5425.00",
            "items": [
                {
                    "name": "Website Development",
                    "quantity": "2",
                    "unitPrice": "2500.00",
                    "lineTotal": "5000.00",
                    "product": {"name": "Website Rebuild", "price": "9000.00"},
                }
            ],
            "tax": {
                "id": TAX_ID,
                "name": "Standard Sales Tax",
                "rate": "8.5000",
                "type": "PERCENTAGE",
                "inclusive": False,
            },
        }
    # The tax itself is shown as it is now.
    tax = await data(client, "query T($id: ID!) { tax(id: $id) { name rate } }", {"id": TAX_ID})
    assert tax["tax"] == {"name": "New Sales Tax", "rate": "20.0000"}


@pytest.mark.parametrize(
    ("model", "row_id", "values", "field", "code"),
    [
        (
            Customer,
            CUSTOMER_ID,
            {"status": "DELETED"},
            ["input", "customerId"],
            "CUSTOMER_NOT_INVOICEABLE",
        ),
        (
            Product,
            "prod_123456789",
            {"status": "INACTIVE"},
            ["input", "items", "0", "productId"],
            "PRODUCT_INACTIVE",
        ),
        (Tax, TAX_ID, {"active": False}, ["input", "taxId"], "TAX_INACTIVE"),
    ],
)
async def test_archived_rows_are_user_errors(
    gateway: tuple[httpx.AsyncClient, Runtime],
    model: type[Customer | Product | Tax],
    row_id: str,
    values: dict[str, Any],
    field: list[str],
    code: str,
) -> None:
    client, runtime = gateway
    draft = (await create(client, status="DRAFT", taxId=TAX_ID))["invoice"]
    await change(runtime, model, row_id, **values)
    for payload in (
        await create(client, taxId=TAX_ID),
        await preview(client, taxId=TAX_ID),
        await update(client, draft["id"], name="Edited"),
    ):
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, code)]
    assert await invoice_count(client) == 1


async def test_lines_from_before_names_were_kept_show_the_product_name(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, runtime = gateway
    created = (await create(client, taxId=TAX_ID))["invoice"]
    async with runtime.sessions() as session:
        await session.exec(sql_update(InvoiceItem).values(name=None))
        await session.exec(sql_update(Invoice).values(tax_snapshot=None))
        await session.commit()
    await change(runtime, Product, "prod_123456789", name="Website Rebuild")
    await change(runtime, Tax, TAX_ID, name="New Sales Tax")
    query = "query R($id: ID!) { invoice(id: $id) { items { name } tax { name } } }"
    found = await data(client, query, {"id": created["id"]})
    assert found["invoice"] == {
        "items": [{"name": "Website Rebuild"}],
        "tax": {"name": "New Sales Tax"},
    }
