"""The invoice as a one-document PDF (fpdf2), for email and download.

Set in embedded Unicode fonts (gateway.delivery.fonts) with HarfBuzz text shaping, so
names in any script print as written and Arabic is joined and runs right to left. The
words, amounts and dates are the customer's locale's (Customer.locale).
"""

from __future__ import annotations

import re
from datetime import UTC
from decimal import Decimal

from fpdf import FPDF
from fpdf.fonts import FontFace
from PIL.Image import Image

from gateway.db.invoice_views import InvoiceView
from gateway.delivery.fonts import PdfFonts, characters_of
from gateway.delivery.logo import document_logo
from gateway.delivery.tax_lines import tax_lines
from gateway.delivery.wording import Words, words
from gateway.domain.formatting import day, figure, money, number, rate

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")
_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")
_GREY = (90, 90, 90)
# A table row must fit on one page (fpdf2 raises otherwise); names are far shorter.
_MAX_CELL_CHARS = 400
_LOGO_HEIGHT_MM = 16
_LOGO_MAX_WIDTH_MM = 60
_SANS, _CJK = "sans", "cjk"


def printable(text: str) -> str:
    """Control characters (line breaks, NUL, escapes) become one space."""
    return _CONTROL.sub(" ", text)


def invoice_pdf_filename(invoice_number: str) -> str:
    """`invoice-INV-000001.pdf`; safe in a Content-Disposition header and on any disk."""
    safe = _UNSAFE_FILENAME.sub("-", invoice_number).strip("-.") or "invoice"
    return f"invoice-{safe}.pdf"


class _InvoicePdf(FPDF):
    def __init__(self, fonts: PdfFonts) -> None:
        super().__init__(format="A4")
        self.set_margins(18, 18, 18)
        self.set_auto_page_break(auto=True, margin=18)
        self._fonts = fonts
        self._sans_characters = characters_of(fonts.sans)
        self._with_cjk = False
        self.add_font(_SANS, "", fonts.sans)
        self.add_font(_SANS, "B", fonts.sans_bold)
        self.set_text_shaping(True)

    def shown(self, text: str) -> str:
        """`text` as it is written: printable, and with the fallback font loaded when
        it has characters the main font lacks."""
        text = printable(text)
        if not self._with_cjk and any(ord(c) not in self._sans_characters for c in text):
            # Parsing and subsetting the CJK collection is most of a render's time:
            # only documents that need it pay for it.
            self._with_cjk = True
            self.add_font(_CJK, "", self._fonts.cjk)
            self.add_font(_CJK, "B", self._fonts.cjk_bold)
            self.set_fallback_fonts([_CJK])
        return text

    def text_line(self, text: str, *, size: float = 10, bold: bool = False, link: str = "") -> None:
        self.set_font(_SANS, "B" if bold else "", size)
        self.multi_cell(0, size * 0.5, self.shown(text), new_x="LMARGIN", new_y="NEXT", link=link)

    def heading(self, text: str) -> None:
        self.ln(4)
        self.set_text_color(*_GREY)
        self.text_line(text.upper(), size=8, bold=True)
        self.set_text_color(0, 0, 0)

    def amount_row(self, label: str, amount: str, *, bold: bool = False) -> None:
        self.set_font(_SANS, "B" if bold else "", 10)
        self.cell(self.epw - 50, 6, self.shown(label), align="R")
        self.cell(50, 6, self.shown(amount), align="R", new_x="LMARGIN", new_y="NEXT")

    def logo(self, image: Image) -> None:
        width, height = image.size
        shown_width = min(_LOGO_HEIGHT_MM * width / height, _LOGO_MAX_WIDTH_MM)
        self.image(image, x=self.l_margin, y=self.t_margin, w=shown_width)
        self.set_y(self.t_margin + shown_width * height / width + 4)


