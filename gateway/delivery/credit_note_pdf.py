"""The credit note as a PDF: the invoice PDF's page, fonts, heading and amount rows
(gateway.delivery.pdf), in the customer's language."""

from __future__ import annotations

from datetime import UTC
from decimal import Decimal

from gateway.db.credit_note_views import CreditNoteView
from gateway.delivery.credit_wording import CreditWords, credit_words
from gateway.delivery.fonts import PdfFonts
from gateway.delivery.logo import document_logo
from gateway.delivery.pdf import (
    DocumentPdf,
    TableLine,
    document_filename,
    lines_table,
    printable,
)
from gateway.delivery.wording import Words, words
from gateway.domain.formatting import day, money


def credit_note_pdf_filename(credit_note_number: str) -> str:
    """`credit-note-CN-000001.pdf`."""
    return document_filename("credit-note", credit_note_number)


def render_credit_note_pdf(
    view: CreditNoteView, fonts: PdfFonts, *, app_logo: str | None = None
) -> bytes:
    """The credit note as PDF bytes; the same view renders the same bytes."""
    note, invoice = view.note, view.invoice
    locale = view.customer.locale if view.customer is not None else None
    said, credit = words(locale), credit_words(locale)
    pdf = DocumentPdf(fonts)
    pdf.set_creation_date(note.created_at)
    pdf.set_title(printable(credit["credit_note_number"].format(number=note.credit_note_number)))
    pdf.set_author(printable(view.app_name))
    pdf.set_lang(locale.replace("_", "-") if locale else "en")
    pdf.add_page()

    image = document_logo(invoice.logo, app_logo)
    if image is not None:
        pdf.logo(image)
    pdf.text_line(view.app_name or credit["credit_note"], size=18, bold=True)
    title = credit["credit_note_number"].format(number=note.credit_note_number)
    pdf.text_line(title, size=13, bold=True)
    pdf.text_line(credit["for_invoice"].format(number=invoice.invoice_number), size=11)

    pdf.heading(said["dates"])
    pdf.text_line(f"{said['created']}: {day(note.created_at.astimezone(UTC).date(), locale)}")
    if note.reason is not None:
        pdf.text_line(f"{credit['reason']}: {credit['reasons'].get(note.reason, note.reason)}")
    if note.memo:
        pdf.text_line(f"{credit['memo']}: {note.memo}")

    pdf.heading(said["bill_to"])
    if view.customer is not None:
        pdf.text_line(view.customer.name, bold=True)
    pdf.text_line(invoice.email)

    if view.lines:
        pdf.heading(said["items"])
        lines = (
            TableLine(line.name, line.shown_quantity, line.unit_price, line.amount)
            for line in view.lines
        )
        lines_table(pdf, said, locale, lines)
    pdf.ln(2)
    _amount_rows(pdf, view, said, credit, locale)
    return bytes(pdf.output())


def _amount_rows(
    pdf: DocumentPdf, view: CreditNoteView, said: Words, credit: CreditWords, locale: str | None
) -> None:
    note, invoice = view.note, view.invoice

    def shown(amount: Decimal) -> str:
        return money(amount, note.currency, locale)

    pdf.amount_row(said["subtotal"], shown(note.subtotal))
    pdf.amount_row(credit["tax"], shown(note.tax_amount))
    pdf.amount_row(credit["credited"], shown(note.total), bold=True)
    pdf.amount_row(credit["applied"], shown(note.amount_applied))
    if note.refund_amount:
        method = note.refund_method
        label = said["methods"].get(method, method) if method else ""
        pdf.amount_row(
            credit["refunded"].format(method=f" ({label})" if label else ""),
            shown(note.refund_amount),
        )
    if note.balance_amount:
        pdf.amount_row(credit["to_balance"], shown(note.balance_amount))
    pdf.heading(credit["for_invoice"].format(number=invoice.invoice_number))
    pdf.amount_row(said["total"], shown(invoice.total))
    pdf.amount_row(said["amount_paid"], shown(invoice.amount_paid))
    pdf.amount_row(credit["amount_credited"], shown(invoice.amount_credited))
    if invoice.credit_applied:
        pdf.amount_row(credit["credit_applied"], shown(invoice.credit_applied))
    pdf.amount_row(said["amount_due"], shown(invoice.amount_due), bold=True)
