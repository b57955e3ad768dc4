"""What may be wrong with the values of a record-payment command."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gateway.domain.errors import InvalidInput
from gateway.domain.invoice_rules import PAYMENT_METHOD
from gateway.domain.money import MONEY_PLACES
from gateway.domain.payments import MAX_REFERENCE_LENGTH, PAYMENT_LIMIT, PaymentRequest
from gateway.domain.problems import Problem
from gateway.domain.value_rules import Positive, Rule, field_problems


@dataclass(frozen=True)
class Reference:
    """Your reference for a payment; PostgreSQL text cannot store a NUL."""

    max_length: int = MAX_REFERENCE_LENGTH

    def invalid(self) -> Problem:
        message = f"must be a string of at most {self.max_length} characters"
        return Problem((), "TOO_LONG", message)

    def check(self, value: str) -> list[Problem]:
        if len(value) > self.max_length:
            return [self.invalid()]
        if "\x00" in value:
            return [Problem((), "UNSTORABLE", "must not contain null characters")]
        return []


AMOUNT = Positive(PAYMENT_LIMIT, places=MONEY_PLACES, exclusive_maximum=True)
METHOD = PAYMENT_METHOD
REFERENCE = Reference()

RULES: dict[str, Rule[Any]] = {"amount": AMOUNT, "method": METHOD, "reference": REFERENCE}


def checked_payment(payment: PaymentRequest) -> PaymentRequest:
    problems = field_problems(RULES, vars(payment))
    if problems:
        raise InvalidInput(problems)
    return payment
