"""gateway.db.direct_reads answers as SQLAlchemy does: the same reads, once through a
request's autocommit connection (asyncpg straight) and once through an ORM session, give
equal rows, column types included (exact decimals, UTC timestamps, dates, JSON), for
lists of ids of every length, keyset pages with every filter, and counted statements.
On SQLite there is no direct path: the same reads run through SQLAlchemy."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import Any

import pytest
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.db import direct_reads, reads
from gateway.db.credit_notes import credit_balances_of, credit_notes_of
from gateway.db.invoice_pages import (
    INVOICE_ORDERINGS,
    InvoiceFilter,
    invoice_pages_of_customers,
    invoices_after,
)
from gateway.db.keyset import Position
from gateway.db.request_reads import RequestReads
from gateway.db.rows import CustomerRow, InvoiceRow, ProductRow, TaxRow, WalletRow
from gateway.db.statements import count_statements, install_statement_counter
from gateway.db.tables import Invoice
from gateway.runtime import Runtime
from gateway.services.demo import DEMO_APP_ID
from tests.graphql.seeding import create_invoices

Read = Callable[[AsyncSession], Awaitable[Any]]


@pytest.fixture
async def invoice_ids(seeded_runtime: Runtime) -> list[str]:
    return await create_invoices(seeded_runtime, 9)


async def _both(runtime: Runtime, read: Read) -> tuple[Any, Any, bool]:
    """The read through the request's reads and through an ORM session; whether the
    first went direct."""
    async with RequestReads(runtime.engine) as request_reads, request_reads.session() as session:
        direct = session.info.get(direct_reads.INFO_KEY) is not None
        through_reads = await read(session)
    async with runtime.sessions() as session:
        through_orm = await read(session)
    return through_reads, through_orm, direct


async def _assert_same(runtime: Runtime, read: Read) -> Any:
    mine, theirs, direct = await _both(runtime, read)
    assert mine == theirs
    assert [type(value) for value in _flat(mine)] == [type(value) for value in _flat(theirs)]
    assert direct == runtime.engine.dialect.name.startswith("postgresql")
    return mine


def _flat(value: Any) -> list[Any]:
    if isinstance(value, list | tuple) and not hasattr(value, "_fields"):
        return [item for entry in value for item in _flat(entry)]
    if hasattr(value, "_fields"):
        return list(value)
    return [value]


async def test_rows_by_id_of_every_type_and_list_length(
    seeded_runtime: Runtime, invoice_ids: list[str]
) -> None:
    async with seeded_runtime.sessions() as session:
        invoices = await reads.rows_by_ids(session, InvoiceRow, DEMO_APP_ID, invoice_ids)
    customers = sorted({row.customer_id for row in invoices if row is not None})
    wallets = sorted({row.wallet_id for row in invoices if row is not None})
    taxes = sorted({row.tax_id for row in invoices if row is not None and row.tax_id})
    for row_type, ids in (
        (InvoiceRow, invoice_ids),
        (InvoiceRow, invoice_ids[:1]),
        (InvoiceRow, [*invoice_ids[:3], "inv_missing", invoice_ids[0]]),
        (CustomerRow, customers),
        (WalletRow, wallets),
        (TaxRow, taxes),
        (ProductRow, ["prod_123456789", "prod_consulting_001", "prod_hosting_001"]),
    ):

        async def read(session: AsyncSession, row_type: Any = row_type, ids: Any = ids) -> Any:
            return await reads.rows_by_ids(session, row_type, DEMO_APP_ID, ids)

        found = await _assert_same(seeded_runtime, read)
        assert sum(row is not None for row in found) >= 1


async def test_lines_payments_credit_notes_and_balances(
    seeded_runtime: Runtime, invoice_ids: list[str]
) -> None:
    async def lines(session: AsyncSession) -> Any:
        return await reads.items_of(session, DEMO_APP_ID, invoice_ids)

    async def payments(session: AsyncSession) -> Any:
        return await reads.transactions_of(session, DEMO_APP_ID, invoice_ids)

    async def notes(session: AsyncSession) -> Any:
        return await credit_notes_of(session, DEMO_APP_ID, invoice_ids)

    async def balances(session: AsyncSession) -> Any:
        return await credit_balances_of(session, DEMO_APP_ID, ["c-none"])

    assert sum(map(len, await _assert_same(seeded_runtime, lines))) >= 9
    assert sum(map(len, await _assert_same(seeded_runtime, payments))) == 3
    await _assert_same(seeded_runtime, notes)
    await _assert_same(seeded_runtime, balances)


@pytest.mark.parametrize("ordering", sorted(INVOICE_ORDERINGS.values(), key=str))
async def test_keyset_pages_with_filters_in_every_ordering(
    seeded_runtime: Runtime, invoice_ids: list[str], ordering: Any
) -> None:
    today = date.today()
    for filters in (
        InvoiceFilter(),
        InvoiceFilter(status="OPEN", due_from=today, due_to=today + timedelta(days=15)),
        InvoiceFilter(created_from=today - timedelta(days=1), created_to=today),
    ):

        async def first(session: AsyncSession, filters: Any = filters) -> Any:
            return await invoices_after(session, DEMO_APP_ID, filters, ordering, None, 4)

        page = await _assert_same(seeded_runtime, first)
        assert page
        after = ordering.position(page[-1])

        async def later(
            session: AsyncSession, filters: Any = filters, after: Position = after
        ) -> Any:
            return await invoices_after(session, DEMO_APP_ID, filters, ordering, after, 4)

        await _assert_same(seeded_runtime, later)


async def test_pages_of_several_customers(seeded_runtime: Runtime, invoice_ids: list[str]) -> None:
    async with seeded_runtime.sessions() as session:
        result = await session.exec(select(Invoice.customer_id).distinct())
        customers = sorted(result.all())

    async def pages(session: AsyncSession) -> Any:
        return await invoice_pages_of_customers(session, DEMO_APP_ID, customers, None, 2)

    found = await _assert_same(seeded_runtime, pages)
    assert len(found) == len(customers) >= 2


async def test_direct_statements_are_counted(
    seeded_runtime: Runtime, invoice_ids: list[str]
) -> None:
    install_statement_counter(seeded_runtime.engine)
    async with RequestReads(seeded_runtime.engine) as request_reads:
        with count_statements() as counted:
            for _ in range(3):
                async with request_reads.session() as session:
                    await reads.rows_by_ids(session, InvoiceRow, DEMO_APP_ID, invoice_ids)
    assert counted.value == 3


def test_an_expanding_form_other_than_in_is_left_to_sqlalchemy() -> None:
    from sqlalchemy.dialects.postgresql import asyncpg

    from gateway.db.binds import IDS

    table = reads.TABLES[InvoiceRow]
    dialect = asyncpg.dialect()  # type: ignore[no-untyped-call]
    assert direct_reads.render(select(table.c.id).where(table.c.id.not_in(IDS)), dialect) is None
    rendered = direct_reads.render(
        select(table.c.id).where(table.c.app_id == "a", table.c.id.in_(IDS)), dialect
    )
    assert rendered is not None and "= ANY($2)" in rendered.sql and rendered.lists == (False, True)
