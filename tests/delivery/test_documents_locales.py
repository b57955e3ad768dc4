"""The PDF's and the email's words, amounts and dates in the customer's locale."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from gateway.delivery.email_message import build_invoice_email
from gateway.delivery.wording import WORDS, Words
from gateway.domain.formatting import money
from gateway.services.events import EmailKind
from tests.delivery.test_invoice_pdf import a_view, pdf_text, render

NBSP = "\u202f"  # CLDR's French grouping separator, a narrow no-break space

PDF_LINES = {
    "de": [
        "Rechnung INV-000042",
        "Erstellt: 1. Januar 2030",
        "Fällig am: 31. Januar 2030",
        "Status: Offen",
        "Produkt Menge Einzelpreis Betrag",
        "Web dev 2 1.250,00 2.500,00",
        "Zwischensumme 2.500,00 USDC",
        "Standard Sales Tax 8,5% 212,50 USDC",
        "Gesamtbetrag 2.712,50 USDC",
        "Bezahlt 700,00 USDC",
        "Offener Betrag 2.012,50 USDC",
        "Akzeptierte Zahlungsarten: Kryptowährung, Banküberweisung",
    ],
    "fr": [
        "Facture INV-000042",
        "Date d'échéance: 31 janvier 2030",
        "Statut: À payer",
        "Produit Qté Prix unitaire Montant",
        f"Web dev 2 1{NBSP}250,00 2{NBSP}500,00",
        f"Sous-total 2{NBSP}500,00 USDC",
        "Standard Sales Tax 8,5% 212,50 USDC",
        f"Total 2{NBSP}712,50 USDC",
        f"Montant dû 2{NBSP}012,50 USDC",
    ],
    "es": [
        "Factura INV-000042",
        "Fecha de vencimiento: 31 de enero de 2030",
        "Estado: Pendiente",
        "Producto Cant. Precio unitario Importe",
        "Subtotal 2.500,00 USDC",
        "Standard Sales Tax 8,5% 212,50 USDC",
        "Importe pendiente 2.012,50 USDC",
        "Métodos de pago aceptados: Criptomoneda, Transferencia bancaria",
    ],
}


@pytest.mark.parametrize("locale", PDF_LINES)
def test_the_pdf_in_the_customers_language(locale: str) -> None:
    lines = pdf_text(render(a_view(locale=locale), None)).splitlines()
    for expected in PDF_LINES[locale]:
        assert expected in lines, (expected, lines)


def test_a_regional_locale_takes_its_languages_words_and_its_own_numbers() -> None:
    lines = pdf_text(render(a_view(locale="de_CH"), None)).splitlines()
    assert "Zwischensumme 2'500.00 USDC" in lines
    assert "Fällig am: 31. Januar 2030" in lines


@pytest.mark.parametrize("locale", [None, "", "xx", "ja"])
def test_a_locale_without_words_gets_english(locale: str | None) -> None:
    lines = pdf_text(render(a_view(locale=locale), None)).splitlines()
    assert "Amount due 2,012.50 USDC" in lines
    if locale == "ja":
        assert "Due date: 2030年1月31日" in lines  # its own date format, English words


@pytest.mark.parametrize(
    ("locale", "shown"),
    [
        ("en", "1,234.50 USDC"),
        ("de", "1.234,50 USDC"),
        ("fr", f"1{NBSP}234,50 USDC"),
        ("es", "1.234,50 USDC"),
        ("de_CH", "1'234.50 USDC"),
    ],
)
def test_money_per_locale(locale: str, shown: str) -> None:
    assert money(Decimal("1234.50"), "USDC", locale) == shown


def test_every_language_has_every_word() -> None:
    keys = set(Words.__annotations__)
    for language, words in WORDS.items():
        assert set(words) == keys, language
        assert set(words["statuses"]) == set(WORDS["en"]["statuses"]), language
        assert set(words["methods"]) == set(WORDS["en"]["methods"]), language


def _email(locale: str | None, kind: EmailKind = EmailKind.INVOICE) -> tuple[str, str, str, str]:
    message = build_invoice_email(
        a_view(locale=locale),
        kind,
        outbox_message_id="out_1",
        public_base_url="https://pay.example",
        pdf=b"%PDF-1.7",
        now=datetime(2030, 1, 2, tzinfo=UTC),
    )
    text, html = message.get_body(("plain",)), message.get_body(("html",))
    assert text is not None and html is not None
    return message["Subject"], message["Content-Language"], text.get_content(), html.get_content()


def test_the_email_in_german() -> None:
    subject, language, text, html = _email("de")
    assert subject == "Rechnung INV-000042 von Zoë's Studio"
    assert language == "de"
    assert text.splitlines() == [
        "Guten Tag,",
        "",
        "Zoë's Studio hat Ihnen die Rechnung INV-000042 gesendet: Website Development Services.",
        "",
        "Offener Betrag: 2.012,50 USDC",
        "Fällig am: 31. Januar 2030",
        "",
        "Die Rechnung ist als PDF angehängt.",
        "",
        "Zoë's Studio",
    ]
    assert '<html lang="de">' in html
    assert "Offener Betrag: <strong>2.012,50 USDC</strong>" in html


@pytest.mark.parametrize(
    ("locale", "subject", "amount_due", "due"),
    [
        (
            None,
            "Reminder: invoice INV-000042 is past due",
            "Amount due: 2,012.50 USDC",
            "This is a reminder that invoice INV-000042 (Website Development Services) was "
            "due on January 31, 2030 and has not been paid in full.",
        ),
        (
            "fr_CA",
            "Rappel : la facture INV-000042 est échue",
            "Montant dû: 2\xa0012,50 USDC",  # fr_CA groups with a no-break space
            "Nous vous rappelons que la facture INV-000042 (Website Development Services) "
            "était due le 31 janvier 2030 et n'a pas été entièrement réglée.",
        ),
        (
            "es",
            "Recordatorio: la factura INV-000042 está vencida",
            "Importe pendiente: 2.012,50 USDC",
            "Le recordamos que la factura INV-000042 (Website Development Services) venció "
            "el 31 de enero de 2030 y no se ha pagado en su totalidad.",
        ),
    ],
)
def test_the_reminder_per_language(
    locale: str | None, subject: str, amount_due: str, due: str
) -> None:
    got_subject, _language, text, _html = _email(locale, EmailKind.REMINDER)
    assert got_subject == subject
    assert due in text.splitlines()
    assert amount_due in text.splitlines()
