"""The invoice and reminder emails: text + HTML alternative, the PDF attached."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from html import escape
from ipaddress import ip_address
from urllib.parse import urlsplit

from gateway.db.invoice_views import InvoiceView
from gateway.delivery.pdf import invoice_pdf_filename
from gateway.links import click_url, open_pixel_url
from gateway.services.events import EmailKind

SENDER_MAILBOX = "invoices"


def _one_line(text: str) -> str:
    # Header values may not hold line breaks (the email policy raises on them).
    return " ".join(text.split())


def sender_domain(public_base_url: str) -> str:
    """The host the gateway is reached at: From and Message-ID live under it.

    An IP address becomes an address literal ("[127.0.0.1]"), the only form of it a
    mail address may carry.
    """
    host = urlsplit(public_base_url).hostname or "localhost"
    try:
        ip = ip_address(host)
    except ValueError:
        return host
    return f"[{ip}]" if ip.version == 4 else f"[IPv6:{ip}]"


def email_subject(view: InvoiceView, kind: EmailKind) -> str:
    number = view.invoice.invoice_number
    if kind is EmailKind.REMINDER:
        return _one_line(f"Reminder: invoice {number} is past due")
    return _one_line(f"Invoice {number} from {view.app_name}")


def build_invoice_email(
    view: InvoiceView,
    kind: EmailKind,
    *,
    outbox_message_id: str,
    public_base_url: str,
    pdf: bytes,
    now: datetime,
) -> EmailMessage:
    """One email for one outbox row.

    The Message-ID comes from the outbox row, so every retry of that row carries the
    same one and a receiving server (or the customer's client) can drop a duplicate.
    """
    inv = view.invoice
    domain = sender_domain(public_base_url)
    link = click_url(public_base_url, inv.tracking_token) if inv.tracking_token else None
    amount_due = inv.amount_due

    message = EmailMessage()
    message["From"] = Address(_one_line(view.app_name), SENDER_MAILBOX, domain)
    message["To"] = _one_line(inv.email)
    message["Subject"] = email_subject(view, kind)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = f"<{outbox_message_id}@{domain}>"
    message.set_content(_text_body(view, kind, amount_due, link))
    pixel = open_pixel_url(public_base_url, inv.tracking_token) if inv.tracking_token else None
    message.add_alternative(_html_body(view, kind, amount_due, link, pixel), subtype="html")
    message.add_attachment(
        pdf,
        maintype="application",
        subtype="pdf",
        filename=invoice_pdf_filename(inv.invoice_number),
    )
    return message


def _opening(view: InvoiceView, kind: EmailKind) -> str:
    inv = view.invoice
    if kind is EmailKind.REMINDER:
        return (
            f"This is a reminder that invoice {inv.invoice_number} ({inv.name}) "
            f"was due on {inv.due_date.isoformat()} and has not been paid in full."
        )
    return f"{view.app_name} has sent you invoice {inv.invoice_number}: {inv.name}."


def _text_body(view: InvoiceView, kind: EmailKind, amount_due: Decimal, link: str | None) -> str:
    inv = view.invoice
    lines = [
        "Hello,",
        "",
        _opening(view, kind),
        "",
        f"Amount due: {amount_due:.2f} {inv.currency}",
        f"Due date: {inv.due_date.isoformat()}",
        "",
    ]
    if link is not None:
        lines += ["View and pay the invoice online:", link, ""]
    lines += ["The invoice is attached as a PDF.", "", view.app_name]
    return "\n".join(lines) + "\n"


def _html_body(
    view: InvoiceView,
    kind: EmailKind,
    amount_due: Decimal,
    link: str | None,
    pixel: str | None,
) -> str:
    inv = view.invoice
    button = (
        ""
        if link is None
        else f'<p><a href="{escape(link)}" style="display:inline-block;padding:.6em 1.2em;'
        'background:#1f4fa0;color:#fff;text-decoration:none;border-radius:4px">'
        "View and pay the invoice</a></p>"
    )
    image = "" if pixel is None else f'<img src="{escape(pixel)}" width="1" height="1" alt="">'
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(email_subject(view, kind))}</title></head>"
        '<body style="font-family:system-ui,sans-serif;line-height:1.5">'
        f"<p>Hello,</p><p>{escape(_opening(view, kind))}</p>"
        f"<p>Amount due: <strong>{amount_due:.2f} {escape(inv.currency)}</strong><br>"
        f"Due date: <strong>{inv.due_date.isoformat()}</strong></p>"
        f"{button}<p>The invoice is attached as a PDF.</p>"
        f"<p>{escape(view.app_name)}</p>{image}</body></html>"
    )
