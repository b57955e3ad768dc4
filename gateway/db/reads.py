"""Tenant-scoped reads into the typed rows of gateway.db.rows: by id, an invoice's
lines and payments, by token. Every surface reads through here (the GraphQL loaders,
gateway.db.invoice_views for REST, PDF, email, webhooks and pages).

An id, token or key a database cannot hold (gateway.domain.text) names no row: it is
answered as missing without being sent, wherever it came from.

The statements are built once with bound parameters: building a statement and its
cache key per call cost more CPU than running it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import BindParameter, ColumnElement, Select, Table, bindparam, select
from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.db.binds import APP_ID, IDS, table_of
from gateway.db.direct_reads import INFO_KEY as DIRECT_READS
from gateway.db.direct_reads import DirectReads
from gateway.db.rows import (
    AppRow,
    CreditBalanceRow,
    CreditNoteLineRow,
    CreditNoteRow,
    CustomerRow,
    InvoiceRow,
    ItemRow,
    ProductRow,
    RecurringInvoiceRow,
    TaxRow,
    TransactionRow,
    WalletRow,
)
from gateway.db.tables import (
    App,
    CreditNote,
    CreditNoteLine,
    Customer,
    CustomerCreditBalance,
    Invoice,
    InvoiceItem,
    Product,
    RecurringInvoice,
    Tax,
    Transaction,
    Wallet,
)
from gateway.domain.text import is_storable

RowT = TypeVar("RowT", bound=tuple[Any, ...])
ById = TypeVar("ById", CustomerRow, WalletRow, ProductRow, TaxRow, InvoiceRow, RecurringInvoiceRow)

TABLES: dict[type[Any], Table] = {
    AppRow: table_of(App),
    CustomerRow: table_of(Customer),
    WalletRow: table_of(Wallet),
    ProductRow: table_of(Product),
    TaxRow: table_of(Tax),
    InvoiceRow: table_of(Invoice),
    ItemRow: table_of(InvoiceItem),
    TransactionRow: table_of(Transaction),
    RecurringInvoiceRow: table_of(RecurringInvoice),
    CreditNoteRow: table_of(CreditNote),
    CreditNoteLineRow: table_of(CreditNoteLine),
    CreditBalanceRow: table_of(CustomerCreditBalance),
}


def select_rows(row_type: type[Any]) -> Select[Any]:
    """SELECT the row type's columns, in its field order, from its table."""
    table = TABLES[row_type]
    return select(*(table.c[name] for name in row_type._fields))


async def fetch(
    session: AsyncSession, row_type: type[RowT], stmt: Select[Any], params: dict[str, Any]
) -> list[RowT]:
    make = row_type._make  # type: ignore[attr-defined]
    direct: DirectReads | None = session.info.get(DIRECT_READS)
    if direct is not None:
        rows = await direct.rows(stmt, params)
        if rows is not None:
            return [make(row) for row in rows]
    connection = await session.connection()
    return [make(row) for row in await connection.execute(stmt, params)]


def _scoped(row_type: type[Any], *where: ColumnElement[bool]) -> Select[Any]:
    table = TABLES[row_type]
    return select_rows(row_type).where(table.c.app_id == APP_ID, *where)


_BY_IDS = {
    row_type: _scoped(row_type, TABLES[row_type].c.id.in_(IDS))
    for row_type in (CustomerRow, WalletRow, ProductRow, TaxRow, InvoiceRow, RecurringInvoiceRow)
}


async def rows_by_ids(
    session: AsyncSession, row_type: type[ById], app_id: str, ids: Sequence[str]
) -> list[ById | None]:
    """Rows of one app by id, in the order of `ids`; None where a row is missing."""
    if not ids:
        return []
    storable = [key for key in set(ids) if is_storable(key)]
    found: dict[str, ById] = {}
    if storable:
        params = {"ids": storable, "app_id": app_id}
        found = {row.id: row for row in await fetch(session, row_type, _BY_IDS[row_type], params)}
    return [found.get(key) for key in ids]


async def row_by_id(
    session: AsyncSession, row_type: type[ById], app_id: str, id_: str
) -> ById | None:
    return (await rows_by_ids(session, row_type, app_id, [id_]))[0]


