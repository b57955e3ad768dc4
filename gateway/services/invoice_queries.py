"""The reads routes and pages make: one invoice, a filtered page, the invoice behind a
payment link or a tracking token. Each opens its own short session; SQL stays in
gateway.db."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.db import reads
from gateway.db.invoice_pages import InvoiceFilter, count_invoices, invoice_page
from gateway.db.invoice_views import InvoiceView, load_invoice_views
from gateway.db.rows import InvoiceRow
from gateway.domain.errors import InvoiceNotFound
from gateway.runtime import Runtime
from gateway.services.access import Caller


async def get_invoice(runtime: Runtime, caller: Caller, invoice_id: str) -> InvoiceView:
    async with runtime.sessions() as session:
        row = await reads.row_by_id(session, InvoiceRow, caller.app_id, invoice_id)
        if row is None:
            raise InvoiceNotFound()
        views = await load_invoice_views(session, caller.app_id, caller.app_name, [row])
    return views[0]


@dataclass(frozen=True)
class InvoiceList:
    total: int
    views: list[InvoiceView]


async def list_invoices(
    runtime: Runtime, caller: Caller, filters: InvoiceFilter, *, offset: int, limit: int
) -> InvoiceList:
    """Newest first, with the number of invoices the filters match."""
    async with runtime.sessions() as session:
        total = await count_invoices(session, caller.app_id, filters)
        rows = await invoice_page(session, caller.app_id, filters, offset=offset, limit=limit)
        views = await load_invoice_views(session, caller.app_id, caller.app_name, rows)
    return InvoiceList(total, views)


async def view_of_any_app(session: AsyncSession, row: InvoiceRow) -> InvoiceView:
    """The view of an invoice found without a caller (by token, by the worker)."""
    app = await reads.app_row(session, row.app_id)
    app_name = "" if app is None else app.name
    return (await load_invoice_views(session, row.app_id, app_name, [row]))[0]
