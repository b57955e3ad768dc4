"""What wallet writes read and change: the app's wallets held still while one is added
(no constraint in the table keeps an address unique), the wallet an address already
names, and removing one.

`lock_app_wallets` is a create's first statement: on PostgreSQL it locks the app's row
(SELECT ... FOR UPDATE), on SQLite it takes the database's write lock (BEGIN IMMEDIATE),
each held until commit, so two creates of one address queue and the second sees the
first.
"""

from __future__ import annotations

from sqlalchemy import BindParameter, bindparam, delete, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.db.binds import APP_ID, table_of
from gateway.db.tables import App, Wallet

_APPS = table_of(App)
_WALLETS = table_of(Wallet)
_BLOCKCHAIN: BindParameter[str] = bindparam("blockchain")
_ADDRESS: BindParameter[str] = bindparam("address")
_ID: BindParameter[str] = bindparam("wallet_id")

_APP_LOCKED = select(_APPS.c.id).where(_APPS.c.id == APP_ID).with_for_update()
_ON_CHAIN = (_WALLETS.c.app_id == APP_ID, func.upper(_WALLETS.c.blockchain) == _BLOCKCHAIN)
_SAME_ADDRESS = {
    # EVM addresses are one account in any case.
    True: select(_WALLETS.c.id).where(*_ON_CHAIN, func.lower(_WALLETS.c.address) == _ADDRESS),
    False: select(_WALLETS.c.id).where(*_ON_CHAIN, _WALLETS.c.address == _ADDRESS),
}
_DELETE = delete(_WALLETS).where(_WALLETS.c.app_id == APP_ID, _WALLETS.c.id == _ID)


async def lock_app_wallets(session: AsyncSession, app_id: str) -> bool:
    """Holds off other wallet creates of the app until this transaction ends; False if
    the app does not exist."""
    connection = await session.connection()
    if connection.dialect.name == "sqlite":
        # As gateway.db.invoice_writes.lock_invoice: take SQLite's write lock now.
        await connection.exec_driver_sql("BEGIN IMMEDIATE")
    result = await connection.execute(_APP_LOCKED, {"app_id": app_id})
    return result.first() is not None


async def wallet_with_address(
    session: AsyncSession, app_id: str, blockchain: str, key: str, *, folded: bool
) -> str | None:
    """The id of the app's wallet on `blockchain` (upper case) whose address is `key`
    (`folded`: compared in lower case), if any."""
    connection = await session.connection()
    params = {"app_id": app_id, "blockchain": blockchain, "address": key}
    result = await connection.execute(_SAME_ADDRESS[folded], params)
    found: str | None = result.scalars().first()
    return found


async def delete_wallet_row(session: AsyncSession, app_id: str, wallet_id: str) -> None:
    connection = await session.connection()
    await connection.execute(_DELETE, {"app_id": app_id, "wallet_id": wallet_id})
