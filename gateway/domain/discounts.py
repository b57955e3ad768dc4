"""Discounts: a percentage or a fixed amount off a line, or off the whole invoice.

The order, applied before any tax:

1. Each line's own discount comes off its amount (quantity x unit price, rounded once):
   a percentage of it, rounded once, or a fixed amount in the invoice's currency.
2. The invoice's discount comes off what the lines then add up to (a percentage of that
   sum, rounded once, or a fixed amount), and is allocated across the lines in
   proportion to what each line is left with (gateway.domain.money.allocate), so every
   line knows its own discounted amount and the shares add up to the discount exactly.
3. The tax applies to the discounted amount (gateway.domain.totals).

A discount never makes a line or the invoice negative: a fixed discount larger than
what it comes off is refused (DiscountExceedsAmount), and a percentage is at most 100.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from gateway.domain.money import MONEY_PLACES, round_money

MAX_PERCENTAGE = Decimal(100)
PERCENTAGE_PLACES = 4
FIXED_PLACES = MONEY_PLACES
_HUNDRED = Decimal(100)


class DiscountType(StrEnum):
    PERCENTAGE = "PERCENTAGE"
    FIXED = "FIXED"


@dataclass(frozen=True)
class Discount:
    """PERCENTAGE: `value` is a percent (Decimal("12.5") is 12.5%). FIXED: an amount."""

    type: DiscountType
    value: Decimal

    def amount_off(self, amount: Decimal) -> Decimal:
        """What comes off `amount`, rounded once; may exceed it only when FIXED.

        The value meets gateway.domain.invoice_rules.DISCOUNT first (ValueError here for
        a value no rule lets through: not positive, or a percentage over 100)."""
        if not self.value.is_finite() or self.value <= 0:
            raise ValueError(f"discount value must be positive: {self.value!r}")
        if self.type is DiscountType.PERCENTAGE:
            if self.value > MAX_PERCENTAGE:
                raise ValueError(f"discount percentage must be at most 100: {self.value!r}")
            return round_money(amount * self.value / _HUNDRED)
        return round_money(self.value)

    def stored(self) -> dict[str, Any]:
        return {"discount_type": self.type.value, "discount_value": self.value}


def stored_discount(kind: str | None, value: Decimal | None) -> Discount | None:
    """The discount a row's discount_type and discount_value columns hold."""
    if kind is None or value is None:
        return None
    return Discount(DiscountType(kind), value)


def no_discount() -> dict[str, Any]:
    return {"discount_type": None, "discount_value": None}
