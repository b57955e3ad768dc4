"""Alembic environment: runs migrations on the async engine the gateway uses."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import gateway.db.tables  # noqa: F401  (registers the tables on SQLModel.metadata)
from gateway.db.engine import build_engine
from gateway.settings import DatabasePool

target_metadata = SQLModel.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_async(database_url: str, pool: DatabasePool | None) -> None:
    engine = build_engine(database_url, pool)
    try:
        async with engine.connect() as connection:
            if connection.dialect.name == "sqlite":
                # Batch migrations copy a table, drop it and rename the copy: with foreign
                # keys enforced, dropping a table other rows point at fails. The pragma
                # only takes effect outside a transaction, so before the migration's.
                await connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
                await connection.commit()
            await connection.run_sync(_run)
            await connection.commit()
    finally:
        await engine.dispose()


def _in_fresh_loop(database_url: str, pool: DatabasePool | None) -> None:
    # Alembic is synchronous; give the async engine its own loop, also when the
    # caller is a thread of a program that already runs one.
    asyncio.run(_run_async(database_url, pool))


# gateway.db.migrate hands over the connection it holds the migration lock on.
_given: Connection | None = context.config.attributes.get("connection")
if _given is None:
    _in_fresh_loop(
        context.config.attributes["database_url"],
        context.config.attributes.get("database_pool"),
    )
else:
    _run(_given)
