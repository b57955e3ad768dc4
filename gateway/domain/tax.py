"""Tax rules: one rate, or components applied in order (some compounding on earlier ones)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from gateway.domain.money import to_decimal

TaxKind = Literal["PERCENTAGE", "FIXED"]

_KINDS: dict[str, TaxKind] = {"PERCENTAGE": "PERCENTAGE", "FIXED": "FIXED"}


@dataclass(frozen=True)
class TaxComponent:
    """PERCENTAGE: `rate` is a percent (Decimal("8.5") is 8.5%). FIXED: an amount per invoice.

    Rates are finite and never negative (ValueError otherwise).
    """

    name: str
    rate: Decimal
    kind: TaxKind
    compound: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.rate, Decimal) or not self.rate.is_finite() or self.rate < 0:
            raise ValueError(f"tax rate must be a finite, non-negative Decimal: {self.rate!r}")
        if self.kind not in _KINDS:
            raise ValueError(f"tax type must be PERCENTAGE or FIXED: {self.kind!r}")


@dataclass(frozen=True)
class TaxRule:
    """Components apply in order; `inclusive` means line prices already contain the tax."""

    components: tuple[TaxComponent, ...]
    inclusive: bool = False


def tax_rule(
    name: str,
    rate: Decimal,
    kind: str,
    inclusive: bool,
    components: list[dict[str, object]] | None,
) -> TaxRule:
    """Build a rule from a tax row: its `components` when non-empty, else name/rate/kind.

    Each component is {"name": str, "rate": str | number, "type": "PERCENTAGE" | "FIXED",
    "compound": bool}; "compound" may be omitted (False). Raises ValueError on malformed data.
    """
    if not isinstance(inclusive, bool):
        raise ValueError(f"tax inclusive flag must be a boolean: {inclusive!r}")
    if components:
        built = tuple(_component(index, raw) for index, raw in enumerate(components))
    else:
        built = (_make(name, rate, kind, False, "tax"),)
    return TaxRule(components=built, inclusive=inclusive)


def _component(index: int, raw: object) -> TaxComponent:
    where = f"tax component {index}"
    if not isinstance(raw, dict):
        raise ValueError(f"{where} must be an object")
    compound = raw.get("compound", False)
    if not isinstance(compound, bool):
        raise ValueError(f"{where}: compound must be a boolean")
    return _make(raw.get("name"), raw.get("rate"), raw.get("type"), compound, where)


def _make(name: object, rate: object, kind: object, compound: bool, where: str) -> TaxComponent:
    if not isinstance(name, str) or not name:
        raise ValueError(f"{where}: name must be a non-empty string")
    amount = to_decimal(rate)
    if amount is None or amount < 0:
        raise ValueError(f"{where}: rate must be a finite, non-negative number")
    if not isinstance(kind, str) or kind not in _KINDS:
        raise ValueError(f"{where}: type must be PERCENTAGE or FIXED")
    return TaxComponent(name=name, rate=amount, kind=_KINDS[kind], compound=compound)
