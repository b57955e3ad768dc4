"""Discounts and free-form lines over GraphQL: previewInvoice, createInvoice and
updateInvoice agree with each other and with REST; refusals are userErrors with a path."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

import httpx

from gateway.domain.money import round_money
from tests.apptest import DEMO_HEADERS, basic_invoice
from tests.delivery.test_invoice_pdf import pdf_text
from tests.graphql.helpers import data, invoice_input

TAX_ID = "tax_550e8400-e29b-41d4-a716-446655440123"  # Standard Sales Tax, 8.5 %
PRODUCT = "prod_123456789"  # Website Development, 2500.00
LINE = """productId name quantity unitPrice lineTotal discount { type value }
  discountAmount invoiceDiscountAmount netTotal"""
ERRORS = "userErrors { field message code }"

PREVIEW = f"""
query Preview($input: CreateInvoiceInput!) {{
  previewInvoice(input: $input) {{
    preview {{
      lines {{ {LINE} product {{ name }} }}
      subtotal discount {{ type value }} discountAmount invoiceDiscountAmount
      subtotalExcludingTax taxAmount total
    }}
    {ERRORS}
  }}
}}
"""
INVOICE = f"""id subtotal discount {{ type value }} discountAmount taxAmount total amountDue
  items {{ {LINE} product {{ name }} }}"""
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


def discounted(**overrides: Any) -> dict[str, Any]:
    return invoice_input(
        taxId=TAX_ID,
        items=[
            {"product_id": PRODUCT, "quantity": 2, "discount": {"type": "PERCENTAGE", "value": 10}},
            {"description": "Rush fee", "unit_price": "150", "quantity": 1},
        ],
        discount={"type": "FIXED", "value": "100"},
        **overrides,
    )


EXPECTED_LINES = [
    {
        "productId": PRODUCT,
        "name": "Website Development",
        "quantity": "2",
        "unitPrice": "2500.00",
        "lineTotal": "5000.00",
        "discount": {"type": "PERCENTAGE", "value": "10"},
        "discountAmount": "500.00",
        "invoiceDiscountAmount": "96.77",
        "netTotal": "4403.23",
        "product": {"name": "Website Development"},
    },
    {
        "productId": None,
        "name": "Rush fee",
        "quantity": "1",
        "unitPrice": "150.00",
        "lineTotal": "150.00",
        "discount": None,
        "discountAmount": "0.00",
        "invoiceDiscountAmount": "3.23",
        "netTotal": "146.77",
        "product": None,
    },
]


async def test_preview_create_and_read_agree(client: httpx.AsyncClient) -> None:
    previewed = (await data(client, PREVIEW, {"input": discounted()}))["previewInvoice"]
    assert previewed["userErrors"] == []
    preview = previewed["preview"]
    assert preview["lines"] == EXPECTED_LINES
    assert {key: preview[key] for key in ("subtotal", "discountAmount", "total")} == {
        "subtotal": "5150.00",
        "discountAmount": "600.00",
        "total": "4936.75",
    }
    assert (preview["invoiceDiscountAmount"], preview["subtotalExcludingTax"]) == (
        "100.00",
        "4550.00",
    )
    assert (preview["discount"], preview["taxAmount"]) == (
        {"type": "FIXED", "value": "100"},
        "386.75",
    )

    created = (await data(client, CREATE, {"input": discounted()}))["createInvoice"]
    assert created["userErrors"] == []
    invoice = created["invoice"]
    assert invoice["items"] == EXPECTED_LINES
    assert (invoice["subtotal"], invoice["discountAmount"], invoice["taxAmount"]) == (
        "5150.00",
        "600.00",
        "386.75",
    )
    assert invoice["total"] == invoice["amountDue"] == preview["total"]
    assert invoice["discount"] == {"type": "FIXED", "value": "100"}


async def test_update_replaces_the_discount_and_items(client: httpx.AsyncClient) -> None:
    created = (await data(client, CREATE, {"input": discounted(status="DRAFT")}))["createInvoice"]
    invoice_id = created["invoice"]["id"]
    changes = {
        "discount": {"type": "PERCENTAGE", "value": "50"},
        "items": [{"description": "Audit", "unitPrice": "99.99", "quantity": "3"}],
    }
    updated = (await data(client, UPDATE, {"id": invoice_id, "input": changes}))["updateInvoice"]
    assert updated["userErrors"] == []
    invoice = updated["invoice"]
    # 299.97 less 50% = 149.985 -> 149.99 off, 149.98 left; tax 8.5% = 12.7483 -> 12.75.
    assert [item["name"] for item in invoice["items"]] == ["Audit"]
    assert (invoice["subtotal"], invoice["discountAmount"], invoice["taxAmount"]) == (
        "299.97",
        "149.99",
        "12.75",
    )
    assert invoice["total"] == "162.73"
    removed = {"removeDiscount": True}
    updated = (await data(client, UPDATE, {"id": invoice_id, "input": removed}))["updateInvoice"]
    invoice = updated["invoice"]
    assert (invoice["discount"], invoice["discountAmount"], invoice["total"]) == (
        None,
        "0.00",
        "325.47",  # 299.97 + 8.5% (25.49745 -> 25.50)
    )


async def test_refusals_are_user_errors_with_their_path(client: httpx.AsyncClient) -> None:
    cases = [
        (
            {"discount": {"type": "FIXED", "value": "4650.01"}},
            [["input", "discount"]],
            "DISCOUNT_EXCEEDS_AMOUNT",
        ),
        (
            {
                "items": [
                    {
                        "productId": PRODUCT,
                        "quantity": 1,
                        "discount": {"type": "FIXED", "value": "2500.01"},
                    }
                ]
            },
            [["input", "items", "0", "discount"]],
            "DISCOUNT_EXCEEDS_AMOUNT",
        ),
        (
            {"discount": {"type": "PERCENTAGE", "value": "101"}},
            [["input", "discount", "value"]],
            "INVALID_INPUT",
        ),
        (
            {"items": [{"description": "Fee", "quantity": 1}]},
            [["input", "items", "0", "unitPrice"]],
            "INVALID_INPUT",
        ),
        (
            {"items": [{"productId": PRODUCT, "description": "Fee", "quantity": 1}]},
            [["input", "items", "0", "description"]],
            "INVALID_INPUT",
        ),
        (
            {"items": [{"quantity": 1}]},
            [["input", "items", "0", "productId"]],
            "INVALID_INPUT",
        ),
        (
            {"items": [{"description": "x" * 201, "unitPrice": "0", "quantity": 1}]},
            [["input", "items", "0", "description"], ["input", "items", "0", "unitPrice"]],
            "INVALID_INPUT",
        ),
    ]
    for change, fields, code in cases:
        for query, root in ((CREATE, "createInvoice"), (PREVIEW, "previewInvoice")):
            payload = (await data(client, query, {"input": {**discounted(), **change}}))[root]
            errors = payload["userErrors"]
            assert [error["field"] for error in errors] == fields, (change, errors)
            assert {error["code"] for error in errors} == {code}, errors
            assert payload.get("invoice", payload.get("preview")) is None


READ = """query Read($id: ID!) {
  invoice(id: $id) { subtotal discountAmount taxAmount total amountDue items { netTotal } }
}"""


def random_invoice(rng: random.Random) -> dict[str, Any]:
    """Up to four items, a product's or free-form, each with a discount or none, and one
    on the invoice; a fixed one at most what its line (the invoice: its lines) comes to
    before discounts, so some invoice discounts are refused and the rest are not."""

    def discount(cap: Decimal) -> dict[str, Any] | None:
        kind = rng.choice([None, "PERCENTAGE", "FIXED"])
        if kind is None:
            return None
        if kind == "PERCENTAGE":
            return {"type": kind, "value": float(Decimal(rng.randint(1, 1000000)) / 10000)}
        return {"type": kind, "value": float(Decimal(rng.randint(1, int(cap * 100))) / 100)}

    items: list[dict[str, Any]] = []
    amounts = Decimal(0)
    for _ in range(rng.randint(1, 4)):
        quantity = Decimal(rng.randint(1, 50000)) / 1000
        price = Decimal(2500) if rng.random() < 0.5 else Decimal(rng.randint(1, 99999)) / 100
        amount = round_money(quantity * price)
        if price == 2500:
            item: dict[str, Any] = {"product_id": PRODUCT, "quantity": float(quantity)}
        else:
            item = {"description": "Work", "unit_price": float(price), "quantity": float(quantity)}
        item["discount"] = discount(max(amount, Decimal("0.01")))
        items.append(item)
        amounts += amount
    return basic_invoice(taxId=TAX_ID, items=items, discount=discount(amounts))


async def test_rest_graphql_and_the_pdf_agree_to_the_cent(client: httpx.AsyncClient) -> None:
    rng = random.Random(15)
    created = 0
    for _ in range(12):
        body = random_invoice(rng)
        response = await client.post("/api/v0/invoices", json=body, headers=DEMO_HEADERS)
        if response.status_code == 400:
            assert "a discount cannot make it negative" in response.json()["message"]
            continue
        assert response.status_code == 201, response.text
        created += 1
        rest = response.json()
        shown = (await data(client, READ, {"id": rest["id"]}))["invoice"]
        for rest_name, graphql_name in (
            ("subtotal", "subtotal"),
            ("discount_amount", "discountAmount"),
            ("tax_amount", "taxAmount"),
            ("total", "total"),
            ("amount_due", "amountDue"),
        ):
            assert Decimal(str(rest[rest_name])) == Decimal(shown[graphql_name]), rest_name
        nets = sum((Decimal(item["netTotal"]) for item in shown["items"]), Decimal(0))
        assert nets == Decimal(shown["subtotal"]) - Decimal(shown["discountAmount"])
        assert Decimal(shown["total"]) == nets + Decimal(shown["taxAmount"]) >= 0
        pdf = await client.get(f"/api/v0/invoices/{rest['id']}/pdf", headers=DEMO_HEADERS)
        total = f"{Decimal(shown['total']):,.2f}"
        assert f"Total {total} USDC" in pdf_text(pdf.content).splitlines()
    assert created >= 6
