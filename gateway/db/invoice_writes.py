"""Changes to a stored invoice inside a write use case's transaction.

A read-modify-write of an invoice reads it with `lock_invoice` (the transaction's first
statement) and writes it with `compare_and_set`, so concurrent changes queue instead of
merging into a stale copy: on PostgreSQL the row lock (SELECT ... FOR UPDATE), on SQLite
the database's write lock taken at BEGIN IMMEDIATE, each held until commit.

A new invoice and its lines go in with `insert_invoice`: Core INSERTs of the rows the
create built, no ORM objects (their construction and the unit of work's flush cost more
CPU than the statements on every create).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, delete, insert, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.db.binds import APP_ID, table_of
from gateway.db.rows import InvoiceRow, ItemRow
from gateway.db.tables import Invoice, InvoiceItem
from gateway.domain.errors import ConcurrentModification
from gateway.domain.text import is_storable

_LOCKED = (
    select(Invoice)
    .where(col(Invoice.id) == bindparam("invoice_id"), col(Invoice.app_id) == APP_ID)
    .with_for_update()
)


async def lock_invoice(session: AsyncSession, app_id: str, invoice_id: str) -> Invoice | None:
    """The app's invoice, locked against other writers until this transaction ends."""
    if not is_storable(invoice_id):
        return None  # no invoice has it, and PostgreSQL would refuse the value
    connection = await session.connection()
    if connection.dialect.name == "sqlite":
        # pysqlite opens its transaction lazily at the first write, so two SQLite writers
        # would both read before either locks. BEGIN IMMEDIATE takes the write lock now
        # (waiting busy_timeout for it); pysqlite then sees the transaction as its own.
        await connection.exec_driver_sql("BEGIN IMMEDIATE")
    params = {"invoice_id": invoice_id, "app_id": app_id}
    return (await session.exec(_LOCKED, params=params)).first()


async def compare_and_set(session: AsyncSession, invoice: Invoice, values: dict[str, Any]) -> None:
    """UPDATE the invoice with `values` and its next version, only if it is still at the
    version read; else someone else changed it (not possible while it is locked)."""
    values = {**values, "version": invoice.version + 1}
    stmt = update(Invoice).where(
        col(Invoice.id) == invoice.id, col(Invoice.version) == invoice.version
    )
    result = await session.exec(stmt.values(**values))
    if result.rowcount != 1:
        await session.rollback()
        raise ConcurrentModification()
    for name, value in values.items():
        setattr(invoice, name, value)


async def replace_items(session: AsyncSession, invoice: Invoice, items: list[InvoiceItem]) -> None:
    await session.exec(delete(InvoiceItem).where(col(InvoiceItem.invoice_id) == invoice.id))
    session.add_all(items)
    await session.flush()


_INSERT_INVOICE = insert(table_of(Invoice))
_INSERT_ITEMS = insert(table_of(InvoiceItem))


async def insert_invoice(
    session: AsyncSession, invoice: InvoiceRow, items: Sequence[ItemRow]
) -> None:
    """INSERTs a new invoice, then its lines (one statement each), in the session's
    transaction; the lines' ids are the database's."""
    connection = await session.connection()
    await connection.execute(_INSERT_INVOICE, invoice._asdict())
    if items:
        lines = [item._asdict() for item in items]
        for line in lines:
            del line["id"]
        await connection.execute(_INSERT_ITEMS, lines)
