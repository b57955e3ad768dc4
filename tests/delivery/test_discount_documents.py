"""An invoice's discounts in its PDF, in each template language: each line's own under the
line, the lines' own together and the invoice's own in the summary, before the tax."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gateway.db.invoice_views import InvoiceView, ItemView
from tests.delivery.test_invoice_pdf import a_view, pdf_text, render

D = Decimal
NBSP = "\u202f"


def discounted_view(locale: str | None) -> InvoiceView:
    """2500.00, less 100.00 off the line, less 10% off the invoice (240.00); 8.5% tax."""
    view = a_view(locale=locale)
    invoice = view.invoice._replace(
        discount_type="PERCENTAGE",
        discount_value=D("10.0000"),
        discount_amount=D("340.00"),
        tax_amount=D("183.60"),
        total=D("2343.60"),
        amount_paid=D("0.00"),
    )
    entry = view.items[0]
    item = entry.item._replace(
        discount_type="FIXED",
        discount_value=D("100.0000"),
        discount_amount=D("100.00"),
        invoice_discount_amount=D("240.00"),
    )
    return InvoiceView(
        invoice=invoice,
        app_name=view.app_name,
        customer=view.customer,
        wallet=view.wallet,
        tax=view.tax,
        items=(ItemView(item, entry.product),),
        transactions=(),
    )


LINES = {
    None: [
        "Web dev 2 1,250.00 2,500.00",
        "Discount -100.00",
        "Subtotal 2,500.00 USDC",
        "Line discounts -100.00 USDC",
        "Discount 10% -240.00 USDC",
        "Standard Sales Tax 8.5% 183.60 USDC",
        "Total 2,343.60 USDC",
    ],
    "de": [
        "Rabatt -100,00",
        "Zwischensumme 2.500,00 USDC",
        "Positionsrabatte -100,00 USDC",
        "Rabatt 10% -240,00 USDC",
        "Standard Sales Tax 8,5% 183,60 USDC",
        "Gesamtbetrag 2.343,60 USDC",
    ],
    "fr": [
        "Remise -100,00",
        f"Sous-total 2{NBSP}500,00 USDC",
        "Remises sur les lignes -100,00 USDC",
        "Remise 10% -240,00 USDC",
        f"Total 2{NBSP}343,60 USDC",
    ],
    "es": [
        "Descuento -100,00",
        "Descuentos por línea -100,00 USDC",
        "Descuento 10% -240,00 USDC",
        "Standard Sales Tax 8,5% 183,60 USDC",
    ],
}


@pytest.mark.parametrize("locale", LINES)
def test_the_pdf_shows_the_discounts(locale: str | None) -> None:
    lines = pdf_text(render(discounted_view(locale), None)).splitlines()
    for expected in LINES[locale]:
        assert expected in lines, "\n".join(lines)


def test_an_invoice_without_discounts_shows_no_discount_lines() -> None:
    text = pdf_text(render(a_view(), None))
    assert "Discount" not in text
