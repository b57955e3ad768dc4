"""Pages of an app's invoices with the list filters: by offset, newest first (the REST
list), and keyset pages in an ordering (GraphQL invoices, each customer's invoices; see
gateway.db.keyset). The statements for each filter shape are built once; index
ix_invoice_app_created serves the newest-first order."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BindParameter, Select, bindparam, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.db.binds import APP_ID, IDS
from gateway.db.keyset import LIMIT, Listing, Ordering, Position, Sorted, after_params
from gateway.db.reads import TABLES, fetch, select_rows
from gateway.db.rows import InvoiceRow


@dataclass(frozen=True)
class InvoiceFilter:
    status: str | None = None
    customer_id: str | None = None
    created_from: date | None = None
    created_to: date | None = None
    due_from: date | None = None
    due_to: date | None = None


_INVOICES = TABLES[InvoiceRow]
_CONDITIONS: dict[str, Any] = {
    "status": _INVOICES.c.status == bindparam("status"),
    "customer_id": _INVOICES.c.customer_id == bindparam("customer_id"),
    "created_from": func.date(_INVOICES.c.date_created) >= bindparam("created_from"),
    "created_to": func.date(_INVOICES.c.date_created) <= bindparam("created_to"),
    "due_from": _INVOICES.c.due_date >= bindparam("due_from"),
    "due_to": _INVOICES.c.due_date <= bindparam("due_to"),
}
_NEWEST_FIRST = (_INVOICES.c.date_created.desc(), _INVOICES.c.id.desc())
_OFFSET: BindParameter[int] = bindparam("offset")
_LIMIT: BindParameter[int] = bindparam("limit")


@dataclass(frozen=True)
class _PageStatements:
    rows: Select[Any]
    count: Select[Any]


_pages: dict[tuple[str, ...], _PageStatements] = {}


def _statements(app_id: str, filters: InvoiceFilter) -> tuple[_PageStatements, dict[str, Any]]:
    """The statements for the filters that are set (built once per shape), and their
    parameters."""
    params: dict[str, Any] = {
        name: getattr(filters, name) for name in _CONDITIONS if getattr(filters, name) is not None
    }
    shape = tuple(params)
    statements = _pages.get(shape)
    if statements is None:
        where = (_INVOICES.c.app_id == APP_ID, *(_CONDITIONS[name] for name in shape))
        statements = _pages[shape] = _PageStatements(
            rows=select_rows(InvoiceRow)
            .where(*where)
            .order_by(*_NEWEST_FIRST)
            .offset(_OFFSET)
            .limit(_LIMIT),
            count=select(func.count()).select_from(_INVOICES).where(*where),
        )
    return statements, {**params, "app_id": app_id}


async def invoice_page(
    session: AsyncSession, app_id: str, filters: InvoiceFilter, *, offset: int, limit: int
) -> list[InvoiceRow]:
    """Newest first; ties broken by id so pages are stable."""
    statements, params = _statements(app_id, filters)
    window = {**params, "offset": offset, "limit": limit}
    return await fetch(session, InvoiceRow, statements.rows, window)


async def count_invoices(session: AsyncSession, app_id: str, filters: InvoiceFilter) -> int:
    statements, params = _statements(app_id, filters)
    connection = await session.connection()
    return int((await connection.execute(statements.count, params)).scalar_one())


INVOICE_ORDERINGS = {
    (field, descending): Ordering(
        f"{field}_{'DESC' if descending else 'ASC'}", column, kind, descending=descending
    )
    for field, column, kind in (
        ("DATE_CREATED", "date_created", datetime),
        ("DUE_DATE", "due_date", date),
        ("TOTAL", "total", Decimal),
    )
    for descending in (False, True)
}
"""By (field, descending): DATE_CREATED, DUE_DATE and TOTAL, each way."""

NEWEST_FIRST = INVOICE_ORDERINGS["DATE_CREATED", True]
INVOICES = Listing(InvoiceRow, _CONDITIONS, INVOICE_ORDERINGS.values())


def _given(filters: InvoiceFilter) -> dict[str, Any]:
    return {name: getattr(filters, name) for name in _CONDITIONS}


async def invoices_after(
    session: AsyncSession,
    app_id: str,
    filters: InvoiceFilter,
    ordering: Ordering,
    after: Position | None,
    limit: int,
) -> list[InvoiceRow]:
    """At most `limit` invoices beyond `after` in `ordering`."""
    return await INVOICES.page(session, app_id, _given(filters), ordering, after, limit)


_SORTED = Sorted.of(_INVOICES, NEWEST_FIRST)
_POSITION = (
    func.row_number()
    .over(partition_by=_INVOICES.c.customer_id, order_by=_SORTED.order_by)
    .label("position")
)


def _customer_pages(later: bool) -> Select[Any]:
    where = [_INVOICES.c.app_id == APP_ID, _INVOICES.c.customer_id.in_(IDS)]
    ranked = (
        select(_INVOICES.c.id.label("ranked_id"), _POSITION)
        .where(*where, *([_SORTED.beyond] if later else []))
        .subquery()
    )
    return (
        select_rows(InvoiceRow)
        .join(ranked, _INVOICES.c.id == ranked.c.ranked_id)
        .where(ranked.c.position <= LIMIT)
        .order_by(_INVOICES.c.customer_id, ranked.c.position)
    )


_CUSTOMER_PAGES = {later: _customer_pages(later) for later in (False, True)}
_CUSTOMER_COUNTS = (
    select(_INVOICES.c.customer_id, func.count())
    .where(_INVOICES.c.app_id == APP_ID, _INVOICES.c.customer_id.in_(IDS))
    .group_by(_INVOICES.c.customer_id)
)


async def invoice_pages_of_customers(
    session: AsyncSession,
    app_id: str,
    customer_ids: Sequence[str],
    after: Position | None,
    limit: int,
) -> list[list[InvoiceRow]]:
    """At most `limit` invoices of each customer beyond `after`, newest first (NEWEST_FIRST),
    in one query."""
    if not customer_ids:
        return []
    params = {"app_id": app_id, "ids": list(set(customer_ids)), "limit": limit}
    grouped: dict[str, list[InvoiceRow]] = {key: [] for key in customer_ids}
    statement = _CUSTOMER_PAGES[after is not None]
    for row in await fetch(session, InvoiceRow, statement, {**params, **after_params(after)}):
        grouped[row.customer_id].append(row)
    return [grouped[key] for key in customer_ids]


async def count_invoices_of_customers(
    session: AsyncSession, app_id: str, customer_ids: Sequence[str]
) -> list[int]:
    if not customer_ids:
        return []
    connection = await session.connection()
    params = {"app_id": app_id, "ids": list(set(customer_ids))}
    result = await connection.execute(_CUSTOMER_COUNTS, params)
    counts = {customer_id: int(count) for customer_id, count in result}
    return [counts.get(key, 0) for key in customer_ids]
