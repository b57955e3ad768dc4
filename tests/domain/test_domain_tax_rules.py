"""The tax commands' rules, without I/O."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gateway.domain.errors import ForeignAppId, InvalidInput
from gateway.domain.tax_rules import check_app_ids, checked_create, checked_update
from gateway.domain.taxes import CreateTaxCommand, UpdateTaxCommand
from gateway.domain.update_invoice import UNCHANGED


def messages(exc: pytest.ExceptionInfo[InvalidInput]) -> list[str]:
    return exc.value.messages


@pytest.mark.parametrize("percentage", ["0", "100", "8.5", "99.9999", "100.0000", "1E+1"])
def test_percentages_from_0_to_100_with_4_places(percentage: str) -> None:
    command = CreateTaxCommand(name="VAT", percentage=Decimal(percentage))
    assert checked_create(command) == command


@pytest.mark.parametrize(
    ("percentage", "message"),
    [
        ("-0.0001", "percentage must not be less than 0"),
        ("100.0001", "percentage must not be greater than 100"),
        ("1E+400", "percentage must not be greater than 100"),
        ("1.00001", "percentage must have at most 4 decimal places"),
    ],
)
def test_percentages_outside(percentage: str, message: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        checked_create(CreateTaxCommand(name="VAT", percentage=Decimal(percentage)))
    assert messages(exc) == [message]


def test_every_field_problem_at_once() -> None:
    command = CreateTaxCommand(
        name="",
        percentage=Decimal(-1),
        description="d" * 256,
        app_ids=("", "a" * 65, *("x",) * 8),
    )
    with pytest.raises(InvalidInput) as exc:
        checked_create(command)
    assert messages(exc) == [
        "name should not be empty",
        "percentage must not be less than 0",
        "description must be shorter than or equal to 255 characters",
        # class-validator's `each`: the first value at fault speaks for the list.
        "each value in app_ids should not be empty",
    ]
    with pytest.raises(InvalidInput) as exc:
        checked_create(CreateTaxCommand(name="T", percentage=Decimal(1), app_ids=("a",) * 11))
    assert messages(exc) == ["app_ids must contain no more than 10 elements"]


def test_an_update_checks_only_what_it_changes() -> None:
    assert checked_update(UpdateTaxCommand()).changes() == {}
    clear = UpdateTaxCommand(description=None)
    assert checked_update(clear).changes() == {"description": None}
    with pytest.raises(InvalidInput) as exc:
        checked_update(UpdateTaxCommand(name="n\x00", percentage=UNCHANGED))
    assert messages(exc) == ["name must not contain null or surrogate characters"]


def test_app_ids_name_only_the_own_app() -> None:
    check_app_ids((), "app_1")
    check_app_ids(("app_1", "app_1"), "app_1")
    with pytest.raises(ForeignAppId) as exc:
        check_app_ids(("app_1", "app_2", "app_3"), "app_1")
    assert exc.value.message == "appIds may name only the app making the request (app_1), not app_2"
    assert exc.value.path == ("app_ids",)
