"""The create-credit-note request body: one field table -> CreateCreditNoteCommand. See
gateway.rest.v0_fields for how a table is read.

    {"lines": [{"position": 0, "quantity": 1}], "reason": "order_change"}
    {"amount": 25.5, "memo": "Goodwill", "credit_to": "customer_balance"}
"""

from __future__ import annotations

from decimal import Decimal

from gateway.domain import credit_note_rules as rules
from gateway.domain.credit_notes import CreateCreditNoteCommand, CreditLine, CreditReason, CreditTo
from gateway.domain.errors import InvalidInput
from gateway.domain.problems import Problem
from gateway.domain.value_rules import Bounded, Choice, Count, Each
from gateway.rest.v0_fields import Kind, V0Field, body_object, parse_fields

REASON = Choice(list(CreditReason))
CREDIT_TO = Choice(list(CreditTo))
POSITION = Bounded(Decimal(0), Decimal(9999))
LINES = Each(Count(1, rules.MAX_LINES))
NOT_NUMBER = Problem((), "NOT_NUMBER", "must be a number")


def _line(position: Decimal, quantity: Decimal) -> CreditLine:
    return CreditLine(position=int(position), quantity=quantity)


LINE_FIELDS = (
    V0Field(
        "position", "position", Kind.NUMBER, required=True, rule=POSITION, wrong_type=NOT_NUMBER
    ),
    V0Field(
        "quantity",
        "quantity",
        Kind.NUMERIC,
        required=True,
        rule=rules.QUANTITY,
        wrong_type=rules.QUANTITY.invalid(),
    ),
)
CREDIT_NOTE_FIELDS = (
    V0Field("lines", "lines", Kind.RECORDS, rule=LINES, fields=LINE_FIELDS, record=_line),
    V0Field("amount", "amount", Kind.NUMERIC, rule=rules.AMOUNT, wrong_type=rules.AMOUNT.invalid()),
    V0Field("reason", "reason", Kind.ENUM, choice=REASON),
    V0Field("memo", "memo", Kind.TEXT, rule=rules.MEMO),
    V0Field("credit_to", "credit_to", Kind.ENUM, choice=CREDIT_TO),
    V0Field("refund_method", "refund_method", Kind.ENUM, choice=rules.REFUND_METHOD),
    V0Field("refund_reference", "refund_reference", Kind.TEXT, rule=rules.REFUND_REFERENCE),
)


def parse_create_credit_note(payload: object) -> CreateCreditNoteCommand:
    problems: list[Problem] = []
    values = parse_fields(body_object(payload), CREDIT_NOTE_FIELDS, problems)
    if problems:
        raise InvalidInput(problems)
    command = CreateCreditNoteCommand(
        lines=values["lines"],
        amount=values["amount"],
        reason=values["reason"],
        memo=values["memo"],
        credit_to=values["credit_to"] or CreditTo.REFUND,
        refund_method=values["refund_method"],
        refund_reference=values["refund_reference"],
    )
    return rules.checked_create(command)
