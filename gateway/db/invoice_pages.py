"""Pages of an app's rows: invoices newest first with the list filters (REST list,
GraphQL invoices), each customer's invoices, and the other resources by id. The
statements for each invoice filter shape are built once; index ix_invoice_app_created
serves the order."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import BindParameter, Integer, Select, bindparam, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.db.binds import APP_ID, IDS
from gateway.db.reads import TABLES, fetch, select_rows
from gateway.db.rows import CustomerRow, InvoiceRow, ProductRow, TaxRow, WalletRow


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


_POSITION = (
    func.row_number()
    .over(partition_by=_INVOICES.c.customer_id, order_by=_NEWEST_FIRST)
    .label("position")
)
_RANKED = (
    select(_INVOICES.c.id.label("ranked_id"), _POSITION)
    .where(_INVOICES.c.app_id == APP_ID, _INVOICES.c.customer_id.in_(IDS))
    .subquery()
)
_CUSTOMER_PAGES = (
    select_rows(InvoiceRow)
    .join(_RANKED, _INVOICES.c.id == _RANKED.c.ranked_id)
    .where(
        _RANKED.c.position > bindparam("after_position", type_=Integer),
        _RANKED.c.position <= bindparam("last_position", type_=Integer),
    )
    .order_by(_INVOICES.c.customer_id, _RANKED.c.position)
)
_CUSTOMER_COUNTS = (
    select(_INVOICES.c.customer_id, func.count())
    .where(_INVOICES.c.app_id == APP_ID, _INVOICES.c.customer_id.in_(IDS))
    .group_by(_INVOICES.c.customer_id)
)


async def invoice_pages_of_customers(
    session: AsyncSession, app_id: str, customer_ids: Sequence[str], *, offset: int, limit: int
) -> list[list[InvoiceRow]]:
    """One page of each customer's invoices (newest first, as invoice_page), in one query."""
    if not customer_ids:
        return []
    params = {
        "app_id": app_id,
        "ids": list(set(customer_ids)),
        "after_position": offset,
        "last_position": offset + limit,
    }
    grouped: dict[str, list[InvoiceRow]] = {key: [] for key in customer_ids}
    for row in await fetch(session, InvoiceRow, _CUSTOMER_PAGES, params):
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


Listed = TypeVar("Listed", CustomerRow, WalletRow, ProductRow, TaxRow)


def _listed(row_type: type[Any]) -> _PageStatements:
    table = TABLES[row_type]
    where = table.c.app_id == APP_ID
    return _PageStatements(
        rows=select_rows(row_type).where(where).order_by(table.c.id).offset(_OFFSET).limit(_LIMIT),
        count=select(func.count()).select_from(table).where(where),
    )


_LISTED = {row_type: _listed(row_type) for row_type in (CustomerRow, WalletRow, ProductRow, TaxRow)}


async def page_of(
    session: AsyncSession, row_type: type[Listed], app_id: str, *, offset: int, limit: int
) -> list[Listed]:
    """One app's rows of a kind, ordered by id (stable pages)."""
    params = {"app_id": app_id, "offset": offset, "limit": limit}
    return await fetch(session, row_type, _LISTED[row_type].rows, params)


async def count_of(session: AsyncSession, row_type: type[Listed], app_id: str) -> int:
    connection = await session.connection()
    result = await connection.execute(_LISTED[row_type].count, {"app_id": app_id})
    return int(result.scalar_one())
