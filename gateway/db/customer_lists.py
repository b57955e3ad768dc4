"""Pages of an app's customers, newest first, with the v0 list filters: a status, a part
of the first or last name (any case), a whole email address (any case). Without a status
the archived (DELETED) customers are left out. The statements for each filter shape are
built once; index ix_customer_app_created serves the order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import BindParameter, Select, bindparam, func, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.db.binds import APP_ID
from gateway.db.reads import TABLES, fetch, select_rows
from gateway.db.rows import CustomerRow
from gateway.domain.customers import email_key
from gateway.domain.resource_enums import CustomerStatus


@dataclass(frozen=True)
class CustomerFilter:
    status: CustomerStatus | None = None
    name: str | None = None
    email: str | None = None


_CUSTOMERS = TABLES[CustomerRow]
_LIKE_ESCAPE = "\\"
_CONDITIONS: dict[str, Any] = {
    "status": _CUSTOMERS.c.status == bindparam("status"),
    "name": or_(
        func.lower(_CUSTOMERS.c.first_name).like(bindparam("name"), escape=_LIKE_ESCAPE),
        func.lower(_CUSTOMERS.c.last_name).like(bindparam("name"), escape=_LIKE_ESCAPE),
    ),
    "email": _CUSTOMERS.c.email_key == bindparam("email"),
}
_NOT_ARCHIVED = _CUSTOMERS.c.status != CustomerStatus.DELETED.value
_NEWEST_FIRST = (_CUSTOMERS.c.created_at.desc(), _CUSTOMERS.c.id.desc())
_OFFSET: BindParameter[int] = bindparam("offset")
_LIMIT: BindParameter[int] = bindparam("limit")


@dataclass(frozen=True)
class _PageStatements:
    rows: Select[Any]
    count: Select[Any]


_pages: dict[tuple[str, ...], _PageStatements] = {}


def _contains(text: str) -> str:
    """A LIKE pattern matching `text` (in lower case) anywhere, its wildcards escaped."""
    escaped = text.lower().translate(
        {ord(char): _LIKE_ESCAPE + char for char in (_LIKE_ESCAPE, "%", "_")}
    )
    return f"%{escaped}%"


def _params(filters: CustomerFilter) -> dict[str, Any]:
    params: dict[str, Any] = {}
    if filters.status is not None:
        params["status"] = filters.status.value
    if filters.name is not None:
        params["name"] = _contains(filters.name)
    if filters.email is not None:
        params["email"] = email_key(filters.email)
    return params


def _statements(app_id: str, filters: CustomerFilter) -> tuple[_PageStatements, dict[str, Any]]:
    params = _params(filters)
    shape = tuple(params)
    statements = _pages.get(shape)
    if statements is None:
        archived = () if "status" in shape else (_NOT_ARCHIVED,)
        where = (_CUSTOMERS.c.app_id == APP_ID, *archived, *(_CONDITIONS[n] for n in shape))
        statements = _pages[shape] = _PageStatements(
            rows=select_rows(CustomerRow)
            .where(*where)
            .order_by(*_NEWEST_FIRST)
            .offset(_OFFSET)
            .limit(_LIMIT),
            count=select(func.count()).select_from(_CUSTOMERS).where(*where),
        )
    return statements, {**params, "app_id": app_id}


async def customer_page(
    session: AsyncSession, app_id: str, filters: CustomerFilter, *, offset: int, limit: int
) -> list[CustomerRow]:
    """Newest first; ties broken by id so pages are stable."""
    statements, params = _statements(app_id, filters)
    window = {**params, "offset": offset, "limit": limit}
    return await fetch(session, CustomerRow, statements.rows, window)


async def count_customers(session: AsyncSession, app_id: str, filters: CustomerFilter) -> int:
    statements, params = _statements(app_id, filters)
    connection = await session.connection()
    return int((await connection.execute(statements.count, params)).scalar_one())
