from __future__ import annotations

from decimal import Decimal

import pytest

from gateway.domain.money import MINOR_UNIT, round_money, to_decimal


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("2.675", "2.68"),  # a float would say 2.67
        ("2.665", "2.67"),  # half-up, not banker's
        ("0.005", "0.01"),
        ("0.0049999", "0.00"),
        ("-2.675", "-2.68"),
        ("10", "10.00"),
        ("1E+3", "1000.00"),
        ("212.5", "212.50"),
    ],
)
def test_round_money_is_half_up_to_the_cent(amount: str, expected: str) -> None:
    rounded = round_money(Decimal(amount))
    assert rounded == Decimal(expected)
    assert str(rounded) == expected
    assert rounded.as_tuple().exponent == MINOR_UNIT.as_tuple().exponent


def test_round_money_never_returns_negative_zero() -> None:
    assert str(round_money(Decimal("-0.004"))) == "0.00"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (3, Decimal(3)),
        (-3, Decimal(-3)),
        (0.1, Decimal("0.1")),
        (2.675, Decimal("2.675")),
        ("8.5", Decimal("8.5")),
        ("-1.25", Decimal("-1.25")),
        (".5", Decimal("0.5")),
        ("1e3", Decimal("1000")),
        (Decimal("1.10"), Decimal("1.10")),
    ],
)
def test_to_decimal_accepts_numbers(value: object, expected: Decimal) -> None:
    result = to_decimal(value)
    assert result == expected
    assert isinstance(result, Decimal)


@pytest.mark.parametrize(
    "value",
    [
        True,
        False,
        None,
        float("nan"),
        float("inf"),
        float("-inf"),
        Decimal("NaN"),
        Decimal("sNaN"),
        Decimal("Infinity"),
        "NaN",
        "Infinity",
        "",
        " 1",
        "1 ",
        "1_000",
        "abc",
        "1.2.3",
        "\u0661",  # ARABIC-INDIC DIGIT ONE
        [1],
        {"a": 1},
        object(),
    ],
)
def test_to_decimal_rejects_everything_else(value: object) -> None:
    assert to_decimal(value) is None


def test_nothing_is_due_on_a_void_invoice() -> None:
    from gateway.domain.money import amount_due

    zero = Decimal("0.00")
    assert amount_due(Decimal("100.00"), Decimal("40.00"), zero, zero) == Decimal("60.00")
    assert amount_due(Decimal("100.00"), Decimal("40.00"), zero, zero, void=True) == zero
    assert str(amount_due(Decimal("100.00"), zero, zero, zero, void=True)) == "0.00"
    # Credits never make it negative.
    assert amount_due(Decimal("100.00"), Decimal("60.00"), Decimal("50.00"), zero) == zero
