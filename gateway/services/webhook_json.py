"""The v0 webhook JSON (API reference, plus `events` and `disabled_reason`), its delivery
log entries and what the action routes answer."""

from __future__ import annotations

from typing import Any

from gateway.db.webhook_deliveries import DeliveryRow
from gateway.domain.webhooks import EVERY_EVENT
from gateway.services.invoice_json import iso_datetime
from gateway.services.webhooks import IssuedSecret, QueuedMessage, WebhookView


def render_webhook(view: WebhookView) -> dict[str, Any]:
    endpoint, stats = view.endpoint, view.stats
    return {
        "id": endpoint.id,
        "name": endpoint.name,
        "url": endpoint.url,
        "isActive": endpoint.enabled,
        "encrypted": endpoint.encrypted,
        "events": list(endpoint.enabled_events or [EVERY_EVENT]),
        "disabled_reason": endpoint.disabled_reason,
        "created_at": iso_datetime(endpoint.created_at),
        "updated_at": iso_datetime(endpoint.updated_at or endpoint.created_at),
        "delivery_stats": {
            "total_events": stats.total_events,
            "successful_deliveries": stats.successful_deliveries,
            "failed_deliveries": stats.failed_deliveries,
            "last_delivery": iso_datetime(stats.last_delivery),
        },
    }


def render_issued(issued: IssuedSecret) -> dict[str, Any]:
    """The webhook with `signing_secret`, shown this once."""
    return {
        **render_webhook(issued.webhook),
        "signing_secret": issued.secret,
        "previous_secret_expires_at": iso_datetime(issued.previous_valid_until),
    }


def render_delivery(row: DeliveryRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "created_at": iso_datetime(row.created_at),
        "message_id": row.message_id,
        "webhook_id": row.webhook_id,
        "event_type": row.event_type,
        "attempt": row.attempt,
        "status_code": row.status_code,
        "duration_ms": row.duration_ms,
        "error": row.error,
        "succeeded": row.succeeded,
    }


def render_queued(queued: QueuedMessage) -> dict[str, Any]:
    return {
        "message_id": queued.message_id,
        "webhook_id": queued.webhook_id,
        "event_type": queued.event_type,
        "sequence": queued.sequence,
    }
