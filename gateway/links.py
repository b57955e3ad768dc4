"""The public URLs the gateway hands out, built in one place from PUBLIC_BASE_URL."""

from __future__ import annotations

from urllib.parse import quote


def payment_link_url(public_base_url: str, token: str | None) -> str | None:
    """The payment page (gateway.pages.payment); None when the invoice has no link."""
    return None if token is None else f"{public_base_url}/pay/{token}"


def invoice_pdf_url(public_base_url: str, invoice_id: str) -> str:
    """The PDF download (gateway.rest.invoice_pdf), which takes the API credentials."""
    return f"{public_base_url}/api/v0/invoices/{quote(invoice_id, safe='')}/pdf"


def credit_note_pdf_url(public_base_url: str, credit_note_id: str) -> str:
    """The credit note PDF download (gateway.rest.credit_notes), with the API credentials."""
    return f"{public_base_url}/api/v0/credit_notes/{quote(credit_note_id, safe='')}/pdf"


def click_url(public_base_url: str, tracking_token: str) -> str:
    """The email's link: records the first click, then redirects (gateway.pages.tracking)."""
    return f"{public_base_url}/t/c/{tracking_token}"


def open_pixel_url(public_base_url: str, tracking_token: str) -> str:
    return f"{public_base_url}/t/o/{tracking_token}.gif"
