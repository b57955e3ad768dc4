"""Rules for recording a payment against an invoice."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from gateway.domain.errors import (
    InvalidInput,
    InvalidTransition,
    Overpayment,
    PartialPaymentNotAllowed,
    PaymentMethodNotAccepted,
)
from gateway.domain.money import round_money
from gateway.domain.problems import Problem
from gateway.domain.status import (
    InvoiceStatus,
    PaymentMethod,
    ensure_transition,
    status_after_part_payment,
    status_after_payment,
)

MAX_REFERENCE_LENGTH = 200
# Payments are below this: no NUMERIC(20, 2) money column holds it, so it is never due, and
# round_money can't quantize amounts past 28 digits (decimal.InvalidOperation).
PAYMENT_LIMIT = Decimal(10) ** 18


@dataclass(frozen=True)
class PaymentRequest:
    """The record-payment command (gateway.domain.payment_rules checks its values)."""

    amount: Decimal
    method: PaymentMethod
    reference: str | None


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
        message = "must be a positive amount with at most 2 decimal places"
        raise InvalidInput([Problem(("amount",), "NOT_CENTS", message)])
    if status in (InvoiceStatus.DRAFT, InvoiceStatus.PAID):
        raise InvalidTransition(f"Cannot record a payment on a {status} invoice")
    if status is InvoiceStatus.VOID:
        raise InvalidTransition(
            "Cannot record a payment on a VOID invoice: it was voided and nothing is due"
        )
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
    # Quantized, so the amounts read "1499.90" wherever they go, as they do once stored
    # (1499.900 is exact cents too).
    paid = round_money(amount)
    new_paid = amount_paid + paid
    target = status_after_payment(total, new_paid)
    if target is InvoiceStatus.PARTIALLYPAID:
        target = status_after_part_payment(status)
    ensure_transition(status, target)
    return PaymentOutcome(amount=paid, amount_paid=new_paid, status=target)
