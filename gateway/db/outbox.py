"""The outbox and the scheduler's atomic status changes: safe with any number of workers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, case, exists, func, or_, update
from sqlalchemy.orm import aliased
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.db.tables import Invoice, OutboxMessage


async def claim_outbox_messages(
    session: AsyncSession, now: datetime, lease_until: datetime, limit: int
) -> list[OutboxMessage]:
    """Leases up to `limit` due messages to the caller until `lease_until`.

    One statement: on PostgreSQL the subquery's FOR UPDATE SKIP LOCKED passes over
    rows another worker is claiming right now instead of waiting for them, and the
    claim condition is repeated on the UPDATE so a row re-checked after a concurrent
    commit is never leased twice. SQLite ignores FOR UPDATE; it runs one writer at a
    time, and a single statement leaves no gap between the read and the write.

    A resource's webhooks (an invoice's, a customer's ...) reach an endpoint in the
    order of their events: a message waits while an earlier event of the same resource
    to the same endpoint is pending
    (leased, due or waiting for a retry); one given up (dead) holds nothing back. A
    pending message stays pending while leased, and an event's messages are committed
    with it, after every earlier event's (gateway.db.event_log), so no worker can see
    the later one free while the earlier one is still on its way.
    """
    earlier = aliased(OutboxMessage)
    claimable = (
        col(OutboxMessage.status) == "pending",
        col(OutboxMessage.next_attempt_at) <= now,
        or_(col(OutboxMessage.locked_until).is_(None), col(OutboxMessage.locked_until) < now),
        ~exists().where(
            col(earlier.endpoint_id) == col(OutboxMessage.endpoint_id),
            col(earlier.resource_type) == col(OutboxMessage.resource_type),
            col(earlier.resource_id) == col(OutboxMessage.resource_id),
            col(earlier.seq) < col(OutboxMessage.seq),
            col(earlier.status) == "pending",
        ),
    )
    due = (
        select(col(OutboxMessage.id))
        .where(*claimable)
        .order_by(col(OutboxMessage.next_attempt_at), col(OutboxMessage.id))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    stmt = (
        update(OutboxMessage)
        .where(col(OutboxMessage.id).in_(due), *claimable)
        .values(locked_until=lease_until)
        .returning(OutboxMessage)
        .execution_options(synchronize_session=False)
    )
    return list((await session.exec(stmt)).scalars().all())


async def renew_outbox_leases(
    session: AsyncSession,
    message_ids: Sequence[str],
    lease_until: datetime,
    renewed_until: datetime,
) -> list[str]:
    """Extends the caller's lease (`lease_until`) on these messages to `renewed_until`;
    returns the ids it still held (a message settled or taken over is left alone)."""
    stmt = (
        update(OutboxMessage)
        .where(
            col(OutboxMessage.id).in_(message_ids),
            col(OutboxMessage.locked_until) == lease_until,
        )
        .values(locked_until=renewed_until)
        .returning(col(OutboxMessage.id))
        .execution_options(synchronize_session=False)
    )
    return [str(message_id) for message_id in (await session.exec(stmt)).scalars().all()]


async def settle_outbox_message(
    session: AsyncSession, message_id: str, lease_until: datetime, values: dict[str, Any]
) -> bool:
    """Writes the outcome of one delivery and releases the lease.

    Only while the caller still holds the lease it was given: if it ran past it and
    another worker took the message over, that worker's outcome counts, not this one.
    """
    stmt = (
        update(OutboxMessage)
        .where(col(OutboxMessage.id) == message_id, col(OutboxMessage.locked_until) == lease_until)
        .values(locked_until=None, **values)
    )
    result = await session.exec(stmt)
    return bool(result.rowcount == 1)


async def mark_invoices_past_due(
    session: AsyncSession, from_statuses: Sequence[str], to_status: str, today: date, limit: int
) -> list[str]:
    """Moves up to `limit` invoices due before `today` to `to_status`; returns their ids.

    One UPDATE, so concurrent callers each get back only the rows they changed
    themselves and whatever follows a change happens once per invoice. SKIP LOCKED
    (PostgreSQL) passes over rows another transaction holds; the next call sees them.
    """
    moving = (
        col(Invoice.status).in_(from_statuses),
        col(Invoice.due_date) < today,
    )
    return await _mark_batch(session, moving, {"status": to_status}, limit)


async def mark_reminders_due(
    session: AsyncSession, status: str, delivery: str, limit: int
) -> list[str]:
    """Sets reminder_sent on up to `limit` invoices in `status`, delivered by `delivery`,
    that have had no reminder; returns their ids (one UPDATE, as mark_invoices_past_due)."""
    due = (
        col(Invoice.status) == status,
        col(Invoice.delivery) == delivery,
        col(Invoice.reminder_sent).is_(False),
    )
    return await _mark_batch(session, due, {"reminder_sent": True}, limit)


async def _mark_batch(
    session: AsyncSession,
    where: tuple[ColumnElement[bool], ...],
    values: dict[str, Any],
    limit: int,
) -> list[str]:
    batch = select(col(Invoice.id)).where(*where).limit(limit).with_for_update(skip_locked=True)
    stmt = (
        update(Invoice)
        .where(col(Invoice.id).in_(batch), *where)
        .values(**values, version=col(Invoice.version) + 1)
        .returning(col(Invoice.id))
        .execution_options(synchronize_session=False)
    )
    return [str(invoice_id) for invoice_id in (await session.exec(stmt)).scalars().all()]


async def pending_outbox_summary(
    session: AsyncSession, now: datetime
) -> tuple[int, datetime | None]:
    """How many messages are pending, and when the oldest of those already due was
    written (None: none is due). One aggregate over the status index."""
    due_created_at = case(
        (col(OutboxMessage.next_attempt_at) <= now, col(OutboxMessage.created_at))
    )
    stmt = select(func.count(), func.min(due_created_at)).where(
        col(OutboxMessage.status) == "pending"
    )
    count, oldest = (await session.exec(stmt)).one()
    return int(count), oldest
