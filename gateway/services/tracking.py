"""Email tracking: the first open (the pixel) and the first click of an invoice email."""

from __future__ import annotations

from gateway.db import reads
from gateway.db.invoice_views import InvoiceView
from gateway.db.tracking import record_first_click, record_first_open
from gateway.runtime import Runtime
from gateway.services.invoice_queries import view_of_any_app


async def record_open(runtime: Runtime, token: str) -> None:
    async with runtime.sessions() as session:
        await record_first_open(session, token, runtime.clock())
        await session.commit()


async def record_click(runtime: Runtime, token: str) -> InvoiceView | None:
    """The invoice behind the token, its first click recorded; None if none has it."""
    async with runtime.sessions() as session:
        row = await reads.invoice_by_tracking_token(session, token)
        if row is None:
            return None
        await record_first_click(session, token, runtime.clock())
        await session.commit()
        return await view_of_any_app(session, row)
