"""Pages of an app's taxes, oldest first, with the v0 list filters (a name part, any
case; active or not). The statement for each filter shape is built once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import BindParameter, Select, bindparam, func
from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.db.binds import APP_ID
from gateway.db.reads import TABLES, fetch, select_rows
from gateway.db.rows import TaxRow


@dataclass(frozen=True)
class TaxFilter:
    name: str | None = None
    active: bool | None = None


_TAXES = TABLES[TaxRow]
_LIKE_ESCAPE = "\\"
_CONDITIONS: dict[str, Any] = {
    "name": func.lower(_TAXES.c.name).like(bindparam("name"), escape=_LIKE_ESCAPE),
    "active": _TAXES.c.active == bindparam("active"),
}
_OFFSET: BindParameter[int] = bindparam("offset")
_LIMIT: BindParameter[int] = bindparam("limit")
_pages: dict[tuple[str, ...], Select[Any]] = {}


def _contains(part: str) -> str:
    """A LIKE pattern matching any text with `part` in it, lower case."""
    escaped = (
        part.lower()
        .replace(_LIKE_ESCAPE, _LIKE_ESCAPE * 2)
        .replace("%", _LIKE_ESCAPE + "%")
        .replace("_", _LIKE_ESCAPE + "_")
    )
    return f"%{escaped}%"


def _statement(shape: tuple[str, ...]) -> Select[Any]:
    stmt = _pages.get(shape)
    if stmt is None:
        stmt = _pages[shape] = (
            select_rows(TaxRow)
            .where(_TAXES.c.app_id == APP_ID, *(_CONDITIONS[name] for name in shape))
            .order_by(_TAXES.c.created_at, _TAXES.c.id)
            .offset(_OFFSET)
            .limit(_LIMIT)
        )
    return stmt


async def tax_page(
    session: AsyncSession, app_id: str, filters: TaxFilter, *, offset: int, limit: int
) -> list[TaxRow]:
    params: dict[str, Any] = {"app_id": app_id, "offset": offset, "limit": limit}
    if filters.name is not None:
        params["name"] = _contains(filters.name)
    if filters.active is not None:
        params["active"] = filters.active
    shape = tuple(name for name in _CONDITIONS if name in params)
    return await fetch(session, TaxRow, _statement(shape), params)
