"""The v0 record-payment request body ({amount, method, reference?}): its field table.
A wrong or missing value says only what it must be (no "should not be empty")."""

from __future__ import annotations

from collections.abc import Mapping

from gateway.domain import payment_rules as rules
from gateway.domain.errors import InvalidInput
from gateway.domain.payments import PaymentRequest
from gateway.domain.problems import Problem
from gateway.rest.v0_fields import Kind, V0Field, parse_fields
from gateway.rest.v0_invoice_body import NOT_AN_OBJECT

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
    if not isinstance(payload, Mapping):
        raise InvalidInput([NOT_AN_OBJECT])
    problems: list[Problem] = []
    values = parse_fields(payload, PAYMENT_FIELDS, problems)
    if problems:
        raise InvalidInput(problems)
    return PaymentRequest(**values)
