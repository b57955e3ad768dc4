"""An invoice's currency: the v0 value (usdc, eurc), the spelling the invoice column
holds (USDC, EURC: what every invoice has held since the column was added), and which
product prices an invoice in it can take."""

from __future__ import annotations

from gateway.domain.resource_enums import InvoiceCurrency, denomination

DEFAULT_CURRENCY = InvoiceCurrency.USDC


def stored_currency(currency: InvoiceCurrency) -> str:
    return currency.value.upper()


def invoice_currency(stored: str) -> InvoiceCurrency:
    """The currency of a stored invoice; USDC for a value no longer known."""
    try:
        return InvoiceCurrency(stored.lower())
    except ValueError:
        return DEFAULT_CURRENCY


def can_price(currency: InvoiceCurrency, product_currency: str) -> bool:
    """Whether a product priced in `product_currency` may be a line of an invoice in
    `currency`: the same denomination (USD for usdc, EUR for eurc), never a relabel."""
    return denomination(product_currency) == denomination(currency.value)
