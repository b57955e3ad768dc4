"""Rules for recording a payment against an invoice."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from gateway.domain.errors import (
    InvalidInput,
    InvalidTransition,
    Overpayment,
    PartialPaymentNotAllowed,
    PaymentMethodNotAccepted,
)
from gateway.domain.money import round_money, to_decimal
from gateway.domain.status import (
    InvoiceStatus,
    PaymentMethod,
    ensure_transition,
    status_after_payment,
)

MAX_REFERENCE_LENGTH = 200
# Payments are below this: no NUMERIC(20, 2) money column holds it, so it is never due, and
# round_money can't quantize amounts past 28 digits (decimal.InvalidOperation).
PAYMENT_LIMIT = Decimal(10) ** 18


@dataclass(frozen=True)
class PaymentRequest:
    amount: Decimal
    method: str
    reference: str | None


def parse_payment(payload: dict[str, Any]) -> PaymentRequest:
    """A payment body ({amount, method, reference?}) in the v0 style: every problem at once."""
    problems: list[str] = []
    amount = to_decimal(payload.get("amount"))
    if amount is None or amount <= 0:
        problems.append("amount must be a positive number")
    elif amount >= PAYMENT_LIMIT:
        problems.append(f"amount must be less than {PAYMENT_LIMIT}")
    method = payload.get("method")
    # A list or object is no member either (and `in` would raise on it: unhashable).
    if not isinstance(method, str) or method not in PaymentMethod.__members__:
        allowed = ", ".join(PaymentMethod.__members__)
        problems.append(f"method must be one of the following values: {allowed}")
    reference = payload.get("reference")
    if reference is not None and (
        not isinstance(reference, str) or len(reference) > MAX_REFERENCE_LENGTH
    ):
        problems.append(f"reference must be a string of at most {MAX_REFERENCE_LENGTH} characters")
    elif reference is not None and "\x00" in reference:  # PostgreSQL text cannot store it
        problems.append("reference must not contain null characters")
    if problems or amount is None:
        raise InvalidInput(problems)
    return PaymentRequest(amount, str(method), reference)


@dataclass(frozen=True)
class PaymentOutcome:
    amount: Decimal
    amount_paid: Decimal
    status: InvoiceStatus


def apply_payment(
    *,
    status: InvoiceStatus,
    total: Decimal,
    amount_paid: Decimal,
    amount: Decimal,
    method: str,
    accepted_methods: list[str],
    partial_allowed: bool,
) -> PaymentOutcome:
    """The invoice's amounts and status after `amount` is paid, or the rule it breaks."""
    if not amount.is_finite() or amount <= 0 or round_money(amount) != amount:
        raise InvalidInput(["amount must be a positive amount with at most 2 decimal places"])
    if status in (InvoiceStatus.DRAFT, InvoiceStatus.PAID):
        raise InvalidTransition(f"Cannot record a payment on a {status} invoice")
    if method not in accepted_methods:
        accepted = ", ".join(accepted_methods)
        raise PaymentMethodNotAccepted(
            f"Payment method {method} is not accepted for this invoice (accepted: {accepted})"
        )
    due = total - amount_paid
    if amount > due:
        raise Overpayment(f"Payment of {amount} exceeds the amount due of {due}")
    if amount < due and not partial_allowed:
        raise PartialPaymentNotAllowed(
            f"This invoice does not accept partial payments: pay the amount due of {due}"
        )
    new_paid = amount_paid + amount
    target = status_after_payment(total, new_paid)
    ensure_transition(status, target)
    # Quantized, so the amount reads "1499.90" wherever it goes, as it does once stored.
    return PaymentOutcome(amount=round_money(amount), amount_paid=new_paid, status=target)
