"""What may be wrong with a create- or update-recurring-invoice command.

The template meets the createInvoice rules (gateway.domain.invoice_rules), reported
under `invoice`, the name both surfaces give it. The v0 parser
(gateway.rest.v0_recurring_body) runs the field rules as it reads; GraphQL calls
`checked_create` / `checked_update`, which run all of them. The rules that compare two
fields or a date with today (`schedule_problems`) run on both paths.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from typing import Any

from gateway.domain import invoice_rules
from gateway.domain.errors import InvalidInput
from gateway.domain.problems import Problem, under
from gateway.domain.recurring import (
    DAYS_IN_WEEK,
    MAX_COUNT,
    MAX_DAYS_UNTIL_DUE,
    MAX_MONTH_DAY,
    CreateRecurringInvoiceCommand,
    Interval,
    InvoiceTemplate,
    UpdateRecurringInvoiceCommand,
)
from gateway.domain.value_rules import Bounded, Choice, Rule, field_problems

INTERVAL = Choice(list(Interval))
MONTH_DAY = Bounded(Decimal(1), Decimal(MAX_MONTH_DAY))
WEEKDAY = Bounded(Decimal(1), Decimal(DAYS_IN_WEEK))
COUNT = Bounded(Decimal(1), Decimal(MAX_COUNT))
DAYS_UNTIL_DUE = Bounded(Decimal(0), Decimal(MAX_DAYS_UNTIL_DUE))
TEMPLATE_PATH = ("invoice",)
# A start this far ahead at most: every period's date stays far inside the calendar.
MAX_START_YEARS = 10

RULES: dict[str, Rule[Any]] = {"count": COUNT, "days_until_due": DAYS_UNTIL_DUE}


def anchor_rule(interval: Interval) -> Bounded:
    """ISO weekday for WEEKLY, day of the month otherwise."""
    return WEEKDAY if interval is Interval.WEEKLY else MONTH_DAY


def template_problems(template: InvoiceTemplate) -> list[Problem]:
    return under(TEMPLATE_PATH, field_problems(invoice_rules.RULES, vars(template)))


def canonical_template(template: InvoiceTemplate) -> InvoiceTemplate:
    """customer_id lowercased, payment methods without duplicates, as createInvoice."""
    return InvoiceTemplate.of(invoice_rules.canonical_create(template.command(date.min)))


def schedule_problems(
    start_date: date, end_date: date | None, today: date | None = None
) -> list[Problem]:
    """An end before the start; a start before `today` or too far after it (on create)."""
    problems = []
    if today is not None and start_date < today:
        problems.append(Problem(("start_date",), "START_DATE_IN_PAST", "must not be in the past"))
    if today is not None and start_date.year - today.year > MAX_START_YEARS:
        message = f"must be within {MAX_START_YEARS} years from today"
        problems.append(Problem(("start_date",), "START_DATE_TOO_LATE", message))
    if end_date is not None and end_date < start_date:
        message = "must not be before start_date"
        problems.append(Problem(("end_date",), "END_BEFORE_START", message))
    return problems


def checked_create(
    command: CreateRecurringInvoiceCommand, today: date
) -> CreateRecurringInvoiceCommand:
    problems = template_problems(command.template)
    problems += field_problems(RULES, vars(command))
    if command.anchor_day is not None:
        found = anchor_rule(command.interval).check(command.anchor_day)
        problems += under(("anchor_day",), found)
    problems += schedule_problems(command.start_date, command.end_date, today)
    if problems:
        raise InvalidInput(problems)
    return dataclasses.replace(command, template=canonical_template(command.template))


def checked_update(
    command: UpdateRecurringInvoiceCommand, start_date: date
) -> UpdateRecurringInvoiceCommand:
    changes = command.changes()
    template = changes.get("template")
    problems = [] if template is None else template_problems(template)  # type: ignore[arg-type]
    problems += field_problems(RULES, changes)
    end_date = changes.get("end_date")
    if isinstance(end_date, date):
        problems += schedule_problems(start_date, end_date)
    if problems:
        raise InvalidInput(problems)
    if isinstance(template, InvoiceTemplate):
        return dataclasses.replace(command, template=canonical_template(template))
    return command