def _of_invoices(row_type: type[Any], *order: str) -> Select[Any]:
    table = TABLES[row_type]
    return _scoped(row_type, table.c.invoice_id.in_(IDS)).order_by(
        table.c.invoice_id, *(table.c[name] for name in order)
    )


_ITEMS_OF = _of_invoices(ItemRow, "position")
_TRANSACTIONS_OF = _of_invoices(TransactionRow, "created_at", "id")


async def _grouped(
    session: AsyncSession,
    row_type: type[RowT],
    stmt: Select[Any],
    app_id: str,
    invoice_ids: Sequence[str],
) -> list[list[RowT]]:
    if not invoice_ids:
        return []
    grouped: dict[str, list[RowT]] = {key: [] for key in invoice_ids}
    params = {"ids": list(set(invoice_ids)), "app_id": app_id}
    for row in await fetch(session, row_type, stmt, params):
        grouped[row.invoice_id].append(row)  # type: ignore[attr-defined]
    return [grouped[key] for key in invoice_ids]


async def items_of(
    session: AsyncSession, app_id: str, invoice_ids: Sequence[str]
) -> list[list[ItemRow]]:
    """Each invoice's lines, in position order."""
    return await _grouped(session, ItemRow, _ITEMS_OF, app_id, invoice_ids)


async def transactions_of(
    session: AsyncSession, app_id: str, invoice_ids: Sequence[str]
) -> list[list[TransactionRow]]:
    """Each invoice's payments, oldest first."""
    return await _grouped(session, TransactionRow, _TRANSACTIONS_OF, app_id, invoice_ids)


_APPS = TABLES[AppRow]
_APPS_BY_IDS = select_rows(AppRow).where(_APPS.c.id.in_(IDS))


async def apps_by_ids(session: AsyncSession, ids: Sequence[str]) -> dict[str, AppRow]:
    if not ids:
        return {}
    rows = await fetch(session, AppRow, _APPS_BY_IDS, {"ids": list(set(ids))})
    return {row.id: row for row in rows}


async def app_row(session: AsyncSession, app_id: str) -> AppRow | None:
    return (await apps_by_ids(session, [app_id])).get(app_id)


_INVOICES = TABLES[InvoiceRow]
_KEY: BindParameter[str] = bindparam("key")
_BY_IDEMPOTENCY_KEY = _scoped(InvoiceRow, _INVOICES.c.idempotency_key == _KEY)
# Not app-scoped: the unguessable token is the credential.
_BY_PAYMENT_TOKEN = select_rows(InvoiceRow).where(_INVOICES.c.payment_link_token == _KEY)
_BY_TRACKING_TOKEN = select_rows(InvoiceRow).where(_INVOICES.c.tracking_token == _KEY)
_ANY_APP_BY_IDS = (
    select_rows(InvoiceRow)
    .where(_INVOICES.c.id.in_(IDS))
    .order_by(_INVOICES.c.app_id, _INVOICES.c.id)
)


async def _invoice_by(
    session: AsyncSession, stmt: Select[Any], key: str, **params: str
) -> InvoiceRow | None:
    if not is_storable(key):
        return None
    rows = await fetch(session, InvoiceRow, stmt, {**params, "key": key})
    return rows[0] if rows else None


async def invoice_by_idempotency_key(
    session: AsyncSession, app_id: str, key: str
) -> InvoiceRow | None:
    return await _invoice_by(session, _BY_IDEMPOTENCY_KEY, key, app_id=app_id)


async def invoice_by_payment_token(session: AsyncSession, token: str) -> InvoiceRow | None:
    return await _invoice_by(session, _BY_PAYMENT_TOKEN, token)


async def invoice_by_tracking_token(session: AsyncSession, token: str) -> InvoiceRow | None:
    return await _invoice_by(session, _BY_TRACKING_TOKEN, token)


async def invoices_of_any_app(session: AsyncSession, ids: Sequence[str]) -> list[InvoiceRow]:
    """Invoices of any app (the worker's), ordered by app then id."""
    if not ids:
        return []
    return await fetch(session, InvoiceRow, _ANY_APP_BY_IDS, {"ids": list(set(ids))})
