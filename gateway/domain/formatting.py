"""Amounts, rates and dates as a reader's locale writes them (Babel's CLDR data), for
documents and pages: "1,234.50 USDC" in English, "1.234,50 USDC" in German.

One rule for every surface that shows money to a person (PDF, email, payment page):
two decimal places, the locale's separators, the currency code after the figure (the
stablecoin codes have no CLDR symbol). Machine surfaces (REST, GraphQL, webhooks) keep
plain decimal numbers.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import format_decimal

DEFAULT_LOCALE = "en"
# Locales whose words (templates) documents have; any other valid locale formats its
# numbers and dates itself and gets the English words.
TEMPLATE_LANGUAGES = ("en", "de", "fr", "es")


def known_locale(value: str | None) -> str:
    """`value` when Babel knows it ("de", "fr_CA", "pt-BR"), else the default."""
    if not value:
        return DEFAULT_LOCALE
    try:
        return str(Locale.parse(value.replace("-", "_")))
    except (ValueError, UnknownLocaleError):
        return DEFAULT_LOCALE


def language(locale: str | None) -> str:
    """The template language for `locale`: its language if there are words for it."""
    code = known_locale(locale).split("_", 1)[0]
    return code if code in TEMPLATE_LANGUAGES else DEFAULT_LOCALE


def money(amount: Decimal, currency: str, locale: str | None) -> str:
    return f"{figure(amount, locale)} {currency}"


def figure(amount: Decimal, locale: str | None) -> str:
    """An amount without its currency ("1,234.50"), for a column headed by the currency."""
    return format_decimal(amount, format="#,##0.00", locale=known_locale(locale))


def number(value: Decimal, locale: str | None) -> str:
    """A quantity with its own places, up to four ("1,000", "1.5"; "1,5" in German)."""
    return format_decimal(value, format="#,##0.####", locale=known_locale(locale))


def rate(percentage: Decimal, locale: str | None) -> str:
    """8.5 -> "8.5%" ("8,5%" in French): the rate's own places, up to four."""
    return number(percentage, locale) + "%"


def day(value: date, locale: str | None) -> str:
    """A date written out ("March 15, 2030", "15. März 2030")."""
    return format_date(value, format="long", locale=known_locale(locale))
