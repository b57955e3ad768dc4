"""The alembic migrations, on SQLite and PostgreSQL: they apply, revert, re-apply, and
their head builds exactly the schema the sqlmodel tables declare."""

from __future__ import annotations

import asyncio
from pprint import pformat
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
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


_ROWS_BEFORE_0004 = [
    "INSERT INTO app (id, name, invoice_number_format, invoice_counter, currency, created_at)"
    " VALUES ('app_1', 'App', 'INV-{number:06d}', 1, 'USDC', '2026-01-01 00:00:00+00:00')",
    "INSERT INTO customer (id, app_id, email, name, status)"
    " VALUES ('cus_1', 'app_1', 'a@example.com', 'A', 'ACTIVE')",
    "INSERT INTO wallet (id, app_id, address, blockchain, type)"
    " VALUES ('wal_1', 'app_1', '0xabc', 'ETHEREUM', 'APP')",
    "INSERT INTO invoice (id, app_id, invoice_number, name, email, customer_id, wallet_id,"
    " due_date, date_created, status, payment_methods, delivery, payment_link,"
    " partial_payment, reminder_sent, currency, subtotal, tax_amount, total, amount_paid)"
    " VALUES ('inv_1', 'app_1', 'INV-000001', 'Old', 'a@example.com', 'cus_1', 'wal_1',"
    " '2030-01-01', '2026-01-01 00:00:00+00:00', 'OPEN', '[\"CRYPTO\"]', 'EMAIL', false,"
    " false, false, 'USDC', 10, 0, 10, 0)",
]


async def test_invoices_stored_before_versions_start_at_version_1(database_url: str) -> None:
    await asyncio.to_thread(upgrade, database_url, "0003")
    engine = create_async_engine(database_url, poolclass=NullPool)
    try:
        async with engine.begin() as conn:
            for statement in _ROWS_BEFORE_0004:
                await conn.execute(text(statement))
        await asyncio.to_thread(upgrade, database_url)
        async with engine.connect() as conn:
            versions = (await conn.execute(text("SELECT id, version FROM invoice"))).all()
        assert [tuple(row) for row in versions] == [("inv_1", 1)]
        await asyncio.to_thread(downgrade, database_url, "0003")
        async with engine.connect() as conn:
            names = (await conn.execute(text("SELECT name FROM invoice"))).scalars().all()
        assert names == ["Old"]
    finally:
        await engine.dispose()
