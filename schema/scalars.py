"""Custom scalars: money and other exact decimals travel as strings, never as floats."""

from __future__ import annotations

from decimal import Decimal

import strawberry
from graphql import GraphQLError
from strawberry.types.scalar import ScalarDefinition

from gateway.domain.money import to_decimal


def _serialize(value: Decimal) -> str:
    return format(value, "f")


def _parse(value: object) -> Decimal:
    number = to_decimal(value)
    if number is None:
        # A GraphQLError, not ValueError: its message is for the client (not masked).
        raise GraphQLError(f'Decimal must be a finite number such as "12.50", got {value!r}')
    return number


DECIMAL: ScalarDefinition = strawberry.scalar(
    name="Decimal",
    description=(
        'An exact decimal number, written as a string ("2500.00"). Money amounts have two '
        "places; inputs may also be given as JSON numbers."
    ),
    serialize=_serialize,
    parse_value=_parse,
)

SCALARS: dict[object, ScalarDefinition] = {Decimal: DECIMAL}
