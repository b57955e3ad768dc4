"""Pages of an app's products, newest first (ix_product_app_created serves the order),
and how many it has. The statements are built once with bound parameters."""

from __future__ import annotations

from sqlalchemy import BindParameter, bindparam, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.db.binds import APP_ID
from gateway.db.reads import TABLES, fetch, select_rows
from gateway.db.rows import ProductRow

_PRODUCTS = TABLES[ProductRow]
_OFFSET: BindParameter[int] = bindparam("offset")
_LIMIT: BindParameter[int] = bindparam("limit")
_PAGE = (
    select_rows(ProductRow)
    .where(_PRODUCTS.c.app_id == APP_ID)
    .order_by(_PRODUCTS.c.created_at.desc(), _PRODUCTS.c.id.desc())
    .offset(_OFFSET)
    .limit(_LIMIT)
)
_COUNT = select(func.count()).select_from(_PRODUCTS).where(_PRODUCTS.c.app_id == APP_ID)


async def product_page(
    session: AsyncSession, app_id: str, *, offset: int, limit: int
) -> list[ProductRow]:
    """Newest first; ties broken by id so pages are stable."""
    params = {"app_id": app_id, "offset": offset, "limit": limit}
    return await fetch(session, ProductRow, _PAGE, params)


async def count_products(session: AsyncSession, app_id: str) -> int:
    connection = await session.connection()
    return int((await connection.execute(_COUNT, {"app_id": app_id})).scalar_one())
