from __future__ import annotations

from decimal import Decimal

import pytest

from gateway.domain.errors import InvalidInput
from gateway.domain.product_rules import checked_create, checked_update
from gateway.domain.products import CreateProductCommand, UpdateProductCommand
from gateway.domain.value_rules import Bounded, Count, EachValue, Url


def product(**changes: object) -> CreateProductCommand:
    values: dict[str, object] = {"name": "n", "description": "d", "price": Decimal("1.00")}
    values.update(changes)
    return CreateProductCommand(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (Decimal("0.009"), "must not be less than 0.01"),
        (Decimal("0.011"), "must have at most 2 decimal places"),
        (Decimal("100.01"), "must not be greater than 100"),
        (Decimal("NaN"), "must be a number"),
    ],
)
def test_bounded_refuses(value: Decimal, message: str) -> None:
    rule = Bounded(Decimal("0.01"), Decimal(100), places=2)
    assert [problem.message for problem in rule.check(value)] == [message]


def test_bounded_accepts_its_bounds_and_whole_numbers() -> None:
    assert Bounded(Decimal("0.01"), Decimal(100), places=2).check(Decimal("0.010")) == []
    assert Bounded(Decimal("0.01"), Decimal(100), places=2).check(Decimal(100)) == []
    whole = Bounded(Decimal(0), Decimal(5))
    assert whole.check(5) == []
    assert whole.check(Decimal("2.0")) == []
    assert [p.message for p in whole.check(Decimal("2.5"))] == ["must be an integer number"]


def test_each_value_says_the_first_fault_of_each_value() -> None:
    rule = EachValue(Count(0, 2), Url())
    assert rule.check(()) == []
    assert [p.text for p in rule.check(("https://a.example", "x", "y"))] == [
        "must contain no more than 2 elements"
    ]
    problems = rule.check(("https://a.example", "ftp://b.example"))
    assert [p.under("images").text for p in problems] == [
        "each value in images must be a URL address"
    ]


def test_checked_create_reports_every_field() -> None:
    with pytest.raises(InvalidInput) as caught:
        checked_create(product(name="", price=Decimal(0), stock_count=-1, images=("x",)))
    assert caught.value.messages == [
        "name should not be empty",
        "price must not be less than 0.01",
        "stock_count must not be less than 0",
        "each value in images must be a URL address",
    ]
    assert checked_create(product(stock_count=0, weight=Decimal("0.0001"))) == product(
        stock_count=0, weight=Decimal("0.0001")
    )


def test_checked_update_checks_only_the_changes() -> None:
    assert checked_update(UpdateProductCommand(unit=None)).changes() == {"unit": None}
    with pytest.raises(InvalidInput) as caught:
        checked_update(UpdateProductCommand(weight=Decimal(0), unit="u" * 33))
    assert caught.value.messages == [
        "weight must be a positive number",
        "unit must be shorter than or equal to 32 characters",
    ]
