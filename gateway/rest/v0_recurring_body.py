"""The create- and update-recurring-invoice request bodies. `invoice` is the template: the
create-invoice body (gateway.rest.v0_invoice_body) without its dates; the schedule's
own fields are snake_case like it. See gateway.rest.v0_fields for how a table is read.

    {"invoice": {...}, "interval": "MONTHLY", "anchor_day": 31, "start_date": "2027-01-31",
     "end_date": null, "count": 12, "days_until_due": 30}

An update takes `invoice` (a whole template, replacing the old one), `end_date`, `count`
(null clears either) and `days_until_due`; the interval, anchor day and start date are
fixed at creation.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from gateway.domain import recurring_rules as rules
from gateway.domain.errors import InvalidInput
from gateway.domain.invoice_currency import DEFAULT_CURRENCY
from gateway.domain.problems import Problem
from gateway.domain.recurring import (
    DEFAULT_DAYS_UNTIL_DUE,
    CreateRecurringInvoiceCommand,
    InvoiceTemplate,
    UpdateRecurringInvoiceCommand,
)
from gateway.domain.update_invoice import UNCHANGED
from gateway.rest.v0_fields import NOT_OBJECT, Kind, V0Field, body_object, parse_fields
from gateway.rest.v0_invoice_body import INVOICE_FIELDS

_DATED = ("due_date", "send_date")
TEMPLATE_FIELDS = tuple(spec for spec in INVOICE_FIELDS if spec.name not in _DATED)
TEMPLATE = "invoice"
NOT_INTEGER = Problem((), "NOT_NUMBER", "must be an integer number")

SCHEDULE_FIELDS = (
    V0Field("interval", "interval", Kind.ENUM, required=True, choice=rules.INTERVAL),
    V0Field("anchor_day", "anchor_day", Kind.NUMBER, rule=rules.MONTH_DAY, wrong_type=NOT_INTEGER),
    V0Field("start_date", "start_date", Kind.DATE, required=True),
)
LIMIT_FIELDS = (
    V0Field("end_date", "end_date", Kind.DATE),
    V0Field("count", "count", Kind.NUMBER, rule=rules.COUNT, wrong_type=NOT_INTEGER),
    V0Field(
        "days_until_due",
        "days_until_due",
        Kind.NUMBER,
        rule=rules.DAYS_UNTIL_DUE,
        wrong_type=NOT_INTEGER,
    ),
)
_FIXED = Problem((), "FIXED", "cannot be changed; create another recurring invoice")


def _whole(value: Decimal | None) -> int | None:
    return None if value is None else int(value)


def _template(body: Mapping[str, object], problems: list[Problem]) -> InvoiceTemplate | None:
    raw = body.get(TEMPLATE)
    if not isinstance(raw, Mapping):
        problems.append(NOT_OBJECT.under(TEMPLATE))
        return None
    before = len(problems)
    values = parse_fields(raw, TEMPLATE_FIELDS, problems, (TEMPLATE,))
    if len(problems) > before:
        return None
    values["currency"] = values["currency"] or DEFAULT_CURRENCY
    return InvoiceTemplate(**values)


def parse_create_recurring_invoice(payload: object) -> CreateRecurringInvoiceCommand:
    body = body_object(payload)
    problems: list[Problem] = []
    template = _template(body, problems)
    values = parse_fields(body, (*SCHEDULE_FIELDS, *LIMIT_FIELDS), problems)
    if problems or template is None:
        raise InvalidInput(problems)
    days = _whole(values["days_until_due"])
    return CreateRecurringInvoiceCommand(
        template=template,
        interval=values["interval"],
        start_date=values["start_date"],
        anchor_day=_whole(values["anchor_day"]),
        end_date=values["end_date"],
        count=_whole(values["count"]),
        days_until_due=DEFAULT_DAYS_UNTIL_DUE if days is None else days,
    )


def parse_update_recurring_invoice(payload: object) -> UpdateRecurringInvoiceCommand:
    """Only the fields given."""
    body = body_object(payload)
    problems = [_FIXED.under(spec.name) for spec in SCHEDULE_FIELDS if spec.name in body]
    given: dict[str, Any] = {}
    if TEMPLATE in body:
        given["template"] = _template(body, problems)
    values = parse_fields(body, LIMIT_FIELDS, problems, partial=True)
    if problems:
        raise InvalidInput(problems)
    for name in ("count", "days_until_due"):
        if name in values:
            values[name] = _whole(values[name])
    if values.get("days_until_due", UNCHANGED) is None:
        del values["days_until_due"]  # null: not given
    return UpdateRecurringInvoiceCommand(**given, **values)
