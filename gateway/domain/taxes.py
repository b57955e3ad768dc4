"""The create- and update-tax commands. A tax made here is one percentage, added on top of
the prices (PERCENTAGE, not inclusive, no components); gateway.domain.tax_rules says what
is wrong with the values.

`app_ids` are the apps the tax is for; a tax belongs to one app, the caller's, so the
only id it may hold is that app's own (gateway.domain.tax_rules.check_app_ids).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal

from gateway.domain.update_invoice import UNCHANGED, Unchanged

MAX_NAME_LENGTH = 100
MAX_DESCRIPTION_LENGTH = 255
MAX_PERCENTAGE = Decimal(100)
# The rate column is NUMERIC(12,4).
PERCENTAGE_PLACES = 4
MAX_APP_IDS = 10


@dataclass(frozen=True)
class CreateTaxCommand:
    name: str
    percentage: Decimal
    description: str | None = None
    active: bool = True
    app_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class UpdateTaxCommand:
    """A field left UNCHANGED keeps its stored value; description None clears it."""

    name: str | Unchanged = UNCHANGED
    percentage: Decimal | Unchanged = UNCHANGED
    description: str | Unchanged | None = UNCHANGED
    active: bool | Unchanged = UNCHANGED
    app_ids: tuple[str, ...] | Unchanged = UNCHANGED

    def changes(self) -> dict[str, object]:
        """The fields given, by name."""
        return {
            field.name: value
            for field in dataclasses.fields(self)
            if (value := getattr(self, field.name)) is not UNCHANGED
        }
