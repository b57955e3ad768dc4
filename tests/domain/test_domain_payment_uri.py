from __future__ import annotations

from decimal import Decimal

import pytest

from gateway.domain.amount_words import amount_in_words
from gateway.domain.bank_details import parse_bank_details
from gateway.domain.payment_uri import payment_uri

EVM = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"


@pytest.mark.parametrize(
    ("chain", "currency", "expected"),
    [
        (
            "ethereum",
            "usdc",
            "ethereum:0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48@1/transfer"
            f"?address={EVM}&uint256=12500000",
        ),
        (
            "base",
            "eurc",
            "ethereum:0x60a3E35Cc302bFA44Cb288Bc5a4F316Fdb1adb42@8453/transfer"
            f"?address={EVM}&uint256=12500000",
        ),
        ("polygon", "eurc", f"ethereum:{EVM}@137"),
        (
            "solana",
            "usdc",
            "solana:So1anaWa11et?amount=12.5&spl-token=EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v",
        ),
        ("tron", "usdc", "tron:TWa11et"),
    ],
)
def test_payment_uri(chain: str, currency: str, expected: str) -> None:
    address = {"solana": "So1anaWa11et", "tron": "TWa11et"}.get(chain, EVM)
    assert payment_uri(chain, address, currency, Decimal("12.50")) == expected


def test_amount_in_words_per_language() -> None:
    assert amount_in_words(Decimal("1000001.07"), "EURC", "fr_CA") == "Un million un et 07/100 EURC"
    assert amount_in_words(Decimal("0.50"), "USDC", None) == "Zero and 50/100 USDC"
    assert amount_in_words(Decimal("21"), "USDC", "es") == "Veintiuno con 00/100 USDC"


def test_bank_details_are_checked() -> None:
    assert parse_bank_details({"iban": "de89 3704 0044 0532 0130 00", "bic": "cobadeff"}) == {
        "iban": "DE89370400440532013000",
        "bic": "COBADEFF",
    }
    for bad, message in [
        ([], "bank details must be a JSON object"),
        (
            {"swift": "x"},
            "unknown bank detail 'swift'; known: account_name, iban, bic, bank_name, reference",
        ),
        ({"iban": "DE89370400440532013001"}, "iban is not a valid IBAN"),
        ({"bic": "COBA"}, "bic must be 8 or 11 letters and digits (ISO 9362)"),
        ({"bank_name": 7}, "bank_name must be a string"),
        ({"reference": "a\x00b"}, "reference must be at most 140 printable characters"),
    ]:
        with pytest.raises(ValueError) as caught:
            parse_bank_details(bad)
        assert str(caught.value) == message
