"""An amount written out in words, as on a cheque: "Two thousand seven hundred seven
and 33/100 USDC". The whole units in words (num2words, in the reader's language), the
cents as a fraction, the currency code as the figure shows it: a stablecoin has no
name for its unit in any language, and a wrong "dollars" would mislead more than a code.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

from num2words import num2words

from gateway.domain.formatting import language

# The word that joins the whole units and the cents on a cheque.
_AND = {"en": "and", "de": "und", "fr": "et", "es": "con"}


def amount_in_words(amount: Decimal, currency: str, locale: str | None) -> str:
    lang = language(locale)
    whole = int(amount.to_integral_value(rounding=ROUND_DOWN))
    cents = int((amount - whole).scaleb(2).to_integral_value())
    words = str(num2words(whole, lang=lang)).replace(",", "")
    if lang == "en":
        # The cheque's "and" joins the cents; none inside the words ("seven hundred seven").
        words = words.replace(" and ", " ")
    return f"{words[:1].upper()}{words[1:]} {_AND[lang]} {cents:02d}/100 {currency}"
