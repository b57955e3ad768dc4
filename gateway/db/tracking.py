"""Recording an invoice email's first open and first click, once each."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.db.tables import Invoice
from gateway.domain.text import is_storable


async def _record_first(session: AsyncSession, token: str, column: str, now: datetime) -> None:
    if not is_storable(token):
        return  # no invoice has it, and the database would refuse it
    # WHERE ... IS NULL: repeated opens and concurrent clicks never move the timestamp
    # (nor the version, which every change of an invoice increments).
    target = getattr(Invoice, column)
    stmt = (
        update(Invoice)
        .where(col(Invoice.tracking_token) == token, target.is_(None))
        .values({target: now, Invoice.version: col(Invoice.version) + 1})
    )
    await session.exec(stmt)


async def record_first_open(session: AsyncSession, token: str, now: datetime) -> None:
    await _record_first(session, token, "first_opened_at", now)


async def record_first_click(session: AsyncSession, token: str, now: datetime) -> None:
    await _record_first(session, token, "first_clicked_at", now)
