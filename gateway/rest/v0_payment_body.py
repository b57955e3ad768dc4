"""The v0 record-payment request body ({amount, method, reference?}): its field table.
A wrong or missing value says only what it must be (no "should not be empty")."""

from __future__ import annotations

from gateway.domain import payment_rules as rules
from gateway.domain.errors import InvalidInput
from gateway.domain.payments import PaymentRequest
from gateway.domain.problems import Problem
from gateway.rest.v0_fields import Kind, V0Field, body_object, parse_fields

PAYMENT_FIELDS = (
    V0Field(
        "amount",
        "amount",
        Kind.NUMERIC,
        required=True,
        not_empty=False,
        rule=rules.AMOUNT,
        wrong_type=rules.AMOUNT.invalid(),
    ),
    V0Field("method", "method", Kind.ENUM, required=True, not_empty=False, choice=rules.METHOD),
    V0Field(
        "reference",
        "reference",
        Kind.TEXT,
        rule=rules.REFERENCE,
        wrong_type=rules.REFERENCE.invalid(),
    ),
)


def parse_payment(payload: object) -> PaymentRequest:
    problems: list[Problem] = []
    values = parse_fields(body_object(payload), PAYMENT_FIELDS, problems)
    if problems:
        raise InvalidInput(problems)
    return PaymentRequest(**values)
