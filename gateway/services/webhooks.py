"""Managing an app's webhook endpoints (/api/v0/webhooks and the GraphQL mutations):
create, read, list, change, enable or disable, delete; rotate the signing secret; send a
test event; read the delivery log; replay a message.

URLs pass the same checks as gateway.services.webhook_endpoints (no private addresses
unless allowed). A rotation keeps the old secret for WEBHOOK_SECRET_OVERLAP_SECONDS:
until then each delivery carries a signature by each secret (gateway.delivery.webhooks).

A replay is a new outbox message for the endpoint carrying the payload and the
webhook-id of the message it replays: Standard Webhooks keeps one id per event, so a
receiver that already processed it can tell (and one that did not processes it).
Replaying the log after a sequence does the same for each event the endpoint's filter
lets through: the webhook-id of the message that first carried the event to this
endpoint, or, for an event it never got (the endpoint was added later, or its filter
changed), the event's own id. Those messages carry the event's sequence, in order.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.db import reads
from gateway.db import webhook_deliveries as deliveries_db
from gateway.db import webhook_endpoints as endpoints_db
from gateway.db.event_log import events_after
from gateway.db.tables import OutboxMessage, WebhookEndpoint
from gateway.db.webhook_deliveries import DeliveryRow
from gateway.db.webhook_endpoints import DeliveryStats
from gateway.domain.errors import (
    AppNotFound,
    WebhookEndpointDisabled,
    WebhookMessageNotFound,
    WebhookNotFound,
)
from gateway.domain.webhooks import (
    EVERY_EVENT,
    CreateWebhookCommand,
    UpdateWebhookCommand,
    checked,
    subscribes,
)
from gateway.encoding import dumps
from gateway.runtime import Runtime
from gateway.services.access import Caller
from gateway.services.events import WEBHOOK_TEST, known_event_types
from gateway.services.invoice_json import iso_datetime
from gateway.services.webhook_endpoints import Resolver, check_webhook_url, new_secret
from gateway.tracing.outbox import current_trace_context

DISABLED_BY_APP = "disabled by the app"
# Events one replay request queues at most; ask again after the last one's sequence.
MAX_REPLAY_EVENTS = 1000


@dataclass(frozen=True)
class WebhookView:
    """An endpoint as the surfaces show it: the row (its secret never read) and stats."""

    endpoint: WebhookEndpoint
    stats: DeliveryStats


@dataclass(frozen=True)
class IssuedSecret:
    """A webhook with the signing secret just made for it: shown this once."""

    webhook: WebhookView
    secret: str
    # Until when the previous secret still signs deliveries (None: there was none).
    previous_valid_until: datetime | None = None


@dataclass(frozen=True)
class QueuedMessage:
    message_id: str
    webhook_id: str
    event_type: str
    sequence: int | None = None


@dataclass(frozen=True)
class Replayed:
    queued: list[QueuedMessage]
    # True when events after the last one queued remain (MAX_REPLAY_EVENTS).
    has_more: bool
    # The sequence the next request continues after (the last event looked at).
    last_sequence: int | None


def _detached(row: WebhookEndpoint) -> WebhookEndpoint:
    """A copy bound to no session (later changes to it are never flushed)."""
    return WebhookEndpoint.model_validate(row.model_dump())


async def _view(session: AsyncSession, row: WebhookEndpoint) -> WebhookView:
    stats = await endpoints_db.delivery_stats(session, row.app_id, [row.id])
    return WebhookView(_detached(row), stats.get(row.id, DeliveryStats()))


async def _stored(session: AsyncSession, caller: Caller, webhook_id: str) -> WebhookEndpoint:
    row = await endpoints_db.webhook_endpoint(session, caller.app_id, webhook_id)
    if row is None:
        raise WebhookNotFound()
    return row


async def create_webhook(
    runtime: Runtime,
    caller: Caller,
    command: CreateWebhookCommand,
    *,
    resolver: Resolver | None = None,
) -> IssuedSecret:
    checked(command, known_event_types())
    allow_private = runtime.settings.allow_private_webhook_urls
    await check_webhook_url(command.url, allow_private=allow_private, resolver=resolver)
    secret = new_secret()
    now = runtime.clock()
    row = WebhookEndpoint(
        id=f"whep_{uuid.uuid4().hex}",
        app_id=caller.app_id,
        url=command.url,
        secret=runtime.webhook_secrets.seal(secret),
        enabled=command.is_active,
        disabled_reason=None if command.is_active else DISABLED_BY_APP,
        name=command.name,
        encrypted=command.encrypted,
        enabled_events=_stored_events(command.events),
        created_at=now,
        updated_at=now,
    )
    async with runtime.sessions() as session:
        if await reads.app_row(session, caller.app_id) is None:
            raise AppNotFound(caller.app_id)
        session.add(row)
        await session.flush()
        view = WebhookView(_detached(row), DeliveryStats())
        await session.commit()
    return IssuedSecret(view, secret)


def _stored_events(events: tuple[str, ...]) -> list[str] | None:
    """None (every type) for a filter that lets everything through."""
    return None if EVERY_EVENT in events else list(dict.fromkeys(events))


async def get_webhook(runtime: Runtime, caller: Caller, webhook_id: str) -> WebhookView:
    async with runtime.sessions() as session:
        return await _view(session, await _stored(session, caller, webhook_id))


async def list_webhooks(
    runtime: Runtime, caller: Caller, *, offset: int, limit: int
) -> list[WebhookView]:
    """The app's webhooks, oldest first."""
    async with runtime.sessions() as session:
        rows = await endpoints_db.webhook_endpoints(
            session, caller.app_id, offset=offset, limit=limit
        )
        stats = await endpoints_db.delivery_stats(session, caller.app_id, [row.id for row in rows])
    return [WebhookView(_detached(row), stats.get(row.id, DeliveryStats())) for row in rows]


