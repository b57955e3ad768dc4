from __future__ import annotations

import itertools
from decimal import Decimal

import pytest

from gateway.domain.errors import InvalidTransition
from gateway.domain.status import (
    CREATABLE_STATUSES,
    DeliveryMethod,
    InvoiceStatus,
    PaymentMethod,
    ensure_status_change,
    ensure_transition,
    status_after_part_payment,
    status_after_payment,
)

S = InvoiceStatus

ALLOWED = {
    (S.DRAFT, S.OPEN),  # send
    (S.OPEN, S.PARTIALLYPAID),  # partial payment
    (S.OPEN, S.PAID),  # full payment
    (S.PARTIALLYPAID, S.PARTIALLYPAID),  # a further partial payment
    (S.PARTIALLYPAID, S.PAID),
    (S.OPEN, S.PASTDUE),  # due date passed
    (S.PARTIALLYPAID, S.PASTDUE),
    (S.PASTDUE, S.PARTIALLYPAID),
    (S.PASTDUE, S.PAID),
    # void: an issued invoice that has not been paid in full, or a numbered draft
    (S.DRAFT, S.VOID),
    (S.OPEN, S.VOID),
    (S.PASTDUE, S.VOID),
    (S.PARTIALLYPAID, S.VOID),
    (S.UNCOLLECTIBLE, S.VOID),
    # bad debt; a payment is still accepted
    (S.OPEN, S.UNCOLLECTIBLE),
    (S.PASTDUE, S.UNCOLLECTIBLE),
    (S.PARTIALLYPAID, S.UNCOLLECTIBLE),
    (S.UNCOLLECTIBLE, S.UNCOLLECTIBLE),  # part of it recovered
    (S.UNCOLLECTIBLE, S.PAID),
}
REFUSED = set(itertools.product(S, S)) - ALLOWED
# Refusals that say why in their own words.
REASONED = {
    (S.PAID, S.VOID): "A PAID invoice cannot be voided: it was paid in full",
    (S.PAID, S.UNCOLLECTIBLE): (
        "A PAID invoice cannot be marked uncollectible: it was paid in full"
    ),
    (S.DRAFT, S.UNCOLLECTIBLE): (
        "A DRAFT invoice cannot be marked uncollectible: it was never issued; void it instead"
    ),
    (S.VOID, S.VOID): "The invoice is already VOID",
    (S.VOID, S.UNCOLLECTIBLE): (
        "A VOID invoice cannot be marked uncollectible: nothing is due on it"
    ),
    (S.VOID, S.OPEN): "A VOID invoice cannot be sent: it was voided",
}


def test_enum_values_are_the_spec_strings() -> None:
    assert [s.value for s in S] == [
        "DRAFT",
        "OPEN",
        "PAID",
        "PASTDUE",
        "PARTIALLYPAID",
        "VOID",
        "UNCOLLECTIBLE",
    ]
    assert [d.value for d in DeliveryMethod] == ["EMAIL", "MANUALLY"]
    assert [p.value for p in PaymentMethod] == [
        "CRYPTO",
        "BANK_TRANSFER",
        "CREDIT_CARD",
        "CASH",
        "MOBILE_MONEY",
    ]
    assert S.OPEN == "OPEN"
    assert {S.DRAFT, S.OPEN} == CREATABLE_STATUSES


@pytest.mark.parametrize(("current", "target"), sorted(ALLOWED))
def test_allowed_transitions(current: InvoiceStatus, target: InvoiceStatus) -> None:
    ensure_transition(current, target)


@pytest.mark.parametrize(("current", "target"), sorted(REFUSED))
def test_refused_transitions(current: InvoiceStatus, target: InvoiceStatus) -> None:
    with pytest.raises(InvalidTransition) as caught:
        ensure_transition(current, target)
    expected = f"Cannot change invoice status from {current} to {target}"
    assert caught.value.message == REASONED.get((current, target), expected)
    assert caught.value.code == "INVALID_TRANSITION"
    assert caught.value.status_code == 400


def test_refusal_message_reads_well() -> None:
    with pytest.raises(
        InvalidTransition, match=r"^Cannot change invoice status from PAID to OPEN$"
    ):
        ensure_transition(S.PAID, S.OPEN)


def test_every_pair_is_covered() -> None:
    assert len(ALLOWED) + len(REFUSED) == len(S) ** 2


@pytest.mark.parametrize(
    ("total", "paid", "expected"),
    [
        ("100.00", "100.00", S.PAID),
        ("100.00", "150.00", S.PAID),  # overpaid
        ("100.00", "99.99", S.PARTIALLYPAID),
        ("100.00", "0.01", S.PARTIALLYPAID),
        ("0.00", "0.00", S.PAID),
    ],
)
def test_status_after_payment(total: str, paid: str, expected: InvoiceStatus) -> None:
    assert status_after_payment(Decimal(total), Decimal(paid)) is expected


@pytest.mark.parametrize(
    ("total", "paid"),
    [("100.00", "0.00"), ("100.00", "-1"), ("-1", "5"), ("NaN", "1"), ("100", "Infinity")],
)
def test_status_after_payment_rejects_non_payments(total: str, paid: str) -> None:
    with pytest.raises(ValueError):
        status_after_payment(Decimal(total), Decimal(paid))


def test_a_bad_debt_stays_one_until_paid_in_full() -> None:
    assert status_after_part_payment(S.UNCOLLECTIBLE) is S.UNCOLLECTIBLE
    assert status_after_part_payment(S.OPEN) is S.PARTIALLYPAID
    assert status_after_part_payment(S.PASTDUE) is S.PARTIALLYPAID


def test_a_requested_status_the_invoice_has_is_refused() -> None:
    with pytest.raises(InvalidTransition, match=r"^The invoice is already UNCOLLECTIBLE$"):
        ensure_status_change(S.UNCOLLECTIBLE, S.UNCOLLECTIBLE)
    with pytest.raises(InvalidTransition, match=r"^The invoice is already VOID$"):
        ensure_status_change(S.VOID, S.VOID)
    ensure_status_change(S.UNCOLLECTIBLE, S.VOID)
    ensure_status_change(S.OPEN, S.UNCOLLECTIBLE)
