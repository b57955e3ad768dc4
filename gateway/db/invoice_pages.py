"""Pages of an app's invoices, newest first, with the list filters (REST list, GraphQL
invoices): the statements for each filter shape, built once, as ORM objects (the REST
list renders views) and as Core rows (gateway.db.records, for GraphQL), and the count.
Index ix_invoice_app_created serves the order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import BindParameter, Select, bindparam, func
from sqlalchemy import select as sa_select
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from gateway.db.binds import APP_ID, table_of
from gateway.db.tables import Invoice


@dataclass(frozen=True)
class InvoiceFilter:
    status: str | None = None
    customer_id: str | None = None
    created_from: date | None = None
    created_to: date | None = None
    due_from: date | None = None
    due_to: date | None = None


_INVOICES = table_of(Invoice)
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
class InvoicePageStatements:
    """One filter shape's statements: a page as ORM objects, the same page as Core rows
    (offset and limit bound per call), and the count."""

    objects: SelectOfScalar[Invoice]
    rows: Select[Any]
    count: Select[Any]


_pages: dict[tuple[str, ...], InvoicePageStatements] = {}


def invoice_page_statements(
    app_id: str, filters: InvoiceFilter
) -> tuple[InvoicePageStatements, dict[str, Any]]:
    """The statements for the filters that are set (built once per shape), and their
    parameters."""
    params: dict[str, Any] = {
        name: getattr(filters, name) for name in _CONDITIONS if getattr(filters, name) is not None
    }
    shape = tuple(params)
    statements = _pages.get(shape)
    if statements is None:
        where = (_INVOICES.c.app_id == APP_ID, *(_CONDITIONS[name] for name in shape))
        statements = _pages[shape] = InvoicePageStatements(
            objects=select(Invoice)
            .where(*where)
            .order_by(*_NEWEST_FIRST)
            .offset(_OFFSET)
            .limit(_LIMIT),
            rows=sa_select(_INVOICES)
            .where(*where)
            .order_by(*_NEWEST_FIRST)
            .offset(_OFFSET)
            .limit(_LIMIT),
            count=sa_select(func.count()).select_from(_INVOICES).where(*where),
        )
    return statements, {**params, "app_id": app_id}


async def count_invoices(session: AsyncSession, app_id: str, filters: InvoiceFilter) -> int:
    statements, params = invoice_page_statements(app_id, filters)
    connection = await session.connection()
    return int((await connection.execute(statements.count, params)).scalar_one())


async def list_invoices(
    session: AsyncSession, app_id: str, filters: InvoiceFilter, *, offset: int, limit: int
) -> list[Invoice]:
    """Newest first; ties broken by id so pages are stable."""
    statements, params = invoice_page_statements(app_id, filters)
    window = {**params, "offset": offset, "limit": limit}
    return list((await session.exec(statements.objects, params=window)).all())
