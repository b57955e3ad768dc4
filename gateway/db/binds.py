"""What the statements built once at import share (gateway.db.repositories,
gateway.db.records, gateway.db.invoice_pages): the bound parameters every tenant-scoped
read takes, and a model's Core table."""

from __future__ import annotations

from typing import Any

from sqlalchemy import BindParameter, Table, bindparam

APP_ID: BindParameter[str] = bindparam("app_id")
IDS: BindParameter[list[str]] = bindparam("ids", expanding=True)  # WHERE ... IN (:ids)


def table_of(model: type[Any]) -> Table:
    table: Table = model.__table__
    return table