async def update_webhook(
    runtime: Runtime,
    caller: Caller,
    webhook_id: str,
    changes: UpdateWebhookCommand,
    *,
    resolver: Resolver | None = None,
) -> WebhookView:
    """The given fields changed; isActive true enables it again (its run of failures
    forgotten), false disables it."""
    checked(changes, known_event_types())
    given = changes.changes()
    url = given.get("url")
    if isinstance(url, str):
        allow_private = runtime.settings.allow_private_webhook_urls
        await check_webhook_url(url, allow_private=allow_private, resolver=resolver)
    now = runtime.clock()
    async with runtime.sessions() as session:
        row = await _stored(session, caller, webhook_id)
        for name, value in given.items():
            if name == "events":
                assert isinstance(value, tuple)
                row.enabled_events = _stored_events(value)
            elif name == "is_active":
                assert isinstance(value, bool)
                _set_enabled(row, value)
            else:
                setattr(row, name, value)
        row.updated_at = now
        await session.flush()
        view = await _view(session, row)
        await session.commit()
    return view


def _set_enabled(row: WebhookEndpoint, enabled: bool) -> None:
    if enabled and not row.enabled:
        row.enabled, row.disabled_reason, row.failing_since = True, None, None
    elif not enabled and row.enabled:
        row.enabled, row.disabled_reason = False, DISABLED_BY_APP


async def set_webhook_enabled(
    runtime: Runtime, caller: Caller, webhook_id: str, enabled: bool
) -> WebhookView:
    return await update_webhook(
        runtime, caller, webhook_id, UpdateWebhookCommand(is_active=enabled)
    )


async def delete_webhook(runtime: Runtime, caller: Caller, webhook_id: str) -> WebhookView:
    """Gone from every list and route, and nothing more is delivered to it; its row
    stays (disabled) for the delivery log of messages already sent."""
    now = runtime.clock()
    async with runtime.sessions() as session:
        row = await _stored(session, caller, webhook_id)
        view = await _view(session, row)
        row.enabled, row.disabled_reason = False, "deleted"
        row.deleted_at = row.updated_at = now
        await session.commit()
    return view


async def rotate_webhook_secret(runtime: Runtime, caller: Caller, webhook_id: str) -> IssuedSecret:
    """A new signing secret. The one it replaces keeps signing deliveries, next to the
    new one, for WEBHOOK_SECRET_OVERLAP_SECONDS; a second rotation within that time
    replaces the older one (only the last two secrets sign)."""
    secret = new_secret()
    now = runtime.clock()
    until = now + timedelta(seconds=runtime.settings.webhook_secret_overlap_seconds)
    async with runtime.sessions() as session:
        row = await _stored(session, caller, webhook_id)
        row.previous_secret, row.previous_secret_until = row.secret, until
        row.secret = runtime.webhook_secrets.seal(secret)
        row.updated_at = now
        await session.flush()
        view = await _view(session, row)
        await session.commit()
    return IssuedSecret(view, secret, until)


