"""What customer writes read and change: the customer to change, locked (as
gateway.db.invoice_writes locks an invoice), who holds an email address, and the last
purchase a payment records on its invoice's customer."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import BindParameter, bindparam, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.db.binds import APP_ID, table_of
from gateway.db.tables import Customer
from gateway.domain.text import is_storable

_CUSTOMERS = table_of(Customer)
_KEY: BindParameter[str] = bindparam("email_key")
_ID: BindParameter[str] = bindparam("customer_id")

_LOCKED = (
    select(Customer)
    .where(col(Customer.id) == _ID, col(Customer.app_id) == APP_ID)
    .with_for_update()
)
_HOLDER = select(_CUSTOMERS.c.id).where(
    _CUSTOMERS.c.app_id == APP_ID, _CUSTOMERS.c.email_key == _KEY
)
# An UPDATE keeps the column names for its SET values: the app is bound as "tenant".
_PURCHASE = (
    update(_CUSTOMERS)
    .where(_CUSTOMERS.c.app_id == bindparam("tenant"), _CUSTOMERS.c.id == _ID)
    .values(last_spent=bindparam("amount"), last_purchase_date=bindparam("paid_at"))
)


async def lock_customer(session: AsyncSession, app_id: str, customer_id: str) -> Customer | None:
    """The app's customer, locked against other writers until this transaction ends."""
    if not is_storable(customer_id):
        return None  # no customer has it, and PostgreSQL would refuse the value
    connection = await session.connection()
    if connection.dialect.name == "sqlite":
        # As gateway.db.invoice_writes.lock_invoice: take SQLite's write lock now.
        await connection.exec_driver_sql("BEGIN IMMEDIATE")
    params = {"customer_id": customer_id, "app_id": app_id}
    return (await session.exec(_LOCKED, params=params)).first()


async def email_holder(session: AsyncSession, app_id: str, key: str) -> str | None:
    """The id of the app's customer whose email key is `key`, if any."""
    connection = await session.connection()
    result = await connection.execute(_HOLDER, {"app_id": app_id, "email_key": key})
    found: str | None = result.scalar_one_or_none()
    return found


async def record_purchase(
    session: AsyncSession, app_id: str, customer_id: str, amount: Decimal, paid_at: datetime
) -> None:
    """The customer's last_spent and last_purchase_date become this payment's, in the
    payment's transaction."""
    connection = await session.connection()
    params = {"tenant": app_id, "customer_id": customer_id, "amount": amount, "paid_at": paid_at}
    await connection.execute(_PURCHASE, params)
