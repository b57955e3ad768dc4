"""What an app shows its customers on documents and pages: its bank details and logo."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.db.tables import App
from gateway.domain.errors import AppNotFound
from gateway.domain.text import is_storable
from gateway.runtime import Runtime


async def _app(session: AsyncSession, app_id: str) -> App:
    app = await session.get(App, app_id) if is_storable(app_id) else None
    if app is None:
        raise AppNotFound(app_id)
    return app


async def set_bank_details(runtime: Runtime, app_id: str, details: dict[str, str] | None) -> None:
    """Replace the app's bank details (None or {} removes them); AppNotFound if unknown."""
    async with runtime.sessions() as session:
        app = await _app(session, app_id)
        app.bank_details = details or None
        await session.commit()


async def set_logo(runtime: Runtime, app_id: str, data_url: str | None) -> None:
    """Replace the app's logo (a data URL, gateway.domain.logo; None removes it)."""
    async with runtime.sessions() as session:
        app = await _app(session, app_id)
        app.logo = data_url
        await session.commit()
