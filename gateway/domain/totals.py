"""Invoice totals: priced lines, subtotal, tax components and the grand total.

Every line total and every tax component is rounded once (see gateway.domain.money); the
subtotal, tax amount and total are exact sums of those rounded amounts.

Exclusive tax (`TaxRule.inclusive` False): components apply in order on top of the
subtotal. A PERCENTAGE component's base is the subtotal, or, when `compound`, the subtotal
plus every earlier component's amount; a FIXED component adds its rate as an amount
(`compound` means nothing for it). total = subtotal + tax_amount.

Inclusive tax: line prices already contain the tax, so total = subtotal (the gross). The
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

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Context, Decimal, localcontext

from gateway.domain.money import round_money
from gateway.domain.tax import TaxComponent, TaxRule

_ZERO = Decimal("0.00")
_HUNDRED = Decimal(100)
# Fixed arithmetic context, whatever the caller's thread context says.
_CONTEXT = Context(prec=34)


@dataclass(frozen=True)
class Line:
    """quantity > 0 and unit_price >= 0, both finite (ValueError otherwise)."""

    product_id: str
    quantity: Decimal
    unit_price: Decimal

    def __post_init__(self) -> None:
        if not self.quantity.is_finite() or self.quantity <= 0:
            raise ValueError(f"line quantity must be positive: {self.quantity!r}")
        if not self.unit_price.is_finite() or self.unit_price < 0:
            raise ValueError(f"line unit price must not be negative: {self.unit_price!r}")


@dataclass(frozen=True)
class PricedLine:
    product_id: str
    quantity: Decimal
    unit_price: Decimal
    line_total: Decimal


@dataclass(frozen=True)
class TaxLine:
    name: str
    amount: Decimal


@dataclass(frozen=True)
class Totals:
    lines: tuple[PricedLine, ...]
    subtotal: Decimal
    subtotal_excluding_tax: Decimal
    tax_amount: Decimal
    total: Decimal
    taxes: tuple[TaxLine, ...]


def invoice_totals(lines: Sequence[Line], tax: TaxRule | None) -> Totals:
    with localcontext(_CONTEXT):
        return _totals(lines, tax)


def _totals(lines: Sequence[Line], tax: TaxRule | None) -> Totals:
    priced = tuple(
        PricedLine(
            product_id=line.product_id,
            quantity=line.quantity,
            unit_price=line.unit_price,
            line_total=round_money(line.quantity * line.unit_price),
        )
        for line in lines
    )
    subtotal = sum((line.line_total for line in priced), _ZERO)
    components = tax.components if tax is not None else ()
    if tax is not None and tax.inclusive:
        net, amounts = _inclusive(subtotal, components)
    else:
        net, amounts = subtotal, _exclusive(subtotal, components)
    tax_amount = sum(amounts, _ZERO)
    return Totals(
        lines=priced,
        subtotal=subtotal,
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
