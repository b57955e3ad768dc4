"""Recurring invoices: a schedule's periods, its template, its commands and its states.

Periods. A schedule runs every week, month or year from its start date, on its anchor
day; period 0 is the first run date on or after the start date, period n the n-th after:

- WEEKLY: anchor day 1 to 7 is the ISO weekday (1 Monday ... 7 Sunday).
- MONTHLY: anchor day 1 to 31 is the day of the month; a month shorter than the anchor
  day runs on its last day (anchor 31: 30 April, 28 or 29 February), and the next month
  runs on the anchor day again (31 March after 28 February).
- YEARLY: in the start date's month, on the anchor day, with the same rule for a short
  month (anchor 29 in February: 29 February in leap years, 28 otherwise).

A schedule ends after `count` periods, or with the last period on or before `end_date`
(both may be given: whichever comes first). The interval, anchor day and start date are
fixed at creation, so period n always names the same date.

States. ACTIVE runs; PAUSED makes no invoices, and on resume the periods whose run date
went by while paused are skipped, not made up (as Stripe does): the next run is the
first period dated on or after the day of the resume. CANCELLED is final; so is
COMPLETED, reached after the last period.

A run date is a day (UTC): the worker makes its invoice from 00:00 UTC on, dated that
day, due `days_until_due` days later.
"""

from __future__ import annotations

import calendar
import dataclasses
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from gateway.domain.create_invoice import CreateInvoiceCommand, ItemRequest
from gateway.domain.discounts import Discount, DiscountType
from gateway.domain.errors import InvalidTransition
from gateway.domain.invoice_currency import DEFAULT_CURRENCY
from gateway.domain.resource_enums import InvoiceCurrency
from gateway.domain.status import DeliveryMethod, InvoiceStatus, PaymentMethod
from gateway.domain.update_invoice import UNCHANGED, Unchanged

DAYS_IN_WEEK = 7
MAX_MONTH_DAY = 31
MAX_DAYS_UNTIL_DUE = 365
DEFAULT_DAYS_UNTIL_DUE = 30
MAX_COUNT = 1000


class Interval(StrEnum):
    WEEKLY = "WEEKLY"
    MONTHLY = "MONTHLY"
    YEARLY = "YEARLY"


class ScheduleStatus(StrEnum):
    ACTIVE = "ACTIVE"
    PAUSED = "PAUSED"
    CANCELLED = "CANCELLED"
    COMPLETED = "COMPLETED"


class ScheduleAction(StrEnum):
    PAUSE = "pause"
    RESUME = "resume"
    CANCEL = "cancel"
    UPDATE = "update"


_ALLOWED_FROM: dict[ScheduleAction, frozenset[ScheduleStatus]] = {
    ScheduleAction.PAUSE: frozenset({ScheduleStatus.ACTIVE}),
    ScheduleAction.RESUME: frozenset({ScheduleStatus.PAUSED}),
    ScheduleAction.CANCEL: frozenset({ScheduleStatus.ACTIVE, ScheduleStatus.PAUSED}),
    ScheduleAction.UPDATE: frozenset({ScheduleStatus.ACTIVE, ScheduleStatus.PAUSED}),
}

_WHY_NOT = {
    ScheduleStatus.ACTIVE: "it is active",
    ScheduleStatus.PAUSED: "it is already paused",
    ScheduleStatus.CANCELLED: "it is cancelled",
    ScheduleStatus.COMPLETED: "it is completed",
}


def check_action(action: ScheduleAction, status: ScheduleStatus) -> None:
    """InvalidTransition, with its reason, for an action the status does not allow."""
    if status not in _ALLOWED_FROM[action]:
        reason = _WHY_NOT[status]
        if action is ScheduleAction.CANCEL and status is ScheduleStatus.CANCELLED:
            reason = "it is already cancelled"
        raise InvalidTransition(f"Cannot {action.value} this recurring invoice: {reason}")


# --------------------------------------------------------------------------- periods


