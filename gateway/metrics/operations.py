"""GraphQL operation names as metric labels, bounded.

A client chooses its operation names, so a label taken from them could grow without
limit: each process labels the first MAX_NAMES distinct well-formed names it sees by
name, anything after those (and any malformed or overlong name) as OTHER.
"""

from __future__ import annotations

import re
from typing import Final

from starlette.types import Scope

MAX_NAMES: Final = 100
ANONYMOUS: Final = "anonymous"
OTHER: Final = "other"

_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,63}")
_OPERATION_KEY: Final = "metrics.graphql_operation"
_COST_KEY: Final = "metrics.graphql_cost"


class OperationNames:
    def __init__(self, limit: int = MAX_NAMES) -> None:
        self._limit = limit
        self._known: set[str] = set()

    def label(self, name: str | None) -> str:
        if name is None:
            return ANONYMOUS
        if name in self._known:
            return name
        if len(self._known) >= self._limit or not _NAME.fullmatch(name):
            return OTHER
        self._known.add(name)
        return name


def note_operation(scope: Scope, name: object) -> None:
    """Marks the request as a GraphQL operation (named `name`, None: anonymous; a request
    whose operationName is not a string counts as OTHER)."""
    scope["state"][_OPERATION_KEY] = name if name is None or isinstance(name, str) else OTHER


def note_cost(scope: Scope, cost: int) -> None:
    scope["state"][_COST_KEY] = cost


def noted_operation(scope: Scope) -> tuple[bool, str | None, int | None]:
    """(whether the request ran a GraphQL operation, its name, its cost if checked)."""
    state = scope.get("state")
    if not state or _OPERATION_KEY not in state:
        return False, None, None
    return True, state[_OPERATION_KEY], state.get(_COST_KEY)
