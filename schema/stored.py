"""Copying a typed row's columns into the GraphQL type that shows them as stored.

A type's fields that have a same-named row field are copied by position (found once per
pair of types); the rest a type's `from_row` sets itself. So a column shows in GraphQL
by being declared on the row and on the type, and nowhere else.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection
from typing import Any


def stored_fields(
    node_type: type[Any], row_type: type[tuple[Any, ...]], *, converted: Collection[str] = ()
) -> Callable[[tuple[Any, ...]], dict[str, Any]]:
    """A function from a row to the keyword arguments of the fields it stores as-is."""
    row_fields: tuple[str, ...] = row_type._fields  # type: ignore[attr-defined]
    pairs = tuple(
        (field.name, row_fields.index(field.name))
        for field in dataclasses.fields(node_type)
        if field.name in row_fields and field.name not in converted
    )

    def copy(row: tuple[Any, ...]) -> dict[str, Any]:
        return {name: row[index] for name, index in pairs}

    return copy
