"""The v0 create- and update-tax request bodies: one field table, v0 names -> command
fields. See gateway.rest.v0_fields for how a table is read, and tests/rest/test_taxes.py
for the messages."""

from __future__ import annotations

from typing import Any

from gateway.domain import tax_rules as rules
from gateway.domain.errors import InvalidInput
from gateway.domain.problems import Problem
from gateway.domain.taxes import CreateTaxCommand, UpdateTaxCommand
from gateway.domain.update_invoice import UNCHANGED
from gateway.rest.v0_fields import Kind, V0Field, body_object, parse_fields

NOT_NUMBER = Problem((), "NOT_NUMBER", "must be a number")

TAX_FIELDS = (
    V0Field("name", "name", Kind.TEXT, required=True, rule=rules.NAME),
    V0Field(
        "percentage",
        "percentage",
        Kind.NUMBER,
        required=True,
        rule=rules.PERCENTAGE,
        wrong_type=NOT_NUMBER,
    ),
    V0Field("description", "description", Kind.TEXT, rule=rules.DESCRIPTION),
    V0Field("active", "active", Kind.BOOLEAN),
    V0Field("appIds", "app_ids", Kind.TEXTS, rule=rules.APP_IDS),
)

# In an update null is "not given" for these (description: null clears it).
_NULL_UNCHANGED = ("active", "app_ids")


def _parsed(payload: object, *, partial: bool) -> dict[str, Any]:
    problems: list[Problem] = []
    values = parse_fields(body_object(payload), TAX_FIELDS, problems, partial=partial)
    if problems:
        raise InvalidInput(problems)
    return values


def parse_create_tax(payload: object) -> CreateTaxCommand:
    values = _parsed(payload, partial=False)
    return CreateTaxCommand(
        name=values["name"],
        percentage=values["percentage"],
        description=values["description"],
        active=True if values["active"] is None else values["active"],
        app_ids=values["app_ids"] or (),
    )


def parse_update_tax(payload: object) -> UpdateTaxCommand:
    """Only the fields given."""
    values = _parsed(payload, partial=True)
    for name in _NULL_UNCHANGED:
        if name in values and values[name] is None:
            values[name] = UNCHANGED
    return UpdateTaxCommand(**values)
