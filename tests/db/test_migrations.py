"""The alembic migrations, on SQLite and PostgreSQL: they apply, revert, re-apply, and
their head builds exactly the schema the sqlmodel tables declare."""

from __future__ import annotations

import asyncio
from pprint import pformat
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool
from sqlmodel import SQLModel

import gateway.db.tables  # noqa: F401  (registers the tables on SQLModel.metadata)
from gateway.db.migrate import downgrade, upgrade

EXPECTED_TABLES = {
    "app",
    "api_credential",
    "customer",
    "wallet",
    "product",
    "tax",
    "invoice",
    "invoice_item",
    "transaction",
}
VERSION_TABLE = "alembic_version"


async def table_names(database_url: str) -> set[str]:
    engine = create_async_engine(database_url, poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            names: list[str] = await conn.run_sync(lambda sync: inspect(sync).get_table_names())
    finally:
        await engine.dispose()
    return set(names)


async def schema_diff(database_url: str) -> list[Any]:
    """alembic autogenerate's differences between the database and SQLModel.metadata."""

    def compare(sync: Connection) -> list[Any]:
        # Nothing is ignored: compare_type and compare_server_default are both on, so
        # a column type, nullability, default, index, unique or foreign key that the
        # migrations and the models disagree on shows up here.
        context = MigrationContext.configure(
            sync, opts={"compare_type": True, "compare_server_default": True}
        )
        return list(compare_metadata(context, SQLModel.metadata))

    engine = create_async_engine(database_url, poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(compare)
    finally:
        await engine.dispose()


async def test_upgrade_downgrade_upgrade(database_url: str) -> None:
    assert await table_names(database_url) == set()

    await asyncio.to_thread(upgrade, database_url)
    tables = await table_names(database_url)
    assert tables >= EXPECTED_TABLES | {VERSION_TABLE}, EXPECTED_TABLES - tables

    await asyncio.to_thread(downgrade, database_url)
    # alembic keeps its (now empty) version table; every other table must be gone.
    assert await table_names(database_url) - {VERSION_TABLE} == set()

    await asyncio.to_thread(upgrade, database_url)
    assert await table_names(database_url) >= EXPECTED_TABLES


async def test_migration_head_matches_models(migrated_database_url: str) -> None:
    assert set(SQLModel.metadata.tables) >= EXPECTED_TABLES
    diff = await schema_diff(migrated_database_url)
    assert diff == [], "migrations and sqlmodel tables differ:\n" + pformat(diff)