def _outbox_message(
    endpoint: WebhookEndpoint,
    event_type: str,
    payload: str,
    now: datetime,
    *,
    replayed: OutboxMessage | None = None,
) -> OutboxMessage:
    return OutboxMessage(
        id=f"msg_{uuid.uuid4().hex}",
        app_id=endpoint.app_id,
        invoice_id=None if replayed is None else replayed.invoice_id,
        resource_type=None if replayed is None else replayed.resource_type,
        resource_id=None if replayed is None else replayed.resource_id,
        trace_context=current_trace_context(),
        channel="webhook",
        event_type=event_type,
        endpoint_id=endpoint.id,
        webhook_id=None if replayed is None else (replayed.webhook_id or replayed.id),
        event_id=None if replayed is None else replayed.event_id,
        seq=None if replayed is None else replayed.seq,
        payload=payload,
        next_attempt_at=now,
        created_at=now,
    )


def _queued(message: OutboxMessage) -> QueuedMessage:
    webhook_id = message.webhook_id or message.id
    return QueuedMessage(message.id, webhook_id, message.event_type, message.seq)


async def _deliverable(session: AsyncSession, caller: Caller, webhook_id: str) -> WebhookEndpoint:
    row = await _stored(session, caller, webhook_id)
    if not row.enabled:
        raise WebhookEndpointDisabled()
    return row


async def send_test_event(runtime: Runtime, caller: Caller, webhook_id: str) -> QueuedMessage:
    """A webhook.test message to this endpoint only, whatever its filter; the worker
    delivers it like any other (and logs its attempts)."""
    now = runtime.clock()
    async with runtime.sessions() as session:
        endpoint = await _deliverable(session, caller, webhook_id)
        data = {"webhook_id": endpoint.id, "name": endpoint.name, "url": endpoint.url}
        body = {"type": WEBHOOK_TEST, "timestamp": iso_datetime(now), "data": data}
        message = _outbox_message(endpoint, WEBHOOK_TEST, dumps(body).decode(), now)
        session.add(message)
        await session.commit()
    return _queued(message)


async def replay_message(
    runtime: Runtime, caller: Caller, webhook_id: str, message_id: str
) -> QueuedMessage:
    """The message (named by its id or its webhook-id) sent to the endpoint again: the
    same payload and webhook-id, a new signature and timestamp."""
    now = runtime.clock()
    async with runtime.sessions() as session:
        endpoint = await _deliverable(session, caller, webhook_id)
        original = await deliveries_db.webhook_message(
            session, caller.app_id, endpoint.id, message_id
        )
        if original is None:
            raise WebhookMessageNotFound()
        message = _outbox_message(
            endpoint, original.event_type, original.payload, now, replayed=original
        )
        session.add(message)
        await session.commit()
    return _queued(message)


async def replay_events(
    runtime: Runtime, caller: Caller, webhook_id: str, *, after: int
) -> Replayed:
    """The app's logged events with a sequence above `after` that the endpoint's filter
    lets through, queued for it again in sequence order (up to MAX_REPLAY_EVENTS)."""
    now = runtime.clock()
    async with runtime.sessions() as session:
        endpoint = await _deliverable(session, caller, webhook_id)
        events = await events_after(
            session,
            caller.app_id,
            after=after,
            types=None,
            invoice_id=None,
            limit=MAX_REPLAY_EVENTS + 1,
        )
        shown = events[:MAX_REPLAY_EVENTS]
        wanted = [event for event in shown if subscribes(endpoint.enabled_events, event.type)]
        first_ids = await deliveries_db.first_webhook_ids(
            session, endpoint.id, [event.id for event in wanted]
        )
        messages = []
        for event in wanted:
            message = _outbox_message(endpoint, event.type, event.payload, now)
            message.webhook_id = first_ids.get(event.id, event.id)
            message.event_id, message.seq = event.id, event.seq
            message.invoice_id, message.resource_id = event.invoice_id, event.resource_id
            message.resource_type = event.resource_type
            messages.append(message)
        session.add_all(messages)
        await session.commit()
    last = shown[-1].seq if shown else None
    return Replayed([_queued(m) for m in messages], len(events) > len(shown), last)


async def webhook_deliveries(
    runtime: Runtime, caller: Caller, webhook_id: str, *, before: int | None, limit: int
) -> list[DeliveryRow]:
    """The endpoint's attempts, newest first (older than attempt `before`)."""
    async with runtime.sessions() as session:
        endpoint = await _stored(session, caller, webhook_id)
        return await deliveries_db.deliveries(
            session, caller.app_id, endpoint.id, before=before, limit=limit
        )


async def count_webhook_deliveries(runtime: Runtime, caller: Caller, webhook_id: str) -> int:
    async with runtime.sessions() as session:
        return await deliveries_db.count_deliveries(session, caller.app_id, webhook_id)
