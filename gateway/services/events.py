"""Events (about invoices, customers, products, taxes, wallets and recurring invoices)
into the event log, their webhooks and invoice emails into the outbox, in the caller's
transaction.

Every event is written once into the log (gateway.db.event_log), with the app's next
sequence, whether or not the app has webhook endpoints; each enabled endpoint gets one
outbox message naming it. Nothing is sent here: the worker delivers outbox rows. Because
both are written in the same transaction as the change that caused them, an event is
never lost and never recorded twice.

After writing, `session.info["event_seqs"][app_id]` holds the app's highest sequence
written in the session, for whoever announces new events once the transaction commits.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import insert
from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.db.binds import table_of
from gateway.db.event_log import reserve_event_seqs
from gateway.db.invoice_views import InvoiceView
from gateway.db.rows import InvoiceRow
from gateway.db.tables import Event, OutboxMessage
from gateway.db.webhook_endpoints import EnabledEndpoint, enabled_webhook_endpoints
from gateway.domain.webhooks import subscribes
from gateway.encoding import dumps
from gateway.services.invoice_json import iso_datetime, render_invoice
from gateway.tracing.outbox import current_trace_context


class InvoiceEvent(StrEnum):
    CREATED = "invoice.created"
    SENT = "invoice.sent"
    PARTIALLY_PAID = "invoice.partially_paid"
    PAID = "invoice.paid"
    OVERDUE = "invoice.overdue"
    VOIDED = "invoice.voided"
    MARKED_UNCOLLECTIBLE = "invoice.marked_uncollectible"
    # Only a draft that holds no number is deleted (gateway.domain.invoice_closing).
    DELETED = "invoice.deleted"


class EmailKind(StrEnum):
    INVOICE = "invoice"
    REMINDER = "reminder"
    CREDIT_NOTE = "credit_note"


class ResourceType(StrEnum):
    """What an event is about: its type is "<resource>.<action>"."""

    INVOICE = "invoice"
    CUSTOMER = "customer"
    PRODUCT = "product"
    TAX = "tax"
    WALLET = "wallet"
    RECURRING_INVOICE = "recurring_invoice"
    # An app's webhook endpoint: only endpoint.disabled.
    ENDPOINT = "endpoint"
    CREDIT_NOTE = "credit_note"
    REFUND = "refund"


class ResourceAction(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    DELETED = "deleted"


ENDPOINT_DISABLED = "endpoint.disabled"
# Sent to one endpoint on request, never to the others and never filtered out.
WEBHOOK_TEST = "webhook.test"


def known_event_types() -> tuple[str, ...]:
    """Every event type an endpoint's filter may name."""
    resources = [kind for kind in ResourceType if kind not in _OWN_EVENTS]
    return (
        *(event.value for event in InvoiceEvent),
        *(f"{kind.value}.{action.value}" for kind in resources for action in ResourceAction),
        ENDPOINT_DISABLED,
        WEBHOOK_TEST,
    )


_OWN_EVENTS = (ResourceType.INVOICE, ResourceType.ENDPOINT)


def email_message(
    invoice: InvoiceRow, kind: EmailKind, payload: str, now: datetime, due: datetime
) -> dict[str, Any]:
    """The outbox row (its columns) of an email about the invoice, due at `due`."""
    return _message(
        invoice.app_id,
        invoice.id,
        ResourceType.INVOICE.value,
        invoice.id,
        "email",
        kind.value,
        payload,
        due,
        now,
    )


def _message(
    app_id: str,
    invoice_id: str | None,
    resource_type: str,
    resource_id: str,
    channel: str,
    event_type: str,
    payload: str,
    due: datetime,
    now: datetime,
    event: dict[str, Any] | None = None,
    endpoint_id: str | None = None,
) -> dict[str, Any]:
    """An outbox row's columns; every row has the same keys, so rows of one INSERT can
    mix emails and webhooks (status and attempts are the columns' defaults)."""
    return {
        "id": f"msg_{uuid.uuid4().hex}",
        "app_id": app_id,
        "invoice_id": invoice_id,
        "resource_type": resource_type,
        "resource_id": resource_id,
        "trace_context": current_trace_context(),
        "channel": channel,
        "event_type": event_type,
        "event_id": None if event is None else event["id"],
        "seq": None if event is None else event["seq"],
        "endpoint_id": endpoint_id,
        "payload": payload,
        "next_attempt_at": due,
        "created_at": now,
    }


def _webhook(
    event: dict[str, Any], endpoint: EnabledEndpoint, invoice_id: str | None
) -> dict[str, Any]:
    return _message(
        event["app_id"],
        invoice_id,
        event["resource_type"],
        event["resource_id"],
        "webhook",
        event["type"],
        event["payload"],
        event["created_at"],
        event["created_at"],
        event,
        endpoint.id,
    )


_INSERT_EVENTS = insert(table_of(Event))
_INSERT_MESSAGES = insert(table_of(OutboxMessage))


