"""An endpoint's delivery log (one row per HTTP attempt, newest first) and the messages
a replay copies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.db.tables import OutboxMessage, WebhookAttempt
from gateway.domain.text import is_storable


@dataclass(frozen=True)
class DeliveryRow:
    """One attempt: `id` (the attempt's, as text) orders the log and is its cursor."""

    id: str
    created_at: datetime
    message_id: str
    webhook_id: str
    event_type: str
    attempt: int
    status_code: int | None
    duration_ms: int
    error: str | None

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


async def deliveries(
    session: AsyncSession, app_id: str, endpoint_id: str, *, before: int | None, limit: int
) -> list[DeliveryRow]:
    """Up to `limit` attempts to the endpoint, newest first, older than attempt `before`."""
    attempt, message = WebhookAttempt, OutboxMessage
    stmt = (
        sa_select(
            col(attempt.id),
            col(attempt.created_at),
            col(attempt.message_id),
            col(message.webhook_id),
            col(message.event_type),
            col(attempt.attempt),
            col(attempt.status_code),
            col(attempt.duration_ms),
            col(attempt.error),
        )
        .join(message, col(message.id) == col(attempt.message_id))
        .where(col(attempt.app_id) == app_id, col(attempt.endpoint_id) == endpoint_id)
        .order_by(col(attempt.id).desc())
        .limit(limit)
    )
    if before is not None:
        stmt = stmt.where(col(attempt.id) < before)
    result = await (await session.connection()).execute(stmt)
    return [
        DeliveryRow(
            id=str(row.id),
            created_at=row.created_at,
            message_id=row.message_id,
            webhook_id=row.webhook_id or row.message_id,
            event_type=row.event_type,
            attempt=row.attempt,
            status_code=row.status_code,
            duration_ms=row.duration_ms,
            error=row.error,
        )
        for row in result.all()
    ]


async def webhook_message(
    session: AsyncSession, app_id: str, endpoint_id: str, message_id: str
) -> OutboxMessage | None:
    """A webhook message of the endpoint, by its own id or by the webhook-id it carries
    (the newest such row)."""
    if not is_storable(message_id):
        return None
    stmt = (
        select(OutboxMessage)
        .where(
            col(OutboxMessage.app_id) == app_id,
            col(OutboxMessage.endpoint_id) == endpoint_id,
            col(OutboxMessage.channel) == "webhook",
            (col(OutboxMessage.id) == message_id) | (col(OutboxMessage.webhook_id) == message_id),
        )
        .order_by(col(OutboxMessage.created_at).desc())
        .limit(1)
    )
    return (await session.exec(stmt)).first()


async def first_webhook_ids(
    session: AsyncSession, endpoint_id: str, event_ids: list[str]
) -> dict[str, str]:
    """For each of these events the endpoint was sent, the webhook-id it was sent with."""
    if not event_ids:
        return {}
    stmt = (
        select(col(OutboxMessage.event_id), col(OutboxMessage.id), col(OutboxMessage.webhook_id))
        .where(
            col(OutboxMessage.endpoint_id) == endpoint_id,
            col(OutboxMessage.event_id).in_(event_ids),
        )
        .order_by(col(OutboxMessage.created_at).desc())
    )
    found: dict[str, str] = {}
    for event_id, message_id, webhook_id in (await session.exec(stmt)).all():
        if event_id is not None:
            found[event_id] = webhook_id or message_id
    return found


async def count_deliveries(session: AsyncSession, app_id: str, endpoint_id: str) -> int:
    stmt = select(func.count()).where(
        col(WebhookAttempt.app_id) == app_id, col(WebhookAttempt.endpoint_id) == endpoint_id
    )
    return int((await session.exec(stmt)).one())
