"""The invoice and reminder emails: text + HTML alternative, the PDF attached."""

from __future__ import annotations

from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from html import escape
from ipaddress import ip_address
from urllib.parse import urlsplit

from gateway.db.invoice_views import InvoiceView
from gateway.delivery.pdf import invoice_pdf_filename
from gateway.delivery.wording import Words, words
from gateway.domain.formatting import day, language, money
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


def _locale(view: InvoiceView) -> str | None:
    return view.customer.locale if view.customer is not None else None


def email_subject(view: InvoiceView, kind: EmailKind) -> str:
    said = words(_locale(view))
    number = view.invoice.invoice_number
    if kind is EmailKind.REMINDER:
        return _one_line(said["reminder_subject"].format(number=number))
    return _one_line(said["subject"].format(number=number, app=view.app_name))


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

    message = EmailMessage()
    message["From"] = Address(_one_line(view.app_name), SENDER_MAILBOX, domain)
    message["To"] = _one_line(inv.email)
    message["Subject"] = email_subject(view, kind)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = f"<{outbox_message_id}@{domain}>"
    message.set_content(_text_body(view, kind, link))
    pixel = open_pixel_url(public_base_url, inv.tracking_token) if inv.tracking_token else None
    message.add_alternative(_html_body(view, kind, link, pixel), subtype="html")
    message.add_attachment(
        pdf,
        maintype="application",
        subtype="pdf",
        filename=invoice_pdf_filename(inv.invoice_number),
    )
    # After the content: setting it drops the Content-* headers set before.
    message["Content-Language"] = language(_locale(view))
    return message


def _opening(view: InvoiceView, kind: EmailKind, said: Words) -> str:
    inv = view.invoice
    if kind is EmailKind.REMINDER:
        return said["reminder_opening"].format(
            number=inv.invoice_number, name=inv.name, due_date=day(inv.due_date, _locale(view))
        )
    return said["opening"].format(app=view.app_name, number=inv.invoice_number, name=inv.name)


def _text_body(view: InvoiceView, kind: EmailKind, link: str | None) -> str:
    inv = view.invoice
    locale = _locale(view)
    said = words(locale)
    lines = [
        said["greeting"],
        "",
        _opening(view, kind, said),
        "",
        f"{said['amount_due']}: {money(inv.amount_due, inv.currency, locale)}",
        f"{said['due_date']}: {day(inv.due_date, locale)}",
        "",
    ]
    if link is not None:
        lines += [said["view_and_pay_online"], link, ""]
    lines += [said["attached"], "", view.app_name]
    return "\n".join(lines) + "\n"


def _html_body(view: InvoiceView, kind: EmailKind, link: str | None, pixel: str | None) -> str:
    inv = view.invoice
    locale = _locale(view)
    said = words(locale)
    button = (
        ""
        if link is None
        else f'<p><a href="{escape(link)}" style="display:inline-block;padding:.6em 1.2em;'
        'background:#1f4fa0;color:#fff;text-decoration:none;border-radius:4px">'
        f"{escape(said['view_and_pay'])}</a></p>"
    )
    image = "" if pixel is None else f'<img src="{escape(pixel)}" width="1" height="1" alt="">'
    return (
        f'<!doctype html><html lang="{language(locale)}"><head><meta charset="utf-8">'
        f"<title>{escape(email_subject(view, kind))}</title></head>"
        '<body style="font-family:system-ui,sans-serif;line-height:1.5">'
        f"<p>{escape(said['greeting'])}</p><p>{escape(_opening(view, kind, said))}</p>"
        f"<p>{escape(said['amount_due'])}: "
        f"<strong>{escape(money(inv.amount_due, inv.currency, locale))}</strong><br>"
        f"{escape(said['due_date'])}: <strong>{escape(day(inv.due_date, locale))}</strong></p>"
        f"{button}<p>{escape(said['attached'])}</p>"
        f"<p>{escape(view.app_name)}</p>{image}</body></html>"
    )
