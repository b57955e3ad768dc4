"""Alembic migrations run from code (the CLI's `migrate`, `serve --migrate`, the tests).

Replicas that start at once all run `serve --migrate`: each takes a lock first, so one
migrates while the others wait, then find the schema at head and do nothing. On
PostgreSQL the lock is a session advisory lock held by the connection that migrates; on
SQLite, which any number of processes may share as one file, a lock file beside it.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
from collections.abc import Callable, Iterator
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine
from sqlalchemy.pool import NullPool

from gateway.db.engine import connect_args
from gateway.settings import DatabasePool

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
# pg_advisory_lock's key: any bigint, the same in every release ("invoiceg" in ASCII).
MIGRATION_LOCK_KEY = 0x696E766F69636567

log = logging.getLogger("gateway.migrate")

Step = Callable[[Config, str], None]


def alembic_config(
    database_url: str, connection: Connection | None = None, pool: DatabasePool | None = None
) -> Config:
    """With `connection`, env.py migrates on it instead of opening its own engine; `pool`
    matters behind PgBouncer (DB_PGBOUNCER): the migration's statements go through it too."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["database_url"] = database_url
    config.attributes["database_pool"] = pool
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(database_url: str, revision: str = "head", pool: DatabasePool | None = None) -> None:
    _locked(database_url, command.upgrade, revision, pool)


def downgrade(database_url: str, revision: str = "base", pool: DatabasePool | None = None) -> None:
    _locked(database_url, command.downgrade, revision, pool)


def _locked(database_url: str, step: Step, revision: str, pool: DatabasePool | None) -> None:
    if make_url(database_url).get_backend_name() == "postgresql":
        # Its own event loop: callers are synchronous (the CLI, test threads).
        asyncio.run(_postgres_locked(database_url, step, revision, pool))
        return
    with _sqlite_lock_file(database_url):
        step(alembic_config(database_url, pool=pool), revision)


async def _postgres_locked(
    database_url: str, step: Step, revision: str, pool: DatabasePool | None
) -> None:
    # NullPool: the connection is closed on leaving, which also ends the session lock
    # should the migration fail half-way.
    engine = create_async_engine(
        database_url, poolclass=NullPool, connect_args=connect_args(pool or DatabasePool())
    )
    try:
        async with engine.connect() as connection:
            await _advisory_lock(connection)
            await connection.run_sync(
                lambda sync: step(alembic_config(database_url, sync, pool), revision)
            )
            await connection.commit()
            await connection.execute(
                text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY}
            )
            await connection.commit()
    finally:
        await engine.dispose()


async def _advisory_lock(connection: AsyncConnection) -> None:
    key = {"key": MIGRATION_LOCK_KEY}
    if not (await connection.execute(text("SELECT pg_try_advisory_lock(:key)"), key)).scalar():
        log.info("another process is migrating the database; waiting for it")
        await connection.execute(text("SELECT pg_advisory_lock(:key)"), key)
    # A session lock: it outlives this transaction, which alembic must not find open.
    await connection.commit()


@contextlib.contextmanager
def _sqlite_lock_file(database_url: str) -> Iterator[None]:
    database = make_url(database_url).database
    if not database or database == ":memory:":
        yield
        return
    lock_path = Path(f"{database}.migrate-lock")
    # Not the database file itself: SQLite's own locks on it are POSIX record locks,
    # which flock() must not be mixed with.
    with lock_path.open("a") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)
