"""The credit note email: text + HTML alternative, the credit note PDF attached; the
sender, Message-ID and language as the invoice email has them
(gateway.delivery.email_message)."""

from __future__ import annotations

from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from html import escape

from gateway.db.credit_note_views import CreditNoteView
from gateway.delivery.credit_note_pdf import credit_note_pdf_filename
from gateway.delivery.credit_wording import credit_words
from gateway.delivery.email_message import SENDER_MAILBOX, sender_domain
from gateway.delivery.wording import words
from gateway.domain.formatting import language, money


def _locale(view: CreditNoteView) -> str | None:
    return view.customer.locale if view.customer is not None else None


def credit_note_subject(view: CreditNoteView) -> str:
    subject = credit_words(_locale(view))["subject"]
    return " ".join(subject.format(number=view.note.credit_note_number, app=view.app_name).split())


def _paragraphs(view: CreditNoteView) -> list[str]:
    note, invoice = view.note, view.invoice
    locale = _locale(view)
    said, credit = words(locale), credit_words(locale)
    opening = credit["opening"].format(
        app=view.app_name, number=note.credit_note_number, invoice=invoice.invoice_number
    )
    return [
        said["greeting"],
        opening,
        f"{credit['credited']}: {money(note.total, note.currency, locale)}",
        f"{said['amount_due']}: {money(invoice.amount_due, invoice.currency, locale)}",
        credit["attached"],
        view.app_name,
    ]


def build_credit_note_email(
    view: CreditNoteView,
    *,
    outbox_message_id: str,
    public_base_url: str,
    pdf: bytes,
    now: datetime,
) -> EmailMessage:
    domain = sender_domain(public_base_url)
    message = EmailMessage()
    message["From"] = Address(" ".join(view.app_name.split()), SENDER_MAILBOX, domain)
    message["To"] = " ".join(view.invoice.email.split())
    message["Subject"] = credit_note_subject(view)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = f"<{outbox_message_id}@{domain}>"
    paragraphs = _paragraphs(view)
    message.set_content("\n\n".join(paragraphs) + "\n")
    lang = language(_locale(view))
    html = "".join(f"<p>{escape(text)}</p>" for text in paragraphs)
    message.add_alternative(
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{escape(credit_note_subject(view))}</title></head>"
        f'<body style="font-family:system-ui,sans-serif;line-height:1.5">{html}</body></html>',
        subtype="html",
    )
    message.add_attachment(
        pdf,
        maintype="application",
        subtype="pdf",
        filename=credit_note_pdf_filename(view.note.credit_note_number),
    )
    message["Content-Language"] = lang
    return message
