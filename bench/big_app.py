"""A second app with its own credential and 10,000 invoices, written by bulk SQL in a few
seconds: its customer, wallet, tax and products are copies of the demo app's (ids
prefixed), and every invoice is a copy of the demo app's newest one (3 items), with its
own id, number, payment-link token and creation time (one second apart, so the order is
total). Columns are copied by name from the table as it is, so a column a migration adds
is copied too. The page scenario on it shows whether a page's cost grows with the table.
"""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

from gateway.credentials import hash_secret
from gateway.services.demo import DEMO_APP_ID

APP_ID = "app_bench_big"
CLIENT_KEY = "ck_bench_big_0123456789abcdef"
CLIENT_SECRET = "cs_bench_big_not_a_secret"  # noqa: S105 (a throwaway bench database)
PREFIX = "big_"
AUTH = {"x-client-key": CLIENT_KEY, "x-client-secret": CLIENT_SECRET}


async def _columns(conn: Any, table: str) -> list[str]:
    sql = (
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position"
    )
    return [row["column_name"] for row in await conn.fetch(sql, table)]


async def _copy(
    conn: Any,
    table: str,
    source: str,
    overrides: dict[str, str],
    skip: frozenset[str] = frozenset(),
) -> None:
    """INSERT INTO table (every column) SELECT the column or its override FROM source
    (all of it the bench's own text and the table's column names: nothing from outside)."""
    columns = [name for name in await _columns(conn, table) if name not in skip]
    chosen = ", ".join(overrides.get(name, f'src."{name}"') for name in columns)
    names = ", ".join(f'"{name}"' for name in columns)
    await conn.execute(f'INSERT INTO "{table}" ({names}) SELECT {chosen} FROM {source}')  # noqa: S608


def _prefixed(column: str) -> str:
    return f"'{PREFIX}' || src.\"{column}\""


async def _seed(database_url: str, invoices: int) -> None:
    url = make_url(database_url).set(drivername="postgresql")
    conn = await asyncpg.connect(url.render_as_string(hide_password=False))
    demo = f"'{DEMO_APP_ID}'"
    app = f"'{APP_ID}'"
    try:
        async with conn.transaction():
            await _copy(
                conn,
                "app",
                f"app src WHERE src.id = {demo}",
                {"id": app, "name": "'Bench app with many invoices'", "invoice_counter": "0"},
            )
            secret = hash_secret(CLIENT_SECRET)
            await _copy(
                conn,
                "api_credential",
                f"api_credential src WHERE src.app_id = {demo} LIMIT 1",
                {
                    "id": f"'{PREFIX}cred'",
                    "app_id": app,
                    "client_key": f"'{CLIENT_KEY}'",
                    "secret_hash": f"'{secret}'",
                },
            )
            for table in ("customer", "wallet", "tax"):
                where = f"{table} src WHERE src.app_id = {demo}"
                await _copy(conn, table, where, {"id": _prefixed("id"), "app_id": app})
            await _copy(
                conn,
                "product",
                f"product src WHERE src.app_id = {demo}",
                {"id": _prefixed("id"), "app_id": app, "wallet_id": _prefixed("wallet_id")},
            )
            template = await conn.fetchval(
                "SELECT id FROM invoice WHERE app_id = $1 ORDER BY date_created DESC LIMIT 1",
                DEMO_APP_ID,
            )
            if template is None:
                raise RuntimeError("the demo app has no invoice to copy")
            source = (
                f"invoice src CROSS JOIN generate_series(1, {int(invoices)}) AS g(n) "
                f"WHERE src.id = '{template}'"
            )
            number = "lpad(g.n::text, 6, '0')"
            await _copy(
                conn,
                "invoice",
                source,
                {
                    "id": f"'{PREFIX}inv_' || {number}",
                    "app_id": app,
                    "invoice_number": f"'BIG-' || {number}",
                    "customer_id": _prefixed("customer_id"),
                    "wallet_id": _prefixed("wallet_id"),
                    "tax_id": _prefixed("tax_id"),
                    "date_created": "src.date_created - g.n * interval '1 second'",
                    "payment_link_token": f"'{PREFIX}' || {number} || '_' || md5(g.n::text)",
                    "idempotency_key": "NULL",
                    "request_fingerprint": "NULL",
                    "tracking_token": "NULL",
                },
            )
            items = (
                "invoice_item src CROSS JOIN generate_series(1, "
                f"{int(invoices)}) AS g(n) WHERE src.invoice_id = '{template}'"
            )
            await _copy(
                conn,
                "invoice_item",
                items,
                {
                    "app_id": app,
                    "invoice_id": f"'{PREFIX}inv_' || {number}",
                    "product_id": _prefixed("product_id"),
                },
                skip=frozenset({"id"}),
            )
            await conn.execute(
                "UPDATE app SET invoice_counter = $1 WHERE id = $2", int(invoices), APP_ID
            )
        await conn.execute("ANALYZE invoice; ANALYZE invoice_item")
    finally:
        await conn.close()


def seed_big_app(database_url: str, invoices: int) -> None:
    asyncio.run(_seed(database_url, invoices))
