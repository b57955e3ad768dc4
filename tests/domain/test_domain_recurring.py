"""Recurring periods: anchor days, month ends, leap years; limits; state changes; the
template as stored."""

from __future__ import annotations

import calendar
import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.domain.create_invoice import ItemRequest
from gateway.domain.discounts import Discount, DiscountType
from gateway.domain.errors import InvalidTransition
from gateway.domain.recurring import (
    Cadence,
    Interval,
    InvoiceTemplate,
    Limits,
    ScheduleAction,
    ScheduleStatus,
    check_action,
    next_run,
    on_day,
)
from gateway.domain.status import DeliveryMethod, InvoiceStatus, PaymentMethod

MONTHLY, WEEKLY, YEARLY = Interval.MONTHLY, Interval.WEEKLY, Interval.YEARLY

starts = st.dates(min_value=date(1990, 1, 1), max_value=date(2200, 12, 31))
periods = st.integers(min_value=0, max_value=400)


def runs(cadence: Cadence, count: int) -> list[date]:
    return [cadence.run_date(period) for period in range(count)]


def test_monthly_on_the_31st_falls_on_the_last_day_of_shorter_months() -> None:
    cadence = Cadence(MONTHLY, 31, date(2027, 1, 1))
    assert runs(cadence, 6) == [
        date(2027, 1, 31),
        date(2027, 2, 28),
        date(2027, 3, 31),
        date(2027, 4, 30),
        date(2027, 5, 31),
        date(2027, 6, 30),
    ]
    # 2028 is a leap year.
    assert Cadence(MONTHLY, 31, date(2028, 2, 1)).run_date(0) == date(2028, 2, 29)
    assert Cadence(MONTHLY, 30, date(2028, 2, 1)).run_date(0) == date(2028, 2, 29)


def test_monthly_starts_next_month_when_the_anchor_day_is_past() -> None:
    assert runs(Cadence(MONTHLY, 5, date(2027, 1, 20)), 2) == [date(2027, 2, 5), date(2027, 3, 5)]
    assert runs(Cadence(MONTHLY, 5, date(2027, 12, 20)), 2) == [
        date(2028, 1, 5),
        date(2028, 2, 5),
    ]
    # The start day itself is the first run when it is the anchor day.
    assert Cadence(MONTHLY, 20, date(2027, 1, 20)).run_date(0) == date(2027, 1, 20)
    # A start on the last day of a short month is on the clamped anchor.
    assert Cadence(MONTHLY, 31, date(2027, 2, 28)).run_date(0) == date(2027, 2, 28)


def test_weekly_runs_on_the_iso_weekday() -> None:
    # 2027-01-06 is a Wednesday (3); anchor Monday (1) -> 2027-01-11.
    cadence = Cadence(WEEKLY, 1, date(2027, 1, 6))
    assert runs(cadence, 3) == [date(2027, 1, 11), date(2027, 1, 18), date(2027, 1, 25)]
    assert Cadence(WEEKLY, 3, date(2027, 1, 6)).run_date(0) == date(2027, 1, 6)


def test_yearly_on_29_february_is_28_february_outside_leap_years() -> None:
    cadence = Cadence(YEARLY, 29, date(2028, 2, 1))
    assert runs(cadence, 5) == [
        date(2028, 2, 29),
        date(2029, 2, 28),
        date(2030, 2, 28),
        date(2031, 2, 28),
        date(2032, 2, 29),
    ]
    assert Cadence(YEARLY, 10, date(2027, 3, 11)).run_date(0) == date(2028, 3, 10)


def test_limits_end_after_count_or_end_date() -> None:
    cadence = Cadence(MONTHLY, 15, date(2027, 1, 1))
    assert next_run(cadence, Limits(count=2), 1) == date(2027, 2, 15)
    assert next_run(cadence, Limits(count=2), 2) is None
    assert next_run(cadence, Limits(end_date=date(2027, 3, 15)), 2) == date(2027, 3, 15)
    assert next_run(cadence, Limits(end_date=date(2027, 3, 14)), 2) is None
    assert next_run(cadence, Limits(), 1000) == date(2110, 5, 15)


@given(
    interval=st.sampled_from(list(Interval)),
    day=st.integers(min_value=1, max_value=31),
    start=starts,
    period=periods,
)
def test_runs_follow_the_anchor_and_never_skip_or_repeat_a_period(
    interval: Interval, day: int, start: date, period: int
) -> None:
    anchor = (day - 1) % 7 + 1 if interval is WEEKLY else day
    cadence = Cadence(interval, anchor, start)
    first, this, following = (
        cadence.run_date(0),
        cadence.run_date(period),
        cadence.run_date(period + 1),
    )
    assert first >= start
    assert this < following
    if interval is WEEKLY:
        assert first - start < timedelta(days=7)
        assert this.isoweekday() == anchor
        assert following - this == timedelta(days=7)
    else:
        last_day = calendar.monthrange(this.year, this.month)[1]
        assert this.day == min(anchor, last_day)
        months = (following.year - this.year) * 12 + following.month - this.month
        assert months == (1 if interval is MONTHLY else 12)
        assert (first.year - start.year) * 12 + first.month - start.month <= (
            1 if interval is MONTHLY else 12
        )
    if interval is YEARLY:
        assert this.month == start.month


