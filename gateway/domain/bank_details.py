"""An app's bank details (App.bank_details), where a customer paying by BANK_TRANSFER
sends the money: {"account_name", "iban", "bic", "bank_name", "reference"}, each a
string and each optional. The IBAN is kept without spaces, upper case, its ISO 7064
check digits verified; the BIC is 8 or 11 characters. Without a "reference", the payment
page asks for the invoice number.
"""

from __future__ import annotations

import re
from typing import Any

from gateway.domain.text import is_storable

FIELDS = ("account_name", "iban", "bic", "bank_name", "reference")
MAX_LENGTH = 140  # a SEPA remittance line
_IBAN = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}")
_BIC = re.compile(r"[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?")


def _iban_checks(iban: str) -> bool:
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(ch, 36)) for ch in rearranged)) % 97 == 1


def parse_bank_details(value: object) -> dict[str, str]:
    """The details to store, from a JSON object; ValueError naming what is wrong."""
    if not isinstance(value, dict):
        raise ValueError("bank details must be a JSON object")
    unknown = sorted(set(value) - set(FIELDS))
    if unknown:
        raise ValueError(f"unknown bank detail {unknown[0]!r}; known: {', '.join(FIELDS)}")
    details: dict[str, str] = {}
    for name in FIELDS:
        raw: Any = value.get(name)
        if raw is None:
            continue
        if not isinstance(raw, str):
            raise ValueError(f"{name} must be a string")
        text = raw.strip()
        if not text:
            continue
        if len(text) > MAX_LENGTH or not is_storable(text):
            raise ValueError(f"{name} must be at most {MAX_LENGTH} printable characters")
        details[name] = text
    if "iban" in details:
        iban = details["iban"].replace(" ", "").upper()
        if _IBAN.fullmatch(iban) is None or not _iban_checks(iban):
            raise ValueError("iban is not a valid IBAN")
        details["iban"] = iban
    if "bic" in details:
        bic = details["bic"].replace(" ", "").upper()
        if _BIC.fullmatch(bic) is None:
            raise ValueError("bic must be 8 or 11 letters and digits (ISO 9362)")
        details["bic"] = bic
    return details
