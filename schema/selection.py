"""What a query asks for below a field, read from `info.selected_fields`.

Fragments (named and inline) are looked through and aliases of one field are merged,
so a caller can decide up front which related rows to load. It errs on the side of
loading: a field under @skip or a fragment for another type still counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from strawberry import Info
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection


def fields(selections: Iterable[Selection]) -> Iterator[SelectedField]:
    for selection in selections:
        if isinstance(selection, SelectedField):
            yield selection
        elif isinstance(selection, FragmentSpread | InlineFragment):
            yield from fields(selection.selections)


def below(selected: Sequence[SelectedField], *path: str) -> list[SelectedField]:
    """The fields selected under `path` (GraphQL names) of the given fields."""
    level = list(selected)
    for name in path:
        level = [
            child for field in level if field.name == name for child in fields(field.selections)
        ]
    return level


def names(selected: Iterable[SelectedField]) -> frozenset[str]:
    return frozenset(field.name for field in selected)


def under(info: Info[Any, Any], *path: str) -> list[SelectedField]:
    """The fields selected under `path` below the field being resolved."""
    return below(
        [child for field in info.selected_fields for child in fields(field.selections)], *path
    )
