from __future__ import annotations

from decimal import Decimal

import pytest

from gateway.domain.errors import (
    InvalidInput,
    InvalidTransition,
    Overpayment,
    PartialPaymentNotAllowed,
    PaymentMethodNotAccepted,
)
from gateway.domain.payments import apply_payment
from gateway.domain.status import InvoiceStatus as S

D = Decimal


def pay(status: S = S.OPEN, paid: str = "0.00", amount: str = "100.00", **kw: object) -> object:
    args: dict[str, object] = {
        "status": status,
        "total": D("100.00"),
        "amount_paid": D(paid),
        "amount": D(amount),
        "method": "CRYPTO",
        "accepted_methods": ["CRYPTO", "CASH"],
        "partial_allowed": True,
    }
    args.update(kw)
    return apply_payment(**args)  # type: ignore[arg-type]


def test_full_payment_pays_the_invoice() -> None:
    outcome = pay()
    assert outcome.status is S.PAID and outcome.amount_paid == D("100.00")


@pytest.mark.parametrize("status", [S.OPEN, S.PASTDUE, S.PARTIALLYPAID])
def test_partial_then_rest(status: S) -> None:
    first = pay(status, paid="0.00" if status is not S.PARTIALLYPAID else "10.00", amount="40.00")
    assert first.status is S.PARTIALLYPAID
    rest = pay(
        S.PARTIALLYPAID, paid=str(first.amount_paid), amount=str(D("100.00") - first.amount_paid)
    )
    assert rest.status is S.PAID


@pytest.mark.parametrize("status", [S.DRAFT, S.PAID])
def test_no_payment_on_draft_or_paid(status: S) -> None:
    with pytest.raises(InvalidTransition, match=f"on a {status} invoice"):
        pay(status)


def test_overpayment_refused() -> None:
    with pytest.raises(Overpayment, match=r"exceeds the amount due of 60\.00"):
        pay(S.PARTIALLYPAID, paid="40.00", amount="60.01")


def test_partial_refused_when_not_allowed() -> None:
    with pytest.raises(PartialPaymentNotAllowed):
        pay(amount="99.99", partial_allowed=False)


def test_method_must_be_accepted() -> None:
    with pytest.raises(PaymentMethodNotAccepted, match="CREDIT_CARD is not accepted"):
        pay(method="CREDIT_CARD")


@pytest.mark.parametrize("amount", ["0", "-1", "0.001", "NaN"])
def test_amount_must_be_positive_cents(amount: str) -> None:
    with pytest.raises(InvalidInput):
        pay(amount=amount)


def test_amounts_come_out_in_cents_however_many_zeros_they_came_with() -> None:
    outcome = pay(paid="10.00", amount="40.000000000000000000")
    assert outcome.status is S.PARTIALLYPAID
    assert str(outcome.amount) == "40.00"
    assert str(outcome.amount_paid) == "50.00"


@pytest.mark.parametrize("paid", ["0.00", "40.00"])
def test_no_payment_on_a_void_invoice(paid: str) -> None:
    with pytest.raises(InvalidTransition, match="on a VOID invoice: it was voided"):
        pay(S.VOID, paid=paid, amount="10.00")


def test_a_bad_debt_accepts_payments_and_is_paid_by_a_full_one() -> None:
    part = pay(S.UNCOLLECTIBLE, paid="10.00", amount="30.00")
    assert (part.status, part.amount_paid) == (S.UNCOLLECTIBLE, D("40.00"))
    rest = pay(S.UNCOLLECTIBLE, paid="40.00", amount="60.00")
    assert (rest.status, rest.amount_paid) == (S.PAID, D("100.00"))
    with pytest.raises(Overpayment):
        pay(S.UNCOLLECTIBLE, paid="40.00", amount="60.01")