@dataclass(frozen=True)
class Cadence:
    interval: Interval
    anchor_day: int
    start_date: date

    def run_date(self, period: int) -> date:
        """The day period `period` (0 is the first) runs on."""
        start = self.start_date
        if self.interval is Interval.WEEKLY:
            offset = (self.anchor_day - start.isoweekday()) % DAYS_IN_WEEK
            return start + timedelta(days=offset + DAYS_IN_WEEK * period)
        later = 0 if on_day(start.year, start.month, self.anchor_day) >= start else 1
        if self.interval is Interval.YEARLY:
            return on_day(start.year + later + period, start.month, self.anchor_day)
        months = start.year * 12 + start.month - 1 + later + period
        return on_day(months // 12, months % 12 + 1, self.anchor_day)

    def first_period_on_or_after(self, day: date) -> int:
        """The first period whose run date is `day` or later."""
        least_days = {Interval.WEEKLY: 7, Interval.MONTHLY: 28, Interval.YEARLY: 365}
        # A guess at or past the answer, then back and forward to it.
        period = max(0, (day - self.run_date(0)).days // least_days[self.interval])
        while period > 0 and self.run_date(period - 1) >= day:
            period -= 1
        while self.run_date(period) < day:
            period += 1
        return period


def on_day(year: int, month: int, day: int) -> date:
    """`day` of the month, or the month's last day if it has fewer."""
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def default_anchor_day(interval: Interval, start_date: date) -> int:
    """The start date's weekday (WEEKLY) or day of the month."""
    return start_date.isoweekday() if interval is Interval.WEEKLY else start_date.day


@dataclass(frozen=True)
class Limits:
    """Where a schedule ends: after `count` periods, after `end_date`, or never."""

    end_date: date | None = None
    count: int | None = None

    def has(self, cadence: Cadence, period: int) -> bool:
        if self.count is not None and period >= self.count:
            return False
        return self.end_date is None or cadence.run_date(period) <= self.end_date


def next_run(cadence: Cadence, limits: Limits, period: int) -> date | None:
    """The run date of `period`, or None if the schedule ends before it."""
    return cadence.run_date(period) if limits.has(cadence, period) else None


# --------------------------------------------------------------------------- template


@dataclass(frozen=True)
class InvoiceTemplate:
    """What every invoice of a schedule is made of: a createInvoice command without its
    dates (the due date follows from the period, `days_until_due` after it)."""

    name: str
    email: str
    customer_id: str
    wallet_id: str
    items: tuple[ItemRequest, ...]
    delivery: DeliveryMethod
    payment_link: bool
    payment_methods: tuple[PaymentMethod, ...]
    status: InvoiceStatus
    partial_payment: bool
    address: str | None = None
    phone_number: str | None = None
    logo: str | None = None
    tax_id: str | None = None
    currency: InvoiceCurrency = DEFAULT_CURRENCY
    # Off the whole invoice, after each line's own (gateway.domain.discounts).
    discount: Discount | None = None

    def command(self, due_date: date) -> CreateInvoiceCommand:
        return CreateInvoiceCommand(**vars(self), due_date=due_date)

    @classmethod
    def of(cls, command: CreateInvoiceCommand) -> InvoiceTemplate:
        names = [field.name for field in dataclasses.fields(cls)]
        return cls(**{name: getattr(command, name) for name in names})

    def stored(self) -> dict[str, Any]:
        """As JSON keeps it (gateway.db.tables.RecurringInvoice.template): numbers as
        text, so no float ever holds a price, quantity or discount."""
        values = vars(self) | {
            "items": [_stored_item(item) for item in self.items],
            "payment_methods": [method.value for method in self.payment_methods],
        }
        stored = {name: getattr(value, "value", value) for name, value in values.items()}
        return stored | {"discount": _stored_discount(self.discount)}

    @classmethod
    def from_stored(cls, data: dict[str, Any]) -> InvoiceTemplate:
        """Also a template stored before lines had discounts and descriptions."""
        return cls(
            **data
            | {
                "items": tuple(_item_of(item) for item in data["items"]),
                "delivery": DeliveryMethod(data["delivery"]),
                "payment_methods": tuple(PaymentMethod(m) for m in data["payment_methods"]),
                "status": InvoiceStatus(data["status"]),
                "currency": InvoiceCurrency(data["currency"]),
                "discount": _discount_of(data.get("discount")),
            }
        )


def _stored_discount(discount: Discount | None) -> dict[str, str] | None:
    if discount is None:
        return None
    return {"type": discount.type.value, "value": str(discount.value)}


def _discount_of(stored: dict[str, str] | None) -> Discount | None:
    if stored is None:
        return None
    return Discount(DiscountType(stored["type"]), Decimal(stored["value"]))


def _stored_item(item: ItemRequest) -> dict[str, Any]:
    return {
        "product_id": item.product_id,
        "quantity": str(item.quantity),
        "description": item.description,
        "unit_price": None if item.unit_price is None else str(item.unit_price),
        "discount": _stored_discount(item.discount),
    }


def _item_of(stored: dict[str, Any]) -> ItemRequest:
    price = stored.get("unit_price")
    return ItemRequest(
        product_id=stored["product_id"],
        quantity=Decimal(stored["quantity"]),
        description=stored.get("description"),
        unit_price=None if price is None else Decimal(price),
        discount=_discount_of(stored.get("discount")),
    )


def due_date_for(run_date: date, days_until_due: int) -> date:
    return run_date + timedelta(days=days_until_due)


# --------------------------------------------------------------------------- commands


@dataclass(frozen=True)
class CreateRecurringInvoiceCommand:
    template: InvoiceTemplate
    interval: Interval
    start_date: date
    anchor_day: int | None = None  # None: default_anchor_day
    end_date: date | None = None
    count: int | None = None
    days_until_due: int = DEFAULT_DAYS_UNTIL_DUE

    @property
    def cadence(self) -> Cadence:
        anchor = self.anchor_day
        if anchor is None:
            anchor = default_anchor_day(self.interval, self.start_date)
        return Cadence(self.interval, anchor, self.start_date)


@dataclass(frozen=True)
class UpdateRecurringInvoiceCommand:
    """Changes for the periods still to come; UNCHANGED keeps the stored value, None
    clears end_date or count. A template given replaces the whole template."""

    template: InvoiceTemplate | Unchanged = UNCHANGED
    end_date: date | Unchanged | None = UNCHANGED
    count: int | Unchanged | None = UNCHANGED
    days_until_due: int | Unchanged = UNCHANGED

    def changes(self) -> dict[str, object]:
        return {
            field.name: value
            for field in dataclasses.fields(self)
            if (value := getattr(self, field.name)) is not UNCHANGED
        }
