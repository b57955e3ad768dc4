"""Discounts and free-form items over REST v0 (extension fields): created, priced before
tax, stored, shown the same in the JSON, the PDF and the payment page; refused with a
reason when they would make a line or the invoice negative."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest

from gateway.domain.create_invoice import ItemRequest
from gateway.domain.discounts import Discount, DiscountType
from gateway.domain.update_invoice import UNCHANGED
from gateway.rest.v0_invoice_body import parse_create_invoice, parse_update_invoice
from gateway.runtime import Runtime
from tests.apptest import DEMO_HEADERS, basic_invoice
from tests.delivery.test_invoice_pdf import pdf_text
from tests.rest.test_create_invoice import count_rows

URL = "/api/v0/invoices"
TAX_ID = "tax_550e8400-e29b-41d4-a716-446655440123"  # Standard Sales Tax, 8.5 %
PRODUCT = "prod_123456789"  # Website Development, 2500.00
PERCENT = DiscountType.PERCENTAGE


def discounted(**overrides: Any) -> dict[str, Any]:
    return basic_invoice(
        taxId=TAX_ID,
        items=[
            {"product_id": PRODUCT, "quantity": 2, "discount": {"type": "PERCENTAGE", "value": 10}},
            {"description": "Rush fee", "unit_price": 150, "quantity": 1},
        ],
        discount={"type": "FIXED", "value": 100},
        **overrides,
    )


async def post(client: httpx.AsyncClient, body: Any) -> httpx.Response:
    return await client.post(URL, json=body, headers=DEMO_HEADERS)


def check_amounts(invoice: dict[str, Any]) -> None:
    # 5000.00 less 10% = 4500.00; 150.00; the 100.00 off the invoice split 4500 : 150 in
    # whole cents (96.77 and 3.23); tax 8.5% of 4550.00.
    first, second = invoice["items"]
    assert (first["line_total"], first["discount_amount"]) == (5000.0, 500.0)
    assert (first["invoice_discount_amount"], first["net_total"]) == (96.77, 4403.23)
    assert first["discount"] == {"type": "PERCENTAGE", "value": 10}
    assert (second["productId"], second["product"], second["name"]) == (None, None, "Rush fee")
    assert (second["unit_price"], second["line_total"], second["discount"]) == (150.0, 150.0, None)
    assert (second["invoice_discount_amount"], second["net_total"]) == (3.23, 146.77)
    assert invoice["discount"] == {"type": "FIXED", "value": 100}
    assert (invoice["subtotal"], invoice["discount_amount"]) == (5150.0, 600.0)
    assert (invoice["tax_amount"], invoice["total"], invoice["amount_due"]) == (
        386.75,
        4936.75,
        4936.75,
    )


async def test_discounts_and_a_free_form_item_are_priced_stored_and_shown(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, _ = gateway
    response = await post(client, discounted())
    assert response.status_code == 201, response.text
    created = response.json()
    check_amounts(created)
    check_amounts((await client.get(f"{URL}/{created['id']}", headers=DEMO_HEADERS)).json())

    pdf = await client.get(f"{URL}/{created['id']}/pdf", headers=DEMO_HEADERS)
    lines = pdf_text(pdf.content).splitlines()
    for expected in (
        "Website Development 2 2,500.00 5,000.00",
        "Discount 10% -500.00",
        "Rush fee 1 150.00 150.00",
        "Subtotal 5,150.00 USDC",
        "Line discounts -500.00 USDC",
        "Discount -100.00 USDC",
        "Standard Sales Tax 8.5% 386.75 USDC",
        "Total 4,936.75 USDC",
    ):
        assert expected in lines, "\n".join(lines)

    page = (await client.get(created["payment_link_url"].removeprefix("https://pay.example"))).text
    assert "<tr><td>Rush fee<br>" in page
    assert "2,500.00 USDC, Discount 10% -500.00 USDC" in page
    assert '<th scope="row">Discount</th><td class="n">-100.00 USDC</td>' in page
    assert '<th scope="row">Line discounts</th><td class="n">-500.00 USDC</td>' in page


async def test_a_draft_edit_changes_and_clears_discounts(client: httpx.AsyncClient) -> None:
    draft = (await post(client, discounted(status="DRAFT"))).json()
    url = f"{URL}/{draft['id']}"
    edited = await client.put(
        url, json={"discount": {"type": "PERCENTAGE", "value": 50}}, headers=DEMO_HEADERS
    )
    assert edited.status_code == 200, edited.text
    invoice = edited.json()
    # The items as stored (the free-form one too) priced again: 4650.00 less 50%.
    assert [item["name"] for item in invoice["items"]] == ["Website Development", "Rush fee"]
    assert (invoice["discount_amount"], invoice["total"]) == (2825.0, 2522.63)
    cleared = await client.put(url, json={"discount": None}, headers=DEMO_HEADERS)
    invoice = cleared.json()
    assert (invoice["discount"], invoice["discount_amount"]) == (None, 500.0)
    assert invoice["total"] == round(4650 * 1.085, 2)


REFUSALS = [
    (
        {
            "items": [
                {
                    "product_id": PRODUCT,
                    "quantity": 1,
                    "discount": {"type": "FIXED", "value": 2500.01},
                }
            ]
        },
        "The discount at items.0.discount (2500.01) is more than items.0 comes to before it "
        "(2500.00); a discount cannot make it negative",
    ),
    (
        {"discount": {"type": "FIXED", "value": 5150.01}},
        "The discount at discount (5150.01) is more than the invoice comes to before it "
        "(4650.00); a discount cannot make it negative",
    ),
    (
        {"discount": {"type": "PERCENTAGE", "value": 100.5}},
        ["discount.value must not be greater than 100"],
    ),
    (
        {"discount": {"type": "FIXED", "value": 0.001}},
        ["discount.value must not be less than 0.01"],
    ),
    (
        {"discount": {"type": "FIXED", "value": 1.234}},
        ["discount.value must have at most 2 decimal places"],
    ),
    (
        {"discount": {"type": "HALF", "value": 1}},
        ["discount.type must be one of the following values: PERCENTAGE, FIXED"],
    ),
    (
        {"discount": {"type": "FIXED", "value": "1"}},
        ["discount.value must be a number conforming to the specified constraints"],
    ),
    ({"discount": {"type": "FIXED", "value": -1}}, ["discount.value must be a positive number"]),
    ({"discount": 5}, ["discount must be an object"]),
    (
        {"items": [{"description": "Fee", "quantity": 1}]},
        [
            "items.0.unit_price should not be empty",
            "items.0.unit_price must be a number conforming to the specified constraints",
        ],
    ),
    (
        {"items": [{"unit_price": 5, "quantity": 1}]},
        ["items.0.description should not be empty", "items.0.description must be a string"],
    ),
    (
        {"items": [{"description": "", "unit_price": 0, "quantity": 0}]},
        [
            "items.0.description should not be empty",
            "items.0.unit_price must not be less than 0.01",
            "items.0.quantity must be a positive number",
        ],
    ),
    (
        {"items": [{"description": "Fee", "unit_price": 1.001, "quantity": 1}]},
        ["items.0.unit_price must have at most 2 decimal places"],
    ),
    (
        {"items": [{"product_id": PRODUCT, "description": "Fee", "unit_price": 5, "quantity": 1}]},
        [
            "items.0.description must be left out when product_id is given",
            "items.0.unit_price must be left out when product_id is given",
        ],
    ),
    (
        {"items": [{"quantity": 1}]},
        ["items.0.product_id should not be empty", "items.0.product_id must be a string"],
    ),
]


@pytest.mark.parametrize(("change", "message"), REFUSALS)
async def test_refused_with_the_reason_and_nothing_written(
    gateway: tuple[httpx.AsyncClient, Runtime], change: dict[str, Any], message: Any
) -> None:
    client, runtime = gateway
    before = await count_rows(runtime)
    response = await post(client, {**discounted(), **change})
    assert response.status_code == 400, response.text
    assert response.json() == {"statusCode": 400, "message": message, "error": "Bad Request"}
    assert await count_rows(runtime) == before


async def test_an_edit_that_would_go_negative_is_refused(client: httpx.AsyncClient) -> None:
    draft = (await post(client, discounted(status="DRAFT"))).json()
    url = f"{URL}/{draft['id']}"
    refused = await client.put(
        url, json={"discount": {"type": "FIXED", "value": 4650.01}}, headers=DEMO_HEADERS
    )
    assert refused.status_code == 400
    assert "a discount cannot make it negative" in refused.json()["message"]
    assert (await client.get(url, headers=DEMO_HEADERS)).json()["discount"] == {
        "type": "FIXED",
        "value": 100,
    }


async def test_an_invoice_without_discounts_reads_as_before(client: httpx.AsyncClient) -> None:
    invoice = (await post(client, basic_invoice())).json()
    assert (invoice["discount"], invoice["discount_amount"]) == (None, 0.0)
    item = invoice["items"][0]
    assert (item["productId"], item["discount"], item["net_total"]) == (PRODUCT, None, 2500.0)
    assert invoice["subtotal"] == invoice["total"] == 2500.0


def test_the_v0_parser_builds_discounts_and_free_form_items() -> None:
    command = parse_create_invoice(discounted())
    product, free_form = command.items
    assert product == ItemRequest(PRODUCT, Decimal(2), discount=Discount(PERCENT, Decimal(10)))
    assert free_form == ItemRequest(None, Decimal(1), "Rush fee", Decimal(150))
    assert command.discount == Discount(DiscountType.FIXED, Decimal(100))
    assert parse_create_invoice(basic_invoice()).discount is None
    # An edit: null clears the discount, absent leaves it.
    assert parse_update_invoice({"discount": None}).discount is None
    assert parse_update_invoice({}).discount is UNCHANGED
