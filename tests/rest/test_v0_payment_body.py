"""The v0 record-payment body: what its field table refuses up front."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gateway.domain.errors import InvalidInput
from gateway.rest.v0_payment_body import parse_payment


@pytest.mark.parametrize("amount", [0.001, "0.001", "1.005", 12.345])
def test_amounts_past_the_cent_are_refused_by_the_parser(amount: object) -> None:
    """The document's multipleOf 0.01 is the table's: refused before any invoice is read."""
    with pytest.raises(InvalidInput) as caught:
        parse_payment({"amount": amount, "method": "CRYPTO"})
    assert caught.value.messages == ["amount must have at most 2 decimal places"]


@pytest.mark.parametrize(("amount", "expected"), [(0.01, "0.01"), ("1499.90", "1499.90"), (7, "7")])
def test_amounts_in_cents_are_accepted(amount: object, expected: str) -> None:
    assert parse_payment({"amount": amount, "method": "CRYPTO"}).amount == Decimal(expected)
