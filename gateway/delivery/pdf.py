"""The invoice as a one-document PDF (fpdf2, core fonts), for email and download."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from decimal import Decimal

from fpdf import FPDF
from fpdf.fonts import FontFace

from gateway.db.invoice_views import InvoiceView
from gateway.domain.status import PAYMENT_METHOD_LABELS
from gateway.domain.tax import tax_rule
from gateway.domain.totals import Line, invoice_totals

# Core fonts encode latin-1 only; these common characters have a readable stand-in.
_STAND_INS = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2026": "...",
    "\u20ac": "EUR",
    "\u2022": "*",
}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")
_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")
_GREY = (90, 90, 90)
# A table row must fit on one page (fpdf2 raises otherwise); names are far shorter.
_MAX_CELL_CHARS = 400


def latin1(text: str) -> str:
    """Any text, made printable with the core fonts: no customer name can crash a render."""
    out: list[str] = []
    for char in _CONTROL.sub(" ", text):
        if char in _STAND_INS:
            out.append(_STAND_INS[char])
            continue
        try:
            char.encode("latin-1")
        except UnicodeEncodeError:
            # "ő" -> "o" + combining mark -> "o"; what has no latin base becomes "?".
            base = "".join(
                c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
            )
            try:
                base.encode("latin-1")
            except UnicodeEncodeError:
                base = "?"
            out.append(base or "?")
        else:
            out.append(char)
    return "".join(out)


def invoice_pdf_filename(invoice_number: str) -> str:
    """`invoice-INV-000001.pdf`; safe in a Content-Disposition header and on any disk."""
    safe = _UNSAFE_FILENAME.sub("-", invoice_number).strip("-.") or "invoice"
    return f"invoice-{safe}.pdf"


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _day(value: datetime) -> str:
    return value.astimezone(UTC).date().isoformat()


def tax_lines(view: InvoiceView) -> list[tuple[str, Decimal]]:
    """Each tax component's amount, recomputed from the stored lines and the tax as
    priced (gateway.db.tax_snapshots).

    The invoice stores only the summed tax_amount; for an invoice priced before its tax
    was kept, whose tax row changed since, the recomputation no longer adds up, and one
    line with the stored amount is shown instead of a breakdown that contradicts the total.
    """
    inv, tax = view.invoice, view.tax
    if tax is None:
        return []
    try:
        rule = tax_rule(tax.name, tax.rate, tax.type, tax.inclusive, tax.components)
        lines = [Line(e.item.product_id, e.item.quantity, e.item.unit_price) for e in view.items]
        totals = invoice_totals(lines, rule)
    except ValueError:
        totals = None
    if totals is None or totals.tax_amount != inv.tax_amount:
        return [(tax.name, inv.tax_amount)]
    return [(line.name, line.amount) for line in totals.taxes]


class _InvoicePdf(FPDF):
    def __init__(self) -> None:
        super().__init__(format="A4")
        self.set_margins(18, 18, 18)
        self.set_auto_page_break(auto=True, margin=18)

    def text_line(self, text: str, *, size: float = 10, bold: bool = False, link: str = "") -> None:
        self.set_font("helvetica", "B" if bold else "", size)
        self.multi_cell(0, size * 0.5, latin1(text), new_x="LMARGIN", new_y="NEXT", link=link)

    def heading(self, text: str) -> None:
        self.ln(4)
        self.set_text_color(*_GREY)
        self.text_line(text.upper(), size=8, bold=True)
        self.set_text_color(0, 0, 0)

    def amount_row(self, label: str, amount: str, *, bold: bool = False) -> None:
        self.set_font("helvetica", "B" if bold else "", 10)
        self.cell(self.epw - 40, 6, latin1(label), align="R")
        self.cell(40, 6, latin1(amount), align="R", new_x="LMARGIN", new_y="NEXT")


def render_invoice_pdf(view: InvoiceView, payment_url: str | None) -> bytes:
    """The invoice as PDF bytes; the same view renders the same bytes."""
    inv = view.invoice
    pdf = _InvoicePdf()
    # A fixed creation date keeps the output (and its /ID, a hash of it) reproducible.
    pdf.set_creation_date(inv.date_created)
    pdf.set_title(latin1(f"Invoice {inv.invoice_number}"))
    pdf.set_author(latin1(view.app_name))
    pdf.add_page()

    pdf.text_line(view.app_name or "Invoice", size=18, bold=True)
    pdf.text_line(f"Invoice {inv.invoice_number}", size=13, bold=True)
    pdf.text_line(inv.name, size=11)

    pdf.heading("Dates")
    pdf.text_line(f"Created: {_day(inv.date_created)}")
    pdf.text_line(f"Due: {inv.due_date.isoformat()}")
    if inv.send_date is not None:
        pdf.text_line(f"Send date: {inv.send_date.isoformat()}")
    pdf.text_line(f"Status: {inv.status}")

    pdf.heading("Bill to")
    customer = view.customer
    if customer is not None:
        pdf.text_line(customer.name, bold=True)
    pdf.text_line(inv.email)
    address = inv.address or (customer.address if customer else None)
    if address:
        pdf.text_line(address)
    if inv.phone_number:
        pdf.text_line(inv.phone_number)

    pdf.heading("Items")
    _items_table(pdf, view)

    pdf.ln(2)
    label_suffix = " (included)" if view.tax is not None and view.tax.inclusive else ""
    pdf.amount_row("Subtotal", _money(inv.subtotal))
    for name, amount in tax_lines(view):
        pdf.amount_row(f"{name}{label_suffix}", _money(amount))
    pdf.amount_row(f"Total ({inv.currency})", _money(inv.total), bold=True)
    pdf.amount_row("Amount paid", _money(inv.amount_paid))
    amount_due = inv.amount_due
    pdf.amount_row(f"Amount due ({inv.currency})", _money(amount_due), bold=True)

    pdf.heading("Payment")
    methods = ", ".join(PAYMENT_METHOD_LABELS.get(m, m) for m in inv.payment_methods)
    pdf.text_line(f"Accepted payment methods: {methods}")
    pdf.text_line(f"Currency: {inv.currency}")
    wallet = view.wallet
    if wallet is not None and "CRYPTO" in inv.payment_methods:
        pdf.text_line(f"Wallet ({wallet.blockchain}): {wallet.address}")
    if payment_url:
        pdf.text_line("Pay online:")
        pdf.set_text_color(20, 70, 160)
        pdf.text_line(payment_url, link=payment_url)
        pdf.set_text_color(0, 0, 0)
    return bytes(pdf.output())


def _items_table(pdf: _InvoicePdf, view: InvoiceView) -> None:
    pdf.set_font("helvetica", "", 10)
    headings = FontFace(emphasis="BOLD", fill_color=(235, 235, 235))
    with pdf.table(
        col_widths=(80, 30, 32, 32),
        text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT"),
        headings_style=headings,
        line_height=6,
    ) as table:
        table.row(("Product", "Qty", "Unit price", "Amount"))
        for entry in view.items:
            item = entry.item
            table.row(
                (
                    latin1(entry.name[:_MAX_CELL_CHARS]),
                    f"{item.shown_quantity}",
                    _money(item.unit_price),
                    _money(item.line_total),
                )
            )
