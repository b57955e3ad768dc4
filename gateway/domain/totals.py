"""Invoice totals: priced lines, discounts, subtotal, tax components and the grand total.

Every line total, every discount and every tax component is rounded once (see
gateway.domain.money); the subtotal, discount, tax amount and total are exact sums of
those rounded amounts. A line's total is its quantity x unit price; the subtotal is the
sum of the line totals, before any discount. Discounts come off before tax, in the order
gateway.domain.discounts gives: each line's own, then the invoice's, allocated across the
lines; what is taxed is the discounted amount, subtotal - discount_amount, the sum of the
lines' net totals.

Exclusive tax (`TaxRule.inclusive` False): components apply in order on top of the
subtotal. A PERCENTAGE component's base is the subtotal, or, when `compound`, the subtotal
plus every earlier component's amount; a FIXED component adds its rate as an amount
(`compound` means nothing for it). total = subtotal - discount_amount + tax_amount.

Inclusive tax: line prices already contain the tax, so total = subtotal - discount_amount
(the discounted gross). The
exclusive chain makes gross an affine function of the net, gross = net * k + c (c is the
fixed amounts, compounded where later components compound on them), so the net is
(gross - c) / k rounded once. FIXED amounts are thereby subtracted from the gross before
the percentages are inverted. Each component is then recomputed from the rounded net and
rounded once; the remainder that makes net + tax_amount == gross exactly goes on the last
component. Nothing is ever negative: when the fixed amounts exceed the gross the net is
0.00 and the tax is the whole gross, and a negative remainder is taken from the last
components first, never driving one below 0.00.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Context, Decimal, localcontext

from gateway.domain.discounts import Discount
from gateway.domain.errors import DiscountExceedsAmount
from gateway.domain.money import allocate, round_money
from gateway.domain.tax import TaxComponent, TaxRule

_ZERO = Decimal("0.00")
_HUNDRED = Decimal(100)
# Fixed arithmetic context, whatever the caller's thread context says.
_CONTEXT = Context(prec=34)


@dataclass(frozen=True)
class Line:
    """quantity > 0 and unit_price >= 0, both finite (ValueError otherwise).

    `product_id` None: a free-form line (a description and a unit price, no product)."""

    product_id: str | None
    quantity: Decimal
    unit_price: Decimal
    discount: Discount | None = None

    def __post_init__(self) -> None:
        if not self.quantity.is_finite() or self.quantity <= 0:
            raise ValueError(f"line quantity must be positive: {self.quantity!r}")
        if not self.unit_price.is_finite() or self.unit_price < 0:
            raise ValueError(f"line unit price must not be negative: {self.unit_price!r}")


@dataclass(frozen=True)
class PricedLine:
    product_id: str | None
    quantity: Decimal
    unit_price: Decimal
    # quantity x unit_price, rounded once: before any discount.
    line_total: Decimal
    discount: Discount | None = None
    # The line's own discount.
    discount_amount: Decimal = _ZERO
    # Its share of the invoice's discount.
    invoice_discount_amount: Decimal = _ZERO

    @property
    def net_total(self) -> Decimal:
        """What the line comes to after every discount, before tax."""
        return self.line_total - self.discount_amount - self.invoice_discount_amount


@dataclass(frozen=True)
class TaxLine:
    name: str
    amount: Decimal


@dataclass(frozen=True)
class Totals:
    lines: tuple[PricedLine, ...]
    # Before any discount: the sum of the line totals.
    subtotal: Decimal
    # The discounted amount without the tax (less than subtotal - discount_amount only
    # when the tax is included in the prices).
    subtotal_excluding_tax: Decimal
    tax_amount: Decimal
    total: Decimal
    taxes: tuple[TaxLine, ...]
    # Every discount: the lines' own and the invoice's.
    discount_amount: Decimal = _ZERO
    # The invoice's own discount (allocated across the lines).
    invoice_discount_amount: Decimal = _ZERO


def invoice_totals(
    lines: Sequence[Line], tax: TaxRule | None, discount: Discount | None = None
) -> Totals:
    """Raises DiscountExceedsAmount for a fixed discount larger than what it comes off."""
    with localcontext(_CONTEXT):
        return _totals(lines, tax, discount)


def _discounted(lines: Sequence[Line]) -> list[PricedLine]:
    priced = []
    for index, line in enumerate(lines):
        line_total = round_money(line.quantity * line.unit_price)
        off = _ZERO if line.discount is None else line.discount.amount_off(line_total)
        if off > line_total:
            raise DiscountExceedsAmount(("items", index, "discount"), off, line_total)
        priced.append(
            PricedLine(
                product_id=line.product_id,
                quantity=line.quantity,
                unit_price=line.unit_price,
                line_total=line_total,
                discount=line.discount,
                discount_amount=off,
            )
        )
    return priced


def _totals(lines: Sequence[Line], tax: TaxRule | None, discount: Discount | None) -> Totals:
    priced = _discounted(lines)
    nets = [line.net_total for line in priced]
    left = sum(nets, _ZERO)
    off = _ZERO if discount is None else discount.amount_off(left)
    if off > left:
        raise DiscountExceedsAmount(("discount",), off, left)
    shares = allocate(off, nets)
    priced = [
        dataclasses.replace(line, invoice_discount_amount=share)
        for line, share in zip(priced, shares, strict=True)
    ]
    subtotal = sum((line.line_total for line in priced), _ZERO)
    discounted = left - off
    components = tax.components if tax is not None else ()
    if tax is not None and tax.inclusive:
        net, amounts = _inclusive(discounted, components)
    else:
        net, amounts = discounted, _exclusive(discounted, components)
    tax_amount = sum(amounts, _ZERO)
    return Totals(
        lines=tuple(priced),
        subtotal=subtotal,
        discount_amount=subtotal - discounted,
        invoice_discount_amount=off,
        subtotal_excluding_tax=net,
        tax_amount=tax_amount,
        total=net + tax_amount,
        taxes=tuple(
            TaxLine(name=component.name, amount=amount)
            for component, amount in zip(components, amounts, strict=True)
        ),
    )


def _exclusive(net: Decimal, components: Sequence[TaxComponent]) -> list[Decimal]:
    """Each component's amount on top of `net`, in order, each rounded once."""
    amounts: list[Decimal] = []
    earlier = _ZERO
    for component in components:
        if component.kind == "FIXED":
            amount = round_money(component.rate)
        else:
            base = net + earlier if component.compound else net
            amount = round_money(base * component.rate / _HUNDRED)
        amounts.append(amount)
        earlier += amount
    return amounts


def _inclusive(gross: Decimal, components: Sequence[TaxComponent]) -> tuple[Decimal, list[Decimal]]:
    # Accumulated tax after each component is slope * net + offset.
    slope, offset = Decimal(0), Decimal(0)
    for component in components:
        rate = component.rate / _HUNDRED
        if component.kind == "FIXED":
            offset += round_money(component.rate)
        elif component.compound:
            slope, offset = slope + rate * (1 + slope), offset + rate * offset
        else:
            slope += rate
    net = max(round_money((gross - offset) / (1 + slope)), _ZERO)
    amounts = _exclusive(net, components)
    remainder = gross - net - sum(amounts, _ZERO)
    if remainder > 0:
        amounts[-1] += remainder
    for index in reversed(range(len(amounts))):
        if remainder >= 0:
            break
        taken = min(amounts[index], -remainder)
        amounts[index] -= taken
        remainder += taken
    return net, amounts
