"""Money amounts: Decimal only, never float.

The one rounding rule: every amount that is stored or shown is rounded once, per line and
per tax component, half-up to the minor unit (0.01). Sums of rounded amounts are exact and
are never rounded again.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

MONEY_PLACES = 2
MINOR_UNIT = Decimal(1).scaleb(-MONEY_PLACES)  # 0.01
ZERO = Decimal("0.00")

_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)


def round_money(amount: Decimal) -> Decimal:
    """Quantize to 0.01, ROUND_HALF_UP (halves go away from zero); never returns -0.00."""
    rounded = amount.quantize(MINOR_UNIT, rounding=ROUND_HALF_UP)
    return rounded if rounded else rounded.copy_abs()


def amount_due(total: Decimal, amount_paid: Decimal, *, void: bool = False) -> Decimal:
    """What is left to pay: never below zero; nothing on a void invoice."""
    if void:
        return ZERO
    return max(total - amount_paid, ZERO)


def plain_number(value: Decimal) -> Decimal:
    """A quantity or rate as people write it: no trailing zeros, no exponent (1, 1.5, 10)."""
    normalized = value.normalize()
    return normalized.quantize(Decimal(1)) if normalized == normalized.to_integral() else normalized


def to_decimal(value: object) -> Decimal | None:
    """The finite Decimal for an int, float, Decimal or plain numeric string, else None.

    bool is not a number. A float goes through its shortest repr (`Decimal(str(x))`), so 0.1
    becomes Decimal("0.1"). Strings must be plain numerals: no whitespace, underscores,
    "NaN" or "Infinity".
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            return None
        result = Decimal(str(value))
    elif isinstance(value, str):
        if _NUMBER.fullmatch(value) is None:
            return None
        try:
            result = Decimal(value)
        except InvalidOperation:
            return None
    else:
        return None
    return result if result.is_finite() else None
