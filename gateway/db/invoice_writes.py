"""Changes to a stored invoice inside a write use case's transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, update
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.db.tables import Invoice, InvoiceItem
from gateway.domain.errors import ConcurrentModification


async def compare_and_set(
    session: AsyncSession, invoice: Invoice, expected: dict[str, Any], values: dict[str, Any]
) -> None:
    """UPDATE only if the row still holds `expected`; else someone else changed it."""
    stmt = update(Invoice).where(
        col(Invoice.id) == invoice.id,
        *(getattr(Invoice, name) == value for name, value in expected.items()),
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
