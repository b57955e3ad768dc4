"""Credit notes: a numbered document that corrects an issued invoice, never an edit of it.

A credit note credits chosen lines (a quantity of each) or an amount. Its tax is the
invoice's tax in proportion, rounded once (gateway.domain.money); its total first lowers
what is still due on the invoice, and what it credits past that goes back to the customer
as a refund or as a credit balance the customer's next invoice consumes.

    lines:  each line's amount = line_total * quantity / line quantity, rounded once,
            where line_total is what the line comes to after its discounts;
            net = their sum; tax = invoice tax * net / invoice subtotal, rounded once,
            where the subtotal is what was taxed (after discounts);
            total = net + tax (net when the invoice's prices contain the tax)
    amount: total = amount; tax = invoice tax * amount / invoice total, rounded once
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from gateway.domain.money import ZERO, amount_due, round_money
from gateway.domain.status import PaymentMethod


class CreditReason(StrEnum):
    DUPLICATE = "duplicate"
    FRAUDULENT = "fraudulent"
    ORDER_CHANGE = "order_change"
    PRODUCT_UNSATISFACTORY = "product_unsatisfactory"


class CreditTo(StrEnum):
    """Where the part of a credit past what is still due goes."""

    REFUND = "refund"
    CUSTOMER_BALANCE = "customer_balance"


DEFAULT_NUMBER_FORMAT = "CN-{number:06d}"


@dataclass(frozen=True)
class CreditLine:
    """`quantity` of the invoice line at `position`."""

    position: int
    quantity: Decimal


@dataclass(frozen=True)
class CreateCreditNoteCommand:
    """Exactly one of `lines` and `amount`; a `reason`, a `memo` or both."""

    lines: tuple[CreditLine, ...] | None = None
    amount: Decimal | None = None
    reason: CreditReason | None = None
    memo: str | None = None
    credit_to: CreditTo = CreditTo.REFUND
    refund_method: PaymentMethod | None = None
    refund_reference: str | None = None


@dataclass(frozen=True)
class InvoiceLine:
    """An invoice line as a credit note sees it: what it was, and how much of its
    quantity credit notes took already."""

    position: int
    name: str
    quantity: Decimal
    unit_price: Decimal
    line_total: Decimal
    credited_quantity: Decimal = ZERO


@dataclass(frozen=True)
class InvoiceAmounts:
    subtotal: Decimal
    tax_amount: Decimal
    total: Decimal
    amount_paid: Decimal
    amount_credited: Decimal
    credit_applied: Decimal

    @property
    def due(self) -> Decimal:
        return amount_due(self.total, self.amount_paid, self.amount_credited, self.credit_applied)

    @property
    def creditable(self) -> Decimal:
        """What credit notes may still credit: the total less what they credited."""
        return self.total - self.amount_credited

    @property
    def tax_inclusive(self) -> bool:
        # Inclusive tax: the lines' prices hold it, so the total is the subtotal.
        return self.tax_amount > 0 and self.total == self.subtotal


@dataclass(frozen=True)
class CreditedLine:
    position: int
    name: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal


@dataclass(frozen=True)
class CreditNoteAmounts:
    """What a credit note credits, and where it goes: `applied` lowers the invoice's
    amount due; `refunded` or `to_balance` (one of them, never both) is the rest."""

    lines: tuple[CreditedLine, ...]
    subtotal: Decimal
    tax_amount: Decimal
    total: Decimal
    applied: Decimal
    refunded: Decimal
    to_balance: Decimal


def _share(amount: Decimal, part: Decimal, whole: Decimal) -> Decimal:
    return ZERO if whole <= 0 else round_money(amount * part / whole)


def credited_lines(
    wanted: tuple[CreditLine, ...], lines: dict[int, InvoiceLine]
) -> tuple[CreditedLine, ...]:
    """The amount of each wanted line (they are known and within their quantities)."""
    credited = []
    for line in wanted:
        source = lines[line.position]
        credited.append(
            CreditedLine(
                position=line.position,
                name=source.name,
                quantity=line.quantity,
                unit_price=source.unit_price,
                amount=_share(source.line_total, line.quantity, source.quantity),
            )
        )
    return tuple(credited)


def credit_note_amounts(
    invoice: InvoiceAmounts,
    credit_to: CreditTo,
    *,
    lines: tuple[CreditedLine, ...] = (),
    amount: Decimal | None = None,
) -> CreditNoteAmounts:
    """The totals of a credit note for `lines` or for `amount` (not both)."""
    if amount is None:
        net = sum((line.amount for line in lines), ZERO)
        tax = _share(invoice.tax_amount, net, invoice.subtotal)
        total = net if invoice.tax_inclusive else net + tax
    else:
        total = amount
        tax = _share(invoice.tax_amount, amount, invoice.total)
        net = amount if invoice.tax_inclusive else amount - tax
    applied = min(total, invoice.due)
    rest = total - applied
    refund = credit_to is CreditTo.REFUND
    return CreditNoteAmounts(
        lines=lines,
        subtotal=net,
        tax_amount=tax,
        total=total,
        applied=applied,
        refunded=rest if refund else ZERO,
        to_balance=ZERO if refund else rest,
    )
