"""An app's wallets, oldest first (GET /api/v0/wallets has no pages: an app has few)."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.db.binds import APP_ID
from gateway.db.reads import TABLES, fetch, select_rows
from gateway.db.rows import WalletRow

_WALLETS = TABLES[WalletRow]
_OLDEST_FIRST = (
    select_rows(WalletRow)
    .where(_WALLETS.c.app_id == APP_ID)
    .order_by(_WALLETS.c.created_at, _WALLETS.c.id)
)


async def app_wallets(session: AsyncSession, app_id: str) -> list[WalletRow]:
    """In creation order; wallets created at the same instant by id."""
    return await fetch(session, WalletRow, _OLDEST_FIRST, {"app_id": app_id})
