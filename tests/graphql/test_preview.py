"""previewInvoice: createInvoice's validation and arithmetic, nothing stored."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import func
from sqlmodel import select

from gateway.db.tables import App, Invoice
from gateway.runtime import Runtime
from gateway.services.demo import DEMO_APP_ID
from tests.graphql.helpers import create, data, invoice_input, to_input
from tests.spec_examples import SPEC_EXAMPLES

PREVIEW = """
query Preview($input: CreateInvoiceInput!) {
  previewInvoice(input: $input) {
    preview {
      lines { productId quantity unitPrice lineTotal product { name } }
      subtotal subtotalExcludingTax taxAmount total
      taxes { name amount }
      customer { name } wallet { id } tax { id }
    }
    userErrors { field message code }
  }
}
"""


async def preview(client: httpx.AsyncClient, body: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = (await data(client, PREVIEW, {"input": body}))["previewInvoice"]
    return result


async def test_preview_matches_what_create_then_stores(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, runtime = gateway
    body = SPEC_EXAMPLES["curl-comprehensive"]
    result = await preview(client, to_input(body))
    assert result["userErrors"] == []
    shown = result["preview"]
    assert (shown["subtotal"], shown["taxAmount"], shown["total"]) == (
        "16050.00",
        "1364.25",
        "17414.25",
    )
    assert shown["subtotalExcludingTax"] == "16050.00"
    assert shown["taxes"] == [{"name": "Standard Sales Tax", "amount": "1364.25"}]
    assert shown["lines"][0] == {
        "productId": "prod_consulting_001",
        "quantity": "40",
        "unitPrice": "150.00",
        "lineTotal": "6000.00",
        "product": {"name": "Consulting (per hour)"},
    }
    assert shown["customer"] == {"name": "John Doe"}
    async with runtime.sessions() as session:
        assert (await session.exec(select(func.count()).select_from(Invoice))).one() == 0
        app = await session.get(App, DEMO_APP_ID)
        assert app is not None and app.invoice_counter == 0  # no number used

    created = (await create(client, **body))["invoice"]
    assert (created["subtotal"], created["taxAmount"], created["total"]) == (
        shown["subtotal"],
        shown["taxAmount"],
        shown["total"],
    )


async def test_inclusive_and_compound_taxes(client: httpx.AsyncClient) -> None:
    inclusive = await preview(client, invoice_input(taxId="tax_vat_inclusive_20"))
    assert inclusive["preview"]["total"] == "2500.00"
    assert inclusive["preview"]["subtotalExcludingTax"] == "2083.33"
    assert inclusive["preview"]["taxAmount"] == "416.67"
    compound = await preview(client, invoice_input(taxId="tax_compound_gst_pst"))
    assert [t["name"] for t in compound["preview"]["taxes"]] == ["GST", "PST"]


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"customer_id": "11111111-2222-3333-4444-555555555555"}, "CUSTOMER_NOT_FOUND"),
        ({"walletId": "wallet_missing"}, "WALLET_NOT_FOUND"),
        ({"items": [{"product_id": "prod_invalid", "quantity": 1}]}, "PRODUCT_NOT_FOUND"),
        ({"taxId": "tax_missing"}, "TAX_NOT_FOUND"),
        ({"due_date": "2020-01-01"}, "DUE_DATE_IN_PAST"),
        ({"customer_id": "not-a-uuid"}, "INVALID_INPUT"),
    ],
)
async def test_preview_reports_the_same_errors(
    client: httpx.AsyncClient, overrides: dict[str, Any], code: str
) -> None:
    result = await preview(client, invoice_input(**overrides))
    assert result["preview"] is None
    assert [error["code"] for error in result["userErrors"]] == [code]
