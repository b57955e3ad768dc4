"""What a create-credit-note command must hold, on its own and against its invoice.

On its own: a reason or a memo; lines or an amount, not both; each line a position once,
with a positive quantity (at most 4 decimal places); an amount of whole cents; a refund
method among the payment methods. Against the invoice: an issued invoice (not DRAFT, not
VOID); lines it has, quantities within what earlier credit notes left of them; a total
within what is left to credit.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from gateway.domain.credit_notes import (
    CreateCreditNoteCommand,
    CreditedLine,
    InvoiceLine,
    credited_lines,
)
from gateway.domain.errors import CreditExceedsInvoice, CreditNotAllowed, InvalidInput
from gateway.domain.invoice_rules import PAYMENT_METHOD
from gateway.domain.money import MONEY_PLACES
from gateway.domain.payment_rules import REFERENCE
from gateway.domain.payments import PAYMENT_LIMIT
from gateway.domain.problems import Problem
from gateway.domain.value_rules import Positive, Rule, Text, field_problems

MAX_MEMO_LENGTH = 500
MAX_LINES = 100
QUANTITY_PLACES = 4

AMOUNT = Positive(PAYMENT_LIMIT, places=MONEY_PLACES, exclusive_maximum=True)
QUANTITY = Positive(PAYMENT_LIMIT, places=QUANTITY_PLACES, exclusive_maximum=True)
MEMO = Text(MAX_MEMO_LENGTH)
REFUND_METHOD = PAYMENT_METHOD
REFUND_REFERENCE = REFERENCE

RULES: dict[str, Rule[Any]] = {
    "amount": AMOUNT,
    "memo": MEMO,
    "refund_method": REFUND_METHOD,
    "refund_reference": REFUND_REFERENCE,
}
# Statuses of an invoice that was never issued or no longer stands.
NOT_CREDITABLE = frozenset({"DRAFT", "VOID"})


def command_problems(command: CreateCreditNoteCommand) -> list[Problem]:
    problems = field_problems(RULES, vars(command))
    if command.reason is None and not command.memo:
        problems.append(Problem(("reason",), "REASON_REQUIRED", "or memo must be given"))
    if (command.lines is None) == (command.amount is None):
        message = "or amount must be given, not both"
        problems.append(Problem(("lines",), "LINES_OR_AMOUNT", message))
    lines = command.lines or ()
    if command.lines is not None and not lines:
        problems.append(Problem(("lines",), "EMPTY", "should not be empty"))
    if len(lines) > MAX_LINES:
        message = f"must contain no more than {MAX_LINES} elements"
        problems.append(Problem(("lines",), "TOO_MANY", message))
    seen: set[int] = set()
    for index, line in enumerate(lines):
        if line.position < 0:
            message = "must not be less than 0"
            problems.append(Problem(("lines", index, "position"), "TOO_SMALL", message))
        elif line.position in seen:
            message = "names a line another entry names already"
            problems.append(Problem(("lines", index, "position"), "DUPLICATE_LINE", message))
        seen.add(line.position)
        problems += [p.under("lines", index, "quantity") for p in QUANTITY.check(line.quantity)]
    return problems


def checked_create(command: CreateCreditNoteCommand) -> CreateCreditNoteCommand:
    problems = command_problems(command)
    if problems:
        raise InvalidInput(problems)
    return command


def checked_status(status: str) -> None:
    if status in NOT_CREDITABLE:
        raise CreditNotAllowed(status)


def checked_lines(
    command: CreateCreditNoteCommand, lines: dict[int, InvoiceLine]
) -> tuple[CreditedLine, ...]:
    """The credited lines; InvalidInput for a line the invoice lacks or a quantity past
    what is left of it."""
    problems = []
    for index, line in enumerate(command.lines or ()):
        source = lines.get(line.position)
        if source is None:
            message = "names no line of the invoice"
            problems.append(Problem(("lines", index, "position"), "UNKNOWN_LINE", message))
            continue
        left = source.quantity - source.credited_quantity
        if line.quantity > left:
            message = f"must not be greater than {_plain(left)}, what is left of the line"
            problems.append(Problem(("lines", index, "quantity"), "QUANTITY_EXCEEDS_LINE", message))
    if problems:
        raise InvalidInput(problems)
    return credited_lines(command.lines or (), lines)


def checked_total(total: Decimal, creditable: Decimal) -> None:
    if total <= 0:
        message = "credit nothing: their amounts round to 0.00"
        raise InvalidInput([Problem(("lines",), "NOTHING_CREDITED", message)])
    if total > creditable:
        raise CreditExceedsInvoice(total, creditable)


def _plain(value: Decimal) -> str:
    normalized = value.normalize()
    return format(normalized, "f")
