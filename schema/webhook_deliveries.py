"""A webhook endpoint's delivery log as a connection (newest attempt first) and its
delivery counts, for the fields of schema.types.WebhookEndpoint."""

from __future__ import annotations

from datetime import datetime

import strawberry

from gateway.db.keyset import Ordering
from gateway.db.webhook_deliveries import DeliveryRow
from gateway.domain.errors import InvalidInput
from gateway.services.webhooks import (
    count_webhook_deliveries,
    get_webhook,
    webhook_deliveries,
)
from schema.context import Context
from schema.pagination import Connection, Fetched, Keyset, connection, window

NEWEST_FIRST = Keyset("webhookDeliveries", Ordering("NEWEST_FIRST", "created_at", datetime, True))


@strawberry.type(description="One HTTP attempt to deliver a webhook message.")
class WebhookDelivery:
    id: strawberry.ID
    created_at: datetime = strawberry.field(description="When the attempt ended.")
    message_id: str = strawberry.field(description="The outbox message the attempt delivered.")
    webhook_id: str = strawberry.field(
        description="The webhook-id header it carried (a replay keeps the original's)."
    )
    event_type: str
    attempt: int = strawberry.field(description="1 for the first attempt of the message.")
    status_code: int | None = strawberry.field(
        description="The endpoint's HTTP status; null when no answer came (see error)."
    )
    duration_ms: int
    error: str | None = strawberry.field(
        description="Timeout, connection or address refusal; null when the endpoint answered."
    )
    succeeded: bool

    @classmethod
    def from_row(cls, row: DeliveryRow) -> WebhookDelivery:
        return cls(
            id=strawberry.ID(row.id),
            created_at=row.created_at,
            message_id=row.message_id,
            webhook_id=row.webhook_id,
            event_type=row.event_type,
            attempt=row.attempt,
            status_code=row.status_code,
            duration_ms=row.duration_ms,
            error=row.error,
            succeeded=row.succeeded,
        )


@strawberry.type(description="Messages for the endpoint and how they ended.")
class WebhookDeliveryStats:
    total_events: int
    successful_deliveries: int
    failed_deliveries: int = strawberry.field(description="Messages given up on.")
    last_delivery: datetime | None


async def delivery_page(
    context: Context, endpoint_id: str, first: int, after: str | None
) -> Connection[WebhookDelivery]:
    page = window(first, after, NEWEST_FIRST)
    before = None
    if page.after is not None:
        if not page.after.id.isdigit():
            raise InvalidInput(["after must be a cursor returned by this connection"])
        before = int(page.after.id)
    runtime, caller = context.runtime, context.caller
    rows = await webhook_deliveries(runtime, caller, endpoint_id, before=before, limit=page.limit)
    fetched = Fetched.of(rows, page)

    async def count() -> int:
        return await count_webhook_deliveries(runtime, caller, endpoint_id)

    nodes = [WebhookDelivery.from_row(row) for row in fetched.shown]
    return connection(fetched, nodes, page, count)


async def delivery_stats(context: Context, endpoint_id: str) -> WebhookDeliveryStats:
    stats = (await get_webhook(context.runtime, context.caller, endpoint_id)).stats
    return WebhookDeliveryStats(
        total_events=stats.total_events,
        successful_deliveries=stats.successful_deliveries,
        failed_deliveries=stats.failed_deliveries,
        last_delivery=stats.last_delivery,
    )
