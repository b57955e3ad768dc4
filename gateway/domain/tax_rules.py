"""What may be wrong with the values of a create- or update-tax command.

RULES holds each field's rule in field order; the v0 parser (gateway.rest.v0_tax_body)
runs them field by field, GraphQL calls `checked_create` / `checked_update`. Which app
ids a command may name depends on who asks: `check_app_ids`, run by the service.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from gateway.domain.errors import ForeignAppId, InvalidInput
from gateway.domain.taxes import (
    MAX_APP_IDS,
    MAX_DESCRIPTION_LENGTH,
    MAX_NAME_LENGTH,
    MAX_PERCENTAGE,
    PERCENTAGE_PLACES,
    CreateTaxCommand,
    UpdateTaxCommand,
)
from gateway.domain.value_rules import Bounded, Count, EachValue, Rule, Text, field_problems

NAME = Text(MAX_NAME_LENGTH, required=True)
PERCENTAGE = Bounded(Decimal(0), MAX_PERCENTAGE, places=PERCENTAGE_PLACES)
DESCRIPTION = Text(MAX_DESCRIPTION_LENGTH)
APP_IDS = EachValue(Count(0, MAX_APP_IDS), Text(64, required=True))

RULES: dict[str, Rule[Any]] = {
    "name": NAME,
    "percentage": PERCENTAGE,
    "description": DESCRIPTION,
    "app_ids": APP_IDS,
}


def checked_create(command: CreateTaxCommand) -> CreateTaxCommand:
    problems = field_problems(RULES, vars(command))
    if problems:
        raise InvalidInput(problems)
    return command


def checked_update(command: UpdateTaxCommand) -> UpdateTaxCommand:
    problems = field_problems(RULES, command.changes())
    if problems:
        raise InvalidInput(problems)
    return command


def check_app_ids(app_ids: Sequence[str], own_app_id: str) -> None:
    """ForeignAppId for the first id that is not the caller's own app."""
    for app_id in app_ids:
        if app_id != own_app_id:
            raise ForeignAppId(own_app_id, app_id)
