"""Webhook endpoints of an app (tenant-scoped)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import bindparam, case, func, update
from sqlalchemy import select as sa_select
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.db.tables import OutboxMessage, WebhookEndpoint
from gateway.domain.text import is_storable

_KEPT = col(WebhookEndpoint.deleted_at).is_(None)


async def webhook_endpoints(
    session: AsyncSession, app_id: str, *, offset: int = 0, limit: int | None = None
) -> list[WebhookEndpoint]:
    """The app's endpoints (not deleted ones), oldest first."""
    stmt = (
        select(WebhookEndpoint)
        .where(WebhookEndpoint.app_id == app_id, _KEPT)
        .order_by(col(WebhookEndpoint.created_at), col(WebhookEndpoint.id))
        .offset(offset)
        .limit(limit)
    )
    return list((await session.exec(stmt)).all())


@dataclass(frozen=True)
class DeliveryStats:
    """v0 `delivery_stats`: messages for the endpoint, delivered, given up on."""

    total_events: int = 0
    successful_deliveries: int = 0
    failed_deliveries: int = 0
    last_delivery: datetime | None = None


async def delivery_stats(
    session: AsyncSession, app_id: str, endpoint_ids: list[str]
) -> dict[str, DeliveryStats]:
    """By endpoint id; an endpoint without messages is absent (zero stats)."""
    if not endpoint_ids:
        return {}
    status = col(OutboxMessage.status)
    stmt = (
        sa_select(
            col(OutboxMessage.endpoint_id),
            func.count(),
            func.count(case((status == "delivered", 1))),
            func.count(case((status == "dead", 1))),
            func.max(col(OutboxMessage.delivered_at)),
        )
        .where(
            col(OutboxMessage.app_id) == app_id,
            col(OutboxMessage.channel) == "webhook",
            col(OutboxMessage.endpoint_id).in_(endpoint_ids),
        )
        .group_by(col(OutboxMessage.endpoint_id))
    )
    return {
        str(endpoint_id): DeliveryStats(int(total), int(ok), int(dead), last)
        for endpoint_id, total, ok, dead, last in (
            await (await session.connection()).execute(stmt)
        ).all()
    }


class EnabledEndpoint(NamedTuple):
    """What an event's fan-out needs of an enabled endpoint."""

    id: str
    # The event types it takes (gateway.domain.webhooks.subscribes); None: every type.
    enabled_events: list[str] | None


_ENDPOINTS = WebhookEndpoint.__table__  # type: ignore[attr-defined]
_ENABLED = sa_select(_ENDPOINTS.c.id, _ENDPOINTS.c.enabled_events).where(
    _ENDPOINTS.c.app_id == bindparam("app_id"), _ENDPOINTS.c.enabled.is_(True)
)


async def enabled_webhook_endpoints(session: AsyncSession, app_id: str) -> list[EnabledEndpoint]:
    """Built once: every OPEN create and every status change asks. Core rows: no ORM
    objects (nor autoflush) for a read on every create."""
    connection = await session.connection()
    rows = await connection.execute(_ENABLED, {"app_id": app_id})
    return [EnabledEndpoint(*row) for row in rows]


async def webhook_endpoint(
    session: AsyncSession, app_id: str, endpoint_id: str
) -> WebhookEndpoint | None:
    if not is_storable(endpoint_id):
        return None
    stmt = select(WebhookEndpoint).where(
        WebhookEndpoint.app_id == app_id, WebhookEndpoint.id == endpoint_id, _KEPT
    )
    return (await session.exec(stmt)).first()


async def failing_since(
    session: AsyncSession, endpoint_id: str, now: datetime, *, failed: bool
) -> datetime | None:
    """Records an attempt's outcome: a failure starts a run of failures (when none is
    under way), a success ends it. Returns when the run under way began (None: none)."""
    since = col(WebhookEndpoint.failing_since)
    where = col(WebhookEndpoint.id) == endpoint_id
    if not failed:
        await session.exec(
            update(WebhookEndpoint).where(where, since.is_not(None)).values(failing_since=None)
        )
        return None
    stmt = (
        update(WebhookEndpoint)
        .where(where)
        .values(failing_since=func.coalesce(since, now))
        .returning(since)
    )
    value: datetime | None = (await session.exec(stmt)).scalar_one_or_none()
    return value


async def disable_webhook_endpoint(
    session: AsyncSession, app_id: str, endpoint_id: str, reason: str
) -> bool:
    """False if the endpoint is missing or already disabled (its first reason stays)."""
    if not is_storable(endpoint_id):
        return False
    stmt = (
        update(WebhookEndpoint)
        .where(
            col(WebhookEndpoint.app_id) == app_id,
            col(WebhookEndpoint.id) == endpoint_id,
            col(WebhookEndpoint.enabled).is_(True),
        )
        .values(enabled=False, disabled_reason=reason)
    )
    result = await session.exec(stmt)
    return bool(result.rowcount == 1)


# The worker serves every app at once, so the functions below are not app-scoped.


async def all_webhook_secrets(session: AsyncSession) -> dict[str, str]:
    """Every endpoint's stored secret by endpoint id (for sealing them again)."""
    stmt = select(col(WebhookEndpoint.id), col(WebhookEndpoint.secret))
    return {endpoint_id: secret for endpoint_id, secret in (await session.exec(stmt)).all()}


async def set_webhook_secrets(session: AsyncSession, secrets: dict[str, str]) -> None:
    for endpoint_id, secret in secrets.items():
        stmt = (
            update(WebhookEndpoint)
            .where(col(WebhookEndpoint.id) == endpoint_id)
            .values(secret=secret)
        )
        await session.exec(stmt)
