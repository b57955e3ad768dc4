"""Rows read only to be shown (the GraphQL reads): Core rows instead of ORM objects.

A nested page of invoices reads about ninety rows; as ORM objects each one costs an
identity-map entry, instance state and instrumented attribute reads, which profiled at
about a seventh of the page's CPU. A Core row is read by attribute like the ORM object
of its table (the columns have the field names), so what a service already holds as ORM
objects can stand in for a row: each record type below is the union of the two.
The rows are handed out as named tuples: a SQLAlchemy Row resolves an attribute in
Python (about 1 us a read, ten times a named tuple's), and the page reads some 1,600.
Tenant-scoped like gateway.db.repositories; the statements are built once.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol, TypeAlias, TypeVar

from sqlalchemy import Select, Table, select
from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.db.binds import APP_ID, IDS, table_of
from gateway.db.invoice_pages import InvoiceFilter, invoice_page_statements
from gateway.db.tables import Customer, Invoice, InvoiceItem, Product, Tax, Transaction, Wallet


class RowRecord(Protocol):
    """A row read by column name: `row.total`."""

    def __getattr__(self, name: str) -> Any: ...


CustomerRecord: TypeAlias = Customer | RowRecord
WalletRecord: TypeAlias = Wallet | RowRecord
ProductRecord: TypeAlias = Product | RowRecord
TaxRecord: TypeAlias = Tax | RowRecord
InvoiceRecord: TypeAlias = Invoice | RowRecord
ItemRecord: TypeAlias = InvoiceItem | RowRecord
TransactionRecord: TypeAlias = Transaction | RowRecord

M = TypeVar("M", Customer, Wallet, Product, Tax, Invoice)


def _by_ids(table: Table) -> Select[Any]:
    return select(table).where(table.c.id.in_(IDS), table.c.app_id == APP_ID)


def _of_invoices(table: Table, *order: Any) -> Select[Any]:
    return (
        select(table)
        .where(table.c.app_id == APP_ID, table.c.invoice_id.in_(IDS))
        .order_by(table.c.invoice_id, *order)
    )


_BY_IDS = {model: _by_ids(table_of(model)) for model in (Customer, Wallet, Product, Tax, Invoice)}
_ITEMS = table_of(InvoiceItem)
_TRANSACTIONS = table_of(Transaction)
_ITEMS_OF = _of_invoices(_ITEMS, _ITEMS.c.position)
_TRANSACTIONS_OF = _of_invoices(_TRANSACTIONS, _TRANSACTIONS.c.created_at, _TRANSACTIONS.c.id)


# A named-tuple class per column list (one per statement), made on first use; its _make.
_record_types: dict[tuple[str, ...], Callable[[Iterable[Any]], Any]] = {}


async def _rows(session: AsyncSession, stmt: Select[Any], params: dict[str, Any]) -> list[Any]:
    connection = await session.connection()
    result = await connection.execute(stmt, params)
    keys = tuple(result.keys())
    make = _record_types.get(keys)
    if make is None:
        record_type: Any = namedtuple("Record", keys, rename=True)  # type: ignore[misc]
        make = _record_types[keys] = record_type._make
    return [make(row) for row in result]


async def records_by_ids(
    session: AsyncSession, model: type[M], app_id: str, ids: Sequence[str]
) -> list[M | RowRecord | None]:
    """Rows of one app by id, in the order of `ids`; None where a row is missing."""
    if not ids:
        return []
    params = {"ids": list(set(ids)), "app_id": app_id}
    found: dict[str, RowRecord] = {
        row.id: row for row in await _rows(session, _BY_IDS[model], params)
    }
    return [found.get(key) for key in ids]


async def _grouped(
    session: AsyncSession, stmt: Select[Any], app_id: str, invoice_ids: Sequence[str]
) -> list[list[Any]]:
    if not invoice_ids:
        return []
    grouped: dict[str, list[Any]] = {key: [] for key in invoice_ids}
    params = {"ids": list(set(invoice_ids)), "app_id": app_id}
    for row in await _rows(session, stmt, params):
        grouped[row.invoice_id].append(row)
    return [grouped[key] for key in invoice_ids]


async def item_records(
    session: AsyncSession, app_id: str, invoice_ids: Sequence[str]
) -> list[list[ItemRecord]]:
    """Each invoice's lines, in position order."""
    return await _grouped(session, _ITEMS_OF, app_id, invoice_ids)


async def transaction_records(
    session: AsyncSession, app_id: str, invoice_ids: Sequence[str]
) -> list[list[TransactionRecord]]:
    """Each invoice's payments, oldest first."""
    return await _grouped(session, _TRANSACTIONS_OF, app_id, invoice_ids)


async def invoice_records(
    session: AsyncSession, app_id: str, filters: InvoiceFilter, *, offset: int, limit: int
) -> list[RowRecord]:
    """A page of invoices as invoice_pages.list_invoices orders them (newest first)."""
    statements, params = invoice_page_statements(app_id, filters)
    return await _rows(session, statements.rows, {**params, "offset": offset, "limit": limit})