def render_invoice_pdf(
    view: InvoiceView, payment_url: str | None, fonts: PdfFonts, *, app_logo: str | None = None
) -> bytes:
    """The invoice as PDF bytes; the same view renders the same bytes.

    The logo is the invoice's when that is a data URL, else `app_logo` (the app's, a
    data URL); neither is ever fetched (gateway.delivery.logo).
    """
    inv = view.invoice
    locale = view.customer.locale if view.customer is not None else None
    said = words(locale)
    pdf = _InvoicePdf(fonts)
    # A fixed creation date keeps the output (and its /ID, a hash of it) reproducible.
    pdf.set_creation_date(inv.date_created)
    pdf.set_title(printable(said["invoice_number"].format(number=inv.invoice_number)))
    pdf.set_author(printable(view.app_name))
    pdf.set_lang(locale.replace("_", "-") if locale else "en")
    pdf.add_page()

    image = document_logo(inv.logo, app_logo)
    if image is not None:
        pdf.logo(image)
    pdf.text_line(view.app_name or said["invoice"], size=18, bold=True)
    pdf.text_line(said["invoice_number"].format(number=inv.invoice_number), size=13, bold=True)
    pdf.text_line(inv.name, size=11)

    pdf.heading(said["dates"])
    pdf.text_line(f"{said['created']}: {day(inv.date_created.astimezone(UTC).date(), locale)}")
    pdf.text_line(f"{said['due_date']}: {day(inv.due_date, locale)}")
    if inv.send_date is not None:
        pdf.text_line(f"{said['send_date']}: {day(inv.send_date, locale)}")
    pdf.text_line(f"{said['status']}: {said['statuses'].get(inv.status, inv.status)}")
    if inv.status == "VOID":
        voided = (inv.voided_at or inv.date_created).astimezone(UTC).date()
        pdf.set_text_color(170, 20, 20)
        pdf.text_line(said["void_stamp"].format(day=day(voided, locale)), size=14, bold=True)
        pdf.set_text_color(0, 0, 0)
    if inv.status_reason and inv.status in ("VOID", "UNCOLLECTIBLE"):
        pdf.text_line(said["status_reason"].format(reason=inv.status_reason))

    pdf.heading(said["bill_to"])
    customer = view.customer
    if customer is not None:
        pdf.text_line(customer.name, bold=True)
    pdf.text_line(inv.email)
    address = inv.address or (customer.address if customer else None)
    if address:
        pdf.text_line(address)
    if inv.phone_number:
        pdf.text_line(inv.phone_number)

    pdf.heading(said["items"])
    _items_table(pdf, view, said, locale)

    pdf.ln(2)
    _amount_rows(pdf, view, said, locale)

    pdf.heading(said["payment"])
    methods = ", ".join(said["methods"].get(m, m) for m in inv.payment_methods)
    pdf.text_line(f"{said['payment_methods']}: {methods}")
    pdf.text_line(f"{said['currency']}: {inv.currency}")
    wallet = view.wallet
    if wallet is not None and "CRYPTO" in inv.payment_methods:
        pdf.text_line(f"{said['wallet'].format(chain=wallet.blockchain)}: {wallet.address}")
    if payment_url and inv.status != "VOID":
        pdf.text_line(f"{said['pay_online']}:")
        pdf.set_text_color(20, 70, 160)
        pdf.text_line(payment_url, link=payment_url)
        pdf.set_text_color(0, 0, 0)
    return bytes(pdf.output())


def _items_table(pdf: _InvoicePdf, view: InvoiceView, said: Words, locale: str | None) -> None:
    pdf.set_font(_SANS, "", 10)
    headings = FontFace(emphasis="BOLD", fill_color=(235, 235, 235))
    with pdf.table(
        col_widths=(80, 30, 32, 32),
        text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT"),
        headings_style=headings,
        line_height=6,
    ) as table:
        headings_row = (said["product"], said["quantity"], said["unit_price"], said["amount"])
        table.row(tuple(pdf.shown(text) for text in headings_row))
        for entry in view.items:
            item = entry.item
            cells = (
                entry.name[:_MAX_CELL_CHARS],
                number(item.shown_quantity, locale),
                figure(item.unit_price, locale),
                figure(item.line_total, locale),
            )
            table.row(tuple(pdf.shown(text) for text in cells))


def _amount_rows(pdf: _InvoicePdf, view: InvoiceView, said: Words, locale: str | None) -> None:
    inv = view.invoice
    inclusive = view.tax is not None and view.tax.inclusive

    def shown(amount: Decimal) -> str:
        return money(amount, inv.currency, locale)

    pdf.amount_row(said["subtotal"], shown(inv.subtotal))
    for line in tax_lines(view):
        label = line.name if line.rate is None else f"{line.name} {rate(line.rate, locale)}"
        if inclusive:
            label = said["included"].format(name=label)
        pdf.amount_row(label, shown(line.amount))
    pdf.amount_row(said["total"], shown(inv.total), bold=True)
    pdf.amount_row(said["amount_paid"], shown(inv.amount_paid))
    pdf.amount_row(said["amount_due"], shown(inv.amount_due), bold=True)
