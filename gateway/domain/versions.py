"""Invoice versions: 1 when created, one more after every change. A change may name the
versions it was computed from (REST If-Match, GraphQL expectedVersion); at any other
version it is refused and nothing changes."""

from __future__ import annotations

from gateway.domain.errors import VersionMismatch

FIRST_VERSION = 1

# The versions a change accepts; None: any (no precondition).
Expected = frozenset[int] | None


def check_version(current: int, expected: Expected) -> None:
    if expected is not None and current not in expected:
        raise VersionMismatch(current)
