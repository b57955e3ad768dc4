"""What recurring-invoice use cases read and change: an app's schedules as a Listing
(gateway.db.keyset), one schedule locked for a change, and the worker's claim of the
schedules whose next run has come.

Locks: on PostgreSQL a schedule is locked with SELECT ... FOR UPDATE, and the worker
claims with FOR UPDATE SKIP LOCKED, so concurrent workers take disjoint batches and a
pause waits for the invoice being made. On SQLite, BEGIN IMMEDIATE takes the database's
write lock first (as gateway.db.invoice_writes.lock_invoice), so writers queue.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.db.binds import APP_ID
from gateway.db.keyset import Listing
from gateway.db.reads import TABLES
from gateway.db.resource_pages import NEWEST_FIRST, OLDEST_FIRST
from gateway.db.rows import RecurringInvoiceRow
from gateway.db.tables import RecurringInvoice
from gateway.domain.recurring import ScheduleStatus
from gateway.domain.text import is_storable

RECURRING_INVOICES = Listing(
    RecurringInvoiceRow,
    {"status": TABLES[RecurringInvoiceRow].c.status == bindparam("status")},
    [NEWEST_FIRST, OLDEST_FIRST],
)
"""Filters: status."""

_LOCKED = (
    select(RecurringInvoice)
    .where(
        col(RecurringInvoice.id) == bindparam("schedule_id"), col(RecurringInvoice.app_id) == APP_ID
    )
    .with_for_update()
)
_DUE = (
    select(RecurringInvoice)
    .where(
        col(RecurringInvoice.status) == ScheduleStatus.ACTIVE.value,
        col(RecurringInvoice.next_run_at) <= bindparam("now"),
    )
    # Apps in one order in every worker: the invoice counters they lock cannot deadlock.
    .order_by(
        col(RecurringInvoice.app_id), col(RecurringInvoice.next_run_at), col(RecurringInvoice.id)
    )
    .limit(bindparam("limit"))
    .with_for_update(skip_locked=True)
)


async def _write_lock(session: AsyncSession) -> None:
    connection = await session.connection()
    if connection.dialect.name == "sqlite":
        await connection.exec_driver_sql("BEGIN IMMEDIATE")


async def lock_schedule(
    session: AsyncSession, app_id: str, schedule_id: str
) -> RecurringInvoice | None:
    """The app's schedule, locked against other writers until this transaction ends."""
    if not is_storable(schedule_id):
        return None
    await _write_lock(session)
    params = {"schedule_id": schedule_id, "app_id": app_id}
    return (await session.exec(_LOCKED, params=params)).first()


async def claim_due_schedules(
    session: AsyncSession, now: datetime, limit: int
) -> list[RecurringInvoice]:
    """Up to `limit` active schedules due at `now`, locked; those another worker holds
    are skipped."""
    await _write_lock(session)
    return list((await session.exec(_DUE, params={"now": now, "limit": limit})).all())
