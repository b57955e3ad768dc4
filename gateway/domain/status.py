"""Invoice status, delivery and payment method enums, and the status lifecycle.

    DRAFT ──send──▶ OPEN ──payment──▶ PARTIALLYPAID ──payment──▶ PAID
                     │  └──────────────full payment─────────────▶ PAID
                     └─due date─▶ PASTDUE ◀─due date─ PARTIALLYPAID
    PASTDUE ──payment──▶ PARTIALLYPAID or PAID

PARTIALLYPAID ──▶ PARTIALLYPAID is allowed too (a further partial payment); every other
unchanged status is refused like any other unlisted pair. PAID is final.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from gateway.domain.errors import InvalidTransition


class InvoiceStatus(StrEnum):
    DRAFT = "DRAFT"
    OPEN = "OPEN"
    PAID = "PAID"
    PASTDUE = "PASTDUE"
    PARTIALLYPAID = "PARTIALLYPAID"


class DeliveryMethod(StrEnum):
    EMAIL = "EMAIL"
    MANUALLY = "MANUALLY"


class PaymentMethod(StrEnum):
    CRYPTO = "CRYPTO"
    BANK_TRANSFER = "BANK_TRANSFER"
    CREDIT_CARD = "CREDIT_CARD"
    CASH = "CASH"
    MOBILE_MONEY = "MOBILE_MONEY"


CREATABLE_STATUSES = frozenset({InvoiceStatus.DRAFT, InvoiceStatus.OPEN})

ALLOWED_TRANSITIONS: dict[InvoiceStatus, frozenset[InvoiceStatus]] = {
    InvoiceStatus.DRAFT: frozenset({InvoiceStatus.OPEN}),
    InvoiceStatus.OPEN: frozenset(
        {InvoiceStatus.PARTIALLYPAID, InvoiceStatus.PAID, InvoiceStatus.PASTDUE}
    ),
    InvoiceStatus.PARTIALLYPAID: frozenset(
        {InvoiceStatus.PARTIALLYPAID, InvoiceStatus.PAID, InvoiceStatus.PASTDUE}
    ),
    InvoiceStatus.PASTDUE: frozenset({InvoiceStatus.PARTIALLYPAID, InvoiceStatus.PAID}),
    InvoiceStatus.PAID: frozenset(),
}


def ensure_transition(current: InvoiceStatus, target: InvoiceStatus) -> None:
    if target not in ALLOWED_TRANSITIONS.get(current, frozenset()):
        raise InvalidTransition(f"Cannot change invoice status from {current} to {target}")


def status_after_payment(total: Decimal, amount_paid: Decimal) -> InvoiceStatus:
    """PAID once `amount_paid` (everything received so far) covers `total`.

    Otherwise PARTIALLYPAID. ValueError if either amount is negative or not finite, or if
    nothing has been paid on a non-zero total (that is no payment at all).
    """
    for label, amount in (("total", total), ("amount paid", amount_paid)):
        if not amount.is_finite() or amount < 0:
            raise ValueError(f"{label} must be a finite, non-negative amount: {amount!r}")
    if amount_paid >= total:
        return InvoiceStatus.PAID
    if amount_paid == 0:
        raise ValueError("no payment received")
    return InvoiceStatus.PARTIALLYPAID


# How a payment method reads on pages, emails and PDFs.
PAYMENT_METHOD_LABELS: dict[str, str] = {
    PaymentMethod.CRYPTO: "Cryptocurrency",
    PaymentMethod.BANK_TRANSFER: "Bank transfer / ACH",
    PaymentMethod.CREDIT_CARD: "Credit card",
    PaymentMethod.CASH: "Cash",
    PaymentMethod.MOBILE_MONEY: "Mobile money",
}
