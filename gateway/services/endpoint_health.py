"""Endpoints that keep failing are turned off: once every attempt to an endpoint has
failed for WEBHOOK_DISABLE_AFTER_SECONDS (three days by default), the attempt that
finds so disables it, with the reason, and emits endpoint.disabled to the app's other
endpoints, in the transaction that logs the attempt."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.db import webhook_endpoints as endpoints_db
from gateway.db.tables import WebhookEndpoint
from gateway.runtime import Runtime
from gateway.services.events import ResourceType, emit_resource_event
from gateway.services.invoice_json import iso_datetime


def failing_reason(since: datetime) -> str:
    return f"every delivery failed since {iso_datetime(since)}"


async def disable_if_failing(
    runtime: Runtime,
    session: AsyncSession,
    endpoint: WebhookEndpoint,
    since: datetime,
    now: datetime,
) -> bool:
    """True if this call disabled the endpoint (failing since `since`, long enough)."""
    window = timedelta(seconds=runtime.settings.webhook_disable_after_seconds)
    if now - since < window:
        return False
    reason = failing_reason(since)
    disabled = await endpoints_db.disable_webhook_endpoint(
        session, endpoint.app_id, endpoint.id, reason
    )
    if disabled:
        data: dict[str, object] = {
            "webhook_id": endpoint.id,
            "name": endpoint.name,
            "url": endpoint.url,
            "reason": reason,
            "failing_since": iso_datetime(since),
        }
        await emit_resource_event(
            session, endpoint.app_id, ResourceType.ENDPOINT, endpoint.id, "disabled", data, now
        )
    return disabled