async def _record(
    session: AsyncSession,
    app_id: str,
    resource_type: ResourceType,
    resource_id: str,
    typed_payloads: Sequence[tuple[str, str]],
    now: datetime,
    *,
    invoice_id: str | None = None,
    also: Sequence[dict[str, Any]] = (),
    last_seq: int | None = None,
) -> None:
    """The events (type, payload) into the log, in order, and their webhooks (naming
    `invoice_id`), then the outbox rows `also` (an email), with Core INSERTs: one for
    the events, one for the messages. What the session still holds is flushed first, so
    rows go in after the ones they may refer to, and an endpoint changed in this
    transaction is read as changed. `last_seq`: the last of the sequences the caller
    reserved for these events (None: take them)."""
    if not typed_payloads:
        return
    await session.flush()
    endpoints = await enabled_webhook_endpoints(session, app_id)
    if last_seq is None:
        last = await reserve_event_seqs(session, app_id, len(typed_payloads))
    else:
        last = last_seq
    first = last - len(typed_payloads) + 1
    events: list[dict[str, Any]] = []
    messages: list[dict[str, Any]] = []
    for seq, (event_type, payload) in enumerate(typed_payloads, start=first):
        event = {
            "id": f"evt_{uuid.uuid4().hex}",
            "app_id": app_id,
            "seq": seq,
            "type": event_type,
            "resource_type": resource_type.value,
            "resource_id": resource_id,
            "invoice_id": resource_id if resource_type is ResourceType.INVOICE else None,
            "payload": payload,
            "created_at": now,
        }
        events.append(event)
        messages.extend(
            _webhook(event, endpoint, invoice_id)
            for endpoint in endpoints
            if subscribes(endpoint.enabled_events, event_type)
        )
    messages.extend(also)
    connection = await session.connection()
    await connection.execute(_INSERT_EVENTS, events)
    if messages:
        await connection.execute(_INSERT_MESSAGES, messages)
    seqs: dict[str, int] = session.info.setdefault("event_seqs", {})
    seqs[app_id] = max(last, seqs.get(app_id, 0))


async def emit(
    session: AsyncSession,
    view: InvoiceView,
    events: Sequence[InvoiceEvent],
    now: datetime,
    public_base_url: str,
    *,
    data: dict[str, Any] | None = None,
    also: Sequence[dict[str, Any]] = (),
    deleted: bool = False,
    last_seq: int | None = None,
) -> None:
    """The invoice's events into the log, and one webhook message per event per enabled
    endpoint of the invoice's app; then the outbox rows `also`. `data`: the invoice's v0
    JSON, when the caller has rendered it already. `deleted`: the messages name no
    invoice row (the row is gone; the resource id still names it). `last_seq`: as for
    `_record`."""
    invoice = view.invoice
    if data is None:
        data = render_invoice(view, public_base_url)
    timestamp = iso_datetime(now)
    typed_payloads = [(event.value, _body(event.value, timestamp, data)) for event in events]
    await _record(
        session,
        invoice.app_id,
        ResourceType.INVOICE,
        invoice.id,
        typed_payloads,
        now,
        invoice_id=None if deleted else invoice.id,
        also=also,
        last_seq=last_seq,
    )


async def emit_resource_event(
    session: AsyncSession,
    app_id: str,
    resource_type: ResourceType,
    resource_id: str,
    action: str,
    data: dict[str, object],
    now: datetime,
) -> None:
    """`<resource_type>.<action>` (customer.created, product.updated, tax.deleted, ...)
    with `data` (the resource as v0 renders it) into the log and to every enabled
    endpoint of the app, in the caller's transaction, as invoice events are."""
    event_type = f"{resource_type.value}.{action}"
    payload = _body(event_type, iso_datetime(now), data)
    await _record(session, app_id, resource_type, resource_id, [(event_type, payload)], now)


def _body(event_type: str, timestamp: str | None, data: object) -> str:
    return dumps({"type": event_type, "timestamp": timestamp, "data": data}).decode()


async def emit_invoice_deleted(
    session: AsyncSession, view: InvoiceView, now: datetime, public_base_url: str
) -> None:
    """invoice.deleted with the invoice as it was; its messages name no invoice row, as
    the row is gone (the resource id still names it)."""
    await emit(session, view, [InvoiceEvent.DELETED], now, public_base_url, deleted=True)


def queue_email(
    session: AsyncSession,
    invoice: InvoiceRow,
    kind: EmailKind,
    now: datetime,
    not_before: datetime,
) -> None:
    """An email to the invoice's address, sent by the worker at `not_before` or later."""
    session.add(OutboxMessage(**invoice_email(invoice, kind, now, not_before)))


def invoice_email(
    invoice: InvoiceRow, kind: EmailKind, now: datetime, not_before: datetime
) -> dict[str, Any]:
    """The outbox row of an email to the invoice's address, due at `not_before` or now."""
    payload = dumps({"kind": kind.value, "to": invoice.email}).decode()
    return email_message(invoice, kind, payload, now, max(not_before, now))


def queue_credit_note_email(
    session: AsyncSession, invoice: InvoiceRow, credit_note_id: str, now: datetime
) -> None:
    """The credit note email to the invoice's address, sent by the worker now."""
    kind = EmailKind.CREDIT_NOTE
    payload = dumps({"kind": kind.value, "to": invoice.email, "credit_note_id": credit_note_id})
    session.add(OutboxMessage(**email_message(invoice, kind, payload.decode(), now, now)))
