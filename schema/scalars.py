"""Custom scalars: money and other exact decimals travel as strings, never as floats.

A Decimal input is read from its digits: a literal in the query from its text (graphql-core
would make a float of `2712.4999999999999999`), a variable as the request's JSON holds it
(schema.app reads it with gateway.encoding.loads_exact)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import strawberry
from graphql import (
    FloatValueNode,
    GraphQLError,
    IntValueNode,
    StringValueNode,
    ValueNode,
    print_ast,
)
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


def _parse_literal(node: ValueNode, _variables: dict[str, Any] | None = None) -> Decimal:
    if isinstance(node, IntValueNode | FloatValueNode | StringValueNode):
        return _parse(node.value)
    raise GraphQLError(f'Decimal must be a finite number such as "12.50", got {print_ast(node)}')


DECIMAL: ScalarDefinition = strawberry.scalar(
    name="Decimal",
    description=(
        'An exact decimal number, written as a string ("2500.00"). Money amounts have two '
        "places; inputs may also be given as JSON numbers."
    ),
    serialize=_serialize,
    parse_value=_parse,
    parse_literal=_parse_literal,
)

SCALARS: dict[object, ScalarDefinition] = {Decimal: DECIMAL}