@given(
    interval=st.sampled_from(list(Interval)),
    day=st.integers(min_value=1, max_value=31),
    start=starts,
    offset=st.integers(min_value=-40, max_value=20_000),
)
def test_first_period_on_or_after_a_day_is_the_least_such_period(
    interval: Interval, day: int, start: date, offset: int
) -> None:
    anchor = (day - 1) % 7 + 1 if interval is WEEKLY else day
    cadence = Cadence(interval, anchor, start)
    target = start + timedelta(days=offset)
    period = cadence.first_period_on_or_after(target)
    assert cadence.run_date(period) >= target
    assert period == 0 or cadence.run_date(period - 1) < target


@given(year=st.integers(min_value=1900, max_value=2400), month=st.integers(1, 12))
def test_on_day_clamps_to_the_month(year: int, month: int) -> None:
    last = calendar.monthrange(year, month)[1]
    assert on_day(year, month, 31).day == last
    assert on_day(year, 2, 29).day == (29 if calendar.isleap(year) else 28)


@pytest.mark.parametrize(
    ("action", "status", "reason"),
    [
        (ScheduleAction.PAUSE, ScheduleStatus.PAUSED, "it is already paused"),
        (ScheduleAction.PAUSE, ScheduleStatus.CANCELLED, "it is cancelled"),
        (ScheduleAction.RESUME, ScheduleStatus.ACTIVE, "it is active"),
        (ScheduleAction.RESUME, ScheduleStatus.CANCELLED, "it is cancelled"),
        (ScheduleAction.RESUME, ScheduleStatus.COMPLETED, "it is completed"),
        (ScheduleAction.CANCEL, ScheduleStatus.CANCELLED, "it is already cancelled"),
        (ScheduleAction.CANCEL, ScheduleStatus.COMPLETED, "it is completed"),
        (ScheduleAction.UPDATE, ScheduleStatus.CANCELLED, "it is cancelled"),
    ],
)
def test_refused_actions_say_why(
    action: ScheduleAction, status: ScheduleStatus, reason: str
) -> None:
    with pytest.raises(InvalidTransition) as refused:
        check_action(action, status)
    assert refused.value.message == f"Cannot {action.value} this recurring invoice: {reason}"


@pytest.mark.parametrize(
    ("action", "status"),
    [
        (ScheduleAction.PAUSE, ScheduleStatus.ACTIVE),
        (ScheduleAction.RESUME, ScheduleStatus.PAUSED),
        (ScheduleAction.CANCEL, ScheduleStatus.ACTIVE),
        (ScheduleAction.CANCEL, ScheduleStatus.PAUSED),
        (ScheduleAction.UPDATE, ScheduleStatus.PAUSED),
    ],
)
def test_allowed_actions(action: ScheduleAction, status: ScheduleStatus) -> None:
    check_action(action, status)


def _template(**overrides: object) -> InvoiceTemplate:
    values: dict[str, object] = {
        "name": "Retainer",
        "email": "client@example.com",
        "customer_id": "550e8400-e29b-41d4-a716-446655440000",
        "wallet_id": "wallet",
        "items": (
            ItemRequest(
                "prod_1", Decimal("2"), discount=Discount(DiscountType.FIXED, Decimal("0.5"))
            ),
            ItemRequest(
                None,
                Decimal("1.2500"),
                description="Garden care",
                unit_price=Decimal("19.99"),
                discount=Discount(DiscountType.PERCENTAGE, Decimal("12.5")),
            ),
        ),
        "delivery": DeliveryMethod.EMAIL,
        "payment_link": True,
        "payment_methods": (PaymentMethod.CRYPTO,),
        "status": InvoiceStatus.OPEN,
        "partial_payment": False,
        "discount": Discount(DiscountType.PERCENTAGE, Decimal("7.25")),
    }
    return InvoiceTemplate(**values | overrides)  # type: ignore[arg-type]


@pytest.mark.parametrize("discount", [None, Discount(DiscountType.FIXED, Decimal("3.10"))])
def test_a_template_comes_back_from_json_with_its_lines_and_discounts(
    discount: Discount | None,
) -> None:
    template = _template(discount=discount)
    stored = json.loads(json.dumps(template.stored()))  # as the JSON column keeps it
    back = InvoiceTemplate.from_stored(stored)
    assert back == template
    assert back.command(date(2030, 1, 1)).discount == discount
    assert back.command(date(2030, 1, 1)).items[1].unit_price == Decimal("19.99")


def test_a_template_stored_before_discounts_reads_without_them() -> None:
    stored = json.loads(json.dumps(_template().stored()))
    del stored["discount"]
    stored["items"] = [{"product_id": "prod_1", "quantity": "2"}]
    back = InvoiceTemplate.from_stored(stored)
    assert back.discount is None
    assert back.items == (ItemRequest("prod_1", Decimal("2")),)
