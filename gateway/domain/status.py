"""Invoice status, delivery and payment method enums, and the status lifecycle.

    DRAFT ──send──▶ OPEN ──payment──▶ PARTIALLYPAID ──payment──▶ PAID
                     │  └──────────────full payment─────────────▶ PAID
                     └─due date─▶ PASTDUE ◀─due date─ PARTIALLYPAID
    PASTDUE ──payment──▶ PARTIALLYPAID or PAID
    DRAFT, OPEN, PASTDUE, PARTIALLYPAID, UNCOLLECTIBLE ──void──▶ VOID
    OPEN, PASTDUE, PARTIALLYPAID ──mark uncollectible──▶ UNCOLLECTIBLE ──full payment──▶ PAID

PARTIALLYPAID ──▶ PARTIALLYPAID is allowed too (a further partial payment), and so is
UNCOLLECTIBLE ──▶ UNCOLLECTIBLE (part of a bad debt recovered); every other unchanged
status is refused like any other unlisted pair. PAID and VOID are final.

An invoice holds its number from its creation (the v0 create answer carries it, DRAFT
or OPEN), so a numbered draft that will never be issued is voided, not deleted: the
sequence keeps no hole. VOID and UNCOLLECTIBLE are reached only by these transitions;
no invoice is created in them.
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
    # Cancelled: nothing is due and no payment is accepted any more.
    VOID = "VOID"
    # Bad debt: written off, yet a payment is still accepted (a full one makes it PAID).
    UNCOLLECTIBLE = "UNCOLLECTIBLE"


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

_CLOSABLE = frozenset({InvoiceStatus.VOID, InvoiceStatus.UNCOLLECTIBLE})

ALLOWED_TRANSITIONS: dict[InvoiceStatus, frozenset[InvoiceStatus]] = {
    InvoiceStatus.DRAFT: frozenset({InvoiceStatus.OPEN, InvoiceStatus.VOID}),
    InvoiceStatus.OPEN: frozenset(
        {InvoiceStatus.PARTIALLYPAID, InvoiceStatus.PAID, InvoiceStatus.PASTDUE, *_CLOSABLE}
    ),
    InvoiceStatus.PARTIALLYPAID: frozenset(
        {InvoiceStatus.PARTIALLYPAID, InvoiceStatus.PAID, InvoiceStatus.PASTDUE, *_CLOSABLE}
    ),
    InvoiceStatus.PASTDUE: frozenset({InvoiceStatus.PARTIALLYPAID, InvoiceStatus.PAID, *_CLOSABLE}),
    InvoiceStatus.UNCOLLECTIBLE: frozenset(
        {InvoiceStatus.UNCOLLECTIBLE, InvoiceStatus.PAID, InvoiceStatus.VOID}
    ),
    InvoiceStatus.PAID: frozenset(),
    InvoiceStatus.VOID: frozenset(),
}

# Why a refused transition is refused, where "cannot change" would not say enough.
_REASONS: dict[tuple[InvoiceStatus, InvoiceStatus], str] = {
    (InvoiceStatus.PAID, InvoiceStatus.VOID): (
        "A PAID invoice cannot be voided: it was paid in full"
    ),
    (InvoiceStatus.PAID, InvoiceStatus.UNCOLLECTIBLE): (
        "A PAID invoice cannot be marked uncollectible: it was paid in full"
    ),
    (InvoiceStatus.DRAFT, InvoiceStatus.UNCOLLECTIBLE): (
        "A DRAFT invoice cannot be marked uncollectible: it was never issued; void it instead"
    ),
    (InvoiceStatus.VOID, InvoiceStatus.VOID): "The invoice is already VOID",
    (InvoiceStatus.VOID, InvoiceStatus.UNCOLLECTIBLE): (
        "A VOID invoice cannot be marked uncollectible: nothing is due on it"
    ),
    (InvoiceStatus.UNCOLLECTIBLE, InvoiceStatus.UNCOLLECTIBLE): (
        "The invoice is already UNCOLLECTIBLE"
    ),
    (InvoiceStatus.VOID, InvoiceStatus.OPEN): "A VOID invoice cannot be sent: it was voided",
}


def ensure_transition(current: InvoiceStatus, target: InvoiceStatus) -> None:
    if target not in ALLOWED_TRANSITIONS.get(current, frozenset()):
        reason = _REASONS.get((current, target))
        raise InvalidTransition(
            reason or f"Cannot change invoice status from {current} to {target}"
        )


def ensure_status_change(current: InvoiceStatus, target: InvoiceStatus) -> None:
    """A status a request asks for (void, mark uncollectible): the one the invoice is
    already in is refused, even where a payment may keep it."""
    if current is target:
        raise InvalidTransition(
            _REASONS.get((current, target)) or f"The invoice is already {current}"
        )
    ensure_transition(current, target)


def status_after_part_payment(current: InvoiceStatus) -> InvoiceStatus:
    """The status a payment that leaves something due gives: a bad debt stays one."""
    if current is InvoiceStatus.UNCOLLECTIBLE:
        return InvoiceStatus.UNCOLLECTIBLE
    return InvoiceStatus.PARTIALLYPAID


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
