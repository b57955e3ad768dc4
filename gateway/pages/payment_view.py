"""The payment page's content: who asks for how much, in what state, for what, and how
to pay it (the wallet and a QR code for CRYPTO, the app's bank details for
BANK_TRANSFER). Amounts and dates as the customer's locale writes them, the words in
the customer's language. A paid invoice, one not issued yet, or a VOID one shows no way
to pay; an UNCOLLECTIBLE one still does (a bad debt still takes payments)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from html import escape
from typing import Any

import segno

from gateway.db.invoice_views import InvoiceView
from gateway.db.rows import AppRow
from gateway.domain.amount_words import amount_in_words
from gateway.domain.formatting import day, language, money, rate
from gateway.domain.logo import is_logo_data_url
from gateway.domain.payment_uri import payment_uri
from gateway.domain.resource_enums import Chain
from gateway.domain.status import InvoiceStatus, PaymentMethod
from gateway.pages.payment_texts import words_for

CHAIN_NAMES: dict[str, str] = {
    Chain.ETHEREUM: "Ethereum",
    Chain.SOLANA: "Solana",
    Chain.POLYGON: "Polygon",
    Chain.AVALANCHE_C_CHAIN: "Avalanche C-Chain",
    Chain.TRON: "Tron",
    Chain.BASE: "Base",
}
_PAYABLE = frozenset(
    {
        InvoiceStatus.OPEN,
        InvoiceStatus.PARTIALLYPAID,
        InvoiceStatus.PASTDUE,
        InvoiceStatus.UNCOLLECTIBLE,
    }
)
# Adds a copy button after each value marked data-copy; without JavaScript the value is
# still text that one tap selects whole (user-select: all).
COPY_SCRIPT = (
    "(function(){if(!navigator.clipboard)return;var d=document.body.dataset;"
    'document.querySelectorAll("[data-copy]").forEach(function(v){'
    'var b=document.createElement("button");b.type="button";b.className="copy";'
    "b.textContent=d.copyLabel;b.setAttribute('aria-label',v.dataset.copy);"
    'b.addEventListener("click",function(){navigator.clipboard.writeText(v.textContent)'
    ".then(function(){b.textContent=d.copiedLabel;b.setAttribute('aria-label',d.copiedLabel)})});"
    "v.after(b)})})();"
)


@dataclass(frozen=True, slots=True)
class PageContent:
    title: str
    body: str
    lang: str
    body_attributes: str
    script: str | None


class _Writer:
    """The invoice's figures and words in its customer's locale and language."""

    def __init__(self, view: InvoiceView) -> None:
        self.view = view
        self.locale = None if view.customer is None else view.customer.locale
        self.lang = language(self.locale)
        self.words = words_for(self.lang)

    def say(self, key: str, **values: Any) -> str:
        """The words for `key`, HTML-escaped, with the (escaped) values filled in."""
        safe = {name: escape(str(value)) for name, value in values.items()}
        return escape(self.words[key]).format(**safe)

    def money(self, amount: Any) -> str:
        return money(amount, self.view.invoice.currency.upper(), self.locale)

    def day(self, value: Any) -> str:
        return day(value, self.locale)


def _copyable(w: _Writer, value: str, label_key: str) -> str:
    label = escape(w.words["copy_named"].format(what=w.words[label_key]))
    return f'<code data-copy="{label}">{escape(value)}</code>'


def _status(w: _Writer) -> str:
    inv = w.view.invoice
    if inv.status == InvoiceStatus.PAID:
        return w.say("status_paid")
    if inv.status == InvoiceStatus.DRAFT:
        return w.say("status_draft")
    if inv.status == InvoiceStatus.VOID:
        return w.say("status_void", day=w.day(_on_day(inv.voided_at, inv.date_created)))
    if inv.status == InvoiceStatus.UNCOLLECTIBLE:
        return w.say("status_uncollectible", day=w.day(inv.due_date + timedelta(days=1)))
    if inv.status == InvoiceStatus.PASTDUE:
        return w.say("status_overdue", day=w.day(inv.due_date + timedelta(days=1)))
    if inv.status == InvoiceStatus.PARTIALLYPAID:
        return w.say("status_partly", paid=w.money(inv.amount_paid), total=w.money(inv.total))
    return w.say("status_open", day=w.day(inv.due_date))


def _on_day(when: datetime | None, otherwise: datetime) -> date:
    """The UTC day of `when` (of `otherwise` for rows from before it was kept)."""
    return (when or otherwise).astimezone(UTC).date()


def _tax_label(w: _Writer) -> str:
    tax = w.view.tax
    if tax is None:
        return ""
    if tax.components:
        parts = [
            escape(str(c.get("name", "")))
            + (
                ""
                if c.get("type") == "FIXED"
                else f" {rate(Decimal(str(c.get('rate'))), w.locale)}"
            )
            for c in tax.components
        ]
        label = " + ".join(parts)
    elif tax.type == "FIXED":
        label = escape(tax.name)
    else:
        label = f"{escape(tax.name)} ({rate(tax.rate, w.locale)})"
    return f"{label}, {w.say('included')}" if tax.inclusive else label


def _items(w: _Writer) -> str:
    inv = w.view.invoice
    rows = "".join(
        f'<tr><td>{escape(entry.name)}<br><span class="note">{entry.item.shown_quantity}'
        f" &times; {w.money(entry.item.unit_price)}</span></td>"
        f'<td class="n">{w.money(entry.item.line_total)}</td></tr>'
        for entry in w.view.items
    )
    summary = [(w.say("subtotal"), w.money(inv.subtotal))]
    if w.view.tax is not None:
        summary.append((_tax_label(w), w.money(inv.tax_amount)))
    summary.append((f"<strong>{w.say('total')}</strong>", f"<strong>{w.money(inv.total)}</strong>"))
    if inv.amount_paid:
        summary.append((w.say("paid"), w.money(inv.amount_paid)))
    foot = "".join(
        f'<tr><th scope="row">{label}</th><td class="n">{value}</td></tr>'
        for label, value in summary
    )
    return (
        f'<h2>{w.say("items")}</h2><table><thead><tr><th scope="col">{w.say("item")}</th>'
        f'<th scope="col" class="n">{w.say("amount")}</th></tr></thead>'
        f"<tbody>{rows}</tbody><tfoot>{foot}</tfoot></table>"
    )


def qr_svg(uri: str, label: str) -> str:
    """The QR code of `uri` as inline SVG, named for assistive technology."""
    svg = segno.make(uri, error="m").svg_inline(scale=4, omitsize=True, title=label)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)


def _crypto(w: _Writer) -> str:
    wallet, inv = w.view.wallet, w.view.invoice
    if wallet is None:
        return ""
    blockchain = wallet.blockchain.lower()
    chain = CHAIN_NAMES.get(blockchain, wallet.blockchain)
    uri = payment_uri(blockchain, wallet.address, inv.currency, inv.amount_due)
    return (
        f"<section><h3>{w.say('crypto')}</h3><dl>"
        f"<dt>{w.say('address')}</dt><dd>{_copyable(w, wallet.address, 'address')}</dd>"
        f"<dt>{w.say('chain')}</dt><dd>{escape(chain)}</dd>"
        f"<dt>{w.say('currency')}</dt><dd>{escape(inv.currency.upper())}</dd></dl>"
        f"<figure>{qr_svg(uri, w.words['qr'])}"
        f'<figcaption class="note">{w.say("qr_note", amount=w.money(inv.amount_due), chain=chain)}'
        f'</figcaption></figure><p><a href="{escape(uri)}">{w.say("open_wallet")}</a></p></section>'
    )


def _bank(w: _Writer, app: AppRow | None) -> str:
    details: dict[str, Any] = dict((app.bank_details if app is not None else None) or {})
    app_name = w.view.app_name
    if not any(details.get(k) for k in ("iban", "account_name")):
        no_details = w.say("no_bank_details", app=app_name)
        return f"<section><h3>{w.say('bank')}</h3><p>{no_details}</p></section>"
    details.setdefault("reference", w.view.invoice.invoice_number)
    rows = "".join(
        f"<dt>{w.say(key)}</dt><dd>{_copyable(w, str(details[key]), key)}</dd>"
        for key in ("account_name", "iban", "bic", "bank_name", "reference")
        if details.get(key)
    )
    amount = w.money(w.view.invoice.amount_due)
    return (
        f"<section><h3>{w.say('bank')}</h3><dl>{rows}"
        f"<dt>{w.say('amount')}</dt><dd>{escape(amount)}</dd></dl></section>"
    )


def _how_to_pay(w: _Writer, app: AppRow | None) -> str:
    inv = w.view.invoice
    parts = []
    if PaymentMethod.CRYPTO in inv.payment_methods:
        parts.append(_crypto(w))
    if PaymentMethod.BANK_TRANSFER in inv.payment_methods:
        parts.append(_bank(w, app))
    others = [w.words[m] for m in inv.payment_methods if m in w.words]
    if others:
        parts.append(
            f"<p>{w.say('other_methods', methods=', '.join(others), app=w.view.app_name)}</p>"
        )
    partial = f'<p class="note">{w.say("partial_ok")}</p>' if inv.partial_payment else ""
    return f"<h2>{w.say('how_to_pay')}</h2>{partial}{''.join(parts)}"


def _header(w: _Writer, app: AppRow | None) -> str:
    inv = w.view.invoice
    logo = ""
    if app is not None and app.logo and is_logo_data_url(app.logo):
        logo = f'<img src="{escape(app.logo)}" alt="{escape(app.name)}">'
    return (
        f"<header>{logo}<h1>{w.say('invoice', number=inv.invoice_number)}</h1>"
        f"<p>{w.say('from', name=inv.name, app=w.view.app_name)}</p></header>"
    )


def payment_page_content(view: InvoiceView, app: AppRow | None) -> PageContent:
    w = _Writer(view)
    inv = view.invoice
    payable = inv.status in _PAYABLE and inv.amount_due > 0
    due = ""
    if payable:
        words = amount_in_words(inv.amount_due, inv.currency.upper(), w.locale)
        due = (
            f'<h2>{w.say("amount_due")}</h2><p class="due">{w.money(inv.amount_due)}</p>'
            f"<p>{w.say('in_words', words=words)}</p>"
        )
    elif inv.status == InvoiceStatus.PAID:
        due = f"<p>{w.say('paid_note')}</p>"
    elif inv.status == InvoiceStatus.VOID:
        due = f"<p>{w.say('void_note', app=view.app_name)}</p>"
    body = (
        f"{_header(w, app)}<main>"
        f'<p class="status">{_status(w)}</p>{due}'
        f"{_how_to_pay(w, app) if payable else ''}{_items(w)}</main>"
    )
    attributes = f' data-copy-label="{w.say("copy")}" data-copied-label="{w.say("copied")}"'
    return PageContent(
        title=w.words["invoice"].format(number=inv.invoice_number),
        body=body,
        lang=w.lang,
        body_attributes=attributes,
        script=COPY_SCRIPT if payable else None,
    )


def expired_content(view: InvoiceView) -> PageContent:
    w = _Writer(view)
    inv = view.invoice
    number = inv.invoice_number
    body = (
        f"<main><h1>{w.say('expired_title')}</h1>"
        f"<p>{w.say('expired', number=number, day=w.day(inv.due_date), app=view.app_name)}</p>"
        "</main>"
    )
    return PageContent(w.words["expired_title"], body, w.lang, "", None)
