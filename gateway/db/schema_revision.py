"""Is the database's schema at the migrations' head? Asked by /readyz.

A database behind the head (or not migrated at all) fails every request that touches a
missing table or column, so the process must not take traffic. A database *ahead* of
this code's head was migrated by a newer release during a rolling deploy: the older
replicas stay ready, which asks of each migration that the previous release still works
on its result (add now, remove a release later).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import dataclass

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection

from gateway.db.migrate import alembic_config

CACHE_SECONDS = 5.0


@dataclass(frozen=True)
class Scripts:
    heads: frozenset[str]
    known: frozenset[str]


@functools.cache
def scripts() -> Scripts:
    """The revisions this release ships (read from the migration scripts once)."""
    directory = ScriptDirectory.from_config(alembic_config(""))
    known = frozenset(script.revision for script in directory.walk_revisions())
    return Scripts(frozenset(directory.get_heads()), known)


def database_revisions(connection: Connection) -> tuple[str, ...]:
    """alembic_version's rows; empty when the table does not exist."""
    return tuple(MigrationContext.configure(connection).get_current_heads())


def schema_problem(current: tuple[str, ...], shipped: Scripts) -> str | None:
    """Why the schema is not usable by this release, or None."""
    if set(current) == shipped.heads or not set(current) <= shipped.known:
        return None
    have = ",".join(sorted(current)) or "none"
    want = ",".join(sorted(shipped.heads))
    return f"database schema is not at head: {have} != {want}"


class SchemaCheck:
    """`schema_problem` of the database, asked at most once per CACHE_SECONDS."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._checked_at: float | None = None
        self._problem: str | None = None

    async def problem(self, connection: AsyncConnection) -> str | None:
        now = self._clock()
        if self._checked_at is None or now - self._checked_at >= CACHE_SECONDS:
            current = await connection.run_sync(database_revisions)
            self._problem = schema_problem(current, scripts())
            self._checked_at = now
        return self._problem
