"""Whether an app's invoices (or products) point at a customer, product, tax or wallet:
a row in use is archived on delete, an unused one is removed."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import BindParameter, bindparam, exists, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.db.binds import APP_ID, table_of
from gateway.db.tables import Invoice, InvoiceItem, Product

_INVOICES = table_of(Invoice)
_ITEMS = table_of(InvoiceItem)
_PRODUCTS = table_of(Product)


class Referenced(StrEnum):
    CUSTOMER = "customer"
    PRODUCT = "product"
    TAX = "tax"
    WALLET = "wallet"


def _any(*conditions: Any) -> Any:
    return exists().where(*conditions)


def _statement(kind: Referenced) -> Any:
    row_id: BindParameter[str] = bindparam("row_id")
    if kind is Referenced.CUSTOMER:
        found = _any(_INVOICES.c.app_id == APP_ID, _INVOICES.c.customer_id == row_id)
    elif kind is Referenced.PRODUCT:
        found = _any(_ITEMS.c.app_id == APP_ID, _ITEMS.c.product_id == row_id)
    elif kind is Referenced.TAX:
        found = _any(_INVOICES.c.app_id == APP_ID, _INVOICES.c.tax_id == row_id)
    else:
        found = _any(_INVOICES.c.app_id == APP_ID, _INVOICES.c.wallet_id == row_id) | _any(
            _PRODUCTS.c.app_id == APP_ID, _PRODUCTS.c.wallet_id == row_id
        )
    return select(found)


_STATEMENTS = {kind: _statement(kind) for kind in Referenced}


async def in_use(session: AsyncSession, kind: Referenced, app_id: str, row_id: str) -> bool:
    """True when an invoice of the app (for a wallet, also a product) refers to the row."""
    connection = await session.connection()
    result = await connection.execute(_STATEMENTS[kind], {"app_id": app_id, "row_id": row_id})
    return bool(result.scalar_one())


async def remove_unless_used(
    session: AsyncSession, kind: Referenced, app_id: str, row: SQLModel
) -> bool:
    """Delete `row` (an ORM object of this session) unless the app's invoices use it;
    True when it is used and was kept. An invoice committed since the check still keeps
    it: its foreign key refuses the delete, which a savepoint takes back."""
    row_id = str(row.id)  # type: ignore[attr-defined]
    if await in_use(session, kind, app_id, row_id):
        return True
    try:
        async with session.begin_nested():
            await session.delete(row)
    except IntegrityError:
        await session.refresh(row)
        return True
    return False
