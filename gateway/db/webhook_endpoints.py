"""Webhook endpoints of an app (tenant-scoped)."""

from __future__ import annotations

from sqlalchemy import bindparam, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.db.tables import WebhookEndpoint
from gateway.domain.text import is_storable


async def webhook_endpoints(session: AsyncSession, app_id: str) -> list[WebhookEndpoint]:
    stmt = (
        select(WebhookEndpoint)
        .where(WebhookEndpoint.app_id == app_id)
        .order_by(col(WebhookEndpoint.created_at), col(WebhookEndpoint.id))
    )
    return list((await session.exec(stmt)).all())


_ENABLED = select(WebhookEndpoint).where(
    col(WebhookEndpoint.app_id) == bindparam("app_id"), col(WebhookEndpoint.enabled).is_(True)
)


async def enabled_webhook_endpoints(session: AsyncSession, app_id: str) -> list[WebhookEndpoint]:
    """Built once: every OPEN create and every status change asks."""
    return list((await session.exec(_ENABLED, params={"app_id": app_id})).all())


async def webhook_endpoint(
    session: AsyncSession, app_id: str, endpoint_id: str
) -> WebhookEndpoint | None:
    if not is_storable(endpoint_id):
        return None
    stmt = select(WebhookEndpoint).where(
        WebhookEndpoint.app_id == app_id, WebhookEndpoint.id == endpoint_id
    )
    return (await session.exec(stmt)).first()


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
