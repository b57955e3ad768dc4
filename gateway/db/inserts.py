"""New rows written with Core INSERTs instead of the ORM's unit of work.

For rows a service builds and does not change again in the same transaction: a new
invoice and its lines, outbox messages. On a create the unit of work (change tracking,
dependency sort, one flush per table) cost more CPU than any statement it sent; here the
values are read off the objects once and sent as one INSERT per table (an executemany for
several rows). The objects stay as built, outside the session, which is all the views
that render them need. Rows go in the order given, first occurrence of a table first, so
a parent (the invoice) goes before what refers to it (its lines).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, insert
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession


def _values(row: SQLModel, table: Table) -> dict[str, Any]:
    values = {column.key: getattr(row, column.key) for column in table.columns}
    # An autoincrement key left unset is the database's to fill.
    for column in table.primary_key.columns:
        if values[column.key] is None:
            del values[column.key]
    return values


async def insert_rows(session: AsyncSession, rows: Sequence[SQLModel]) -> None:
    """INSERTs `rows` in the session's transaction."""
    by_table: dict[Table, list[dict[str, Any]]] = {}
    for row in rows:
        table: Table = type(row).__table__  # type: ignore[attr-defined]
        by_table.setdefault(table, []).append(_values(row, table))
    if not by_table:
        return
    connection = await session.connection()
    for table, values in by_table.items():
        await connection.execute(insert(table), values)
