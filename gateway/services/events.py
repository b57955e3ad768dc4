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

from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.db.event_log import reserve_event_seqs
from gateway.db.invoice_views import InvoiceView
from gateway.db.rows import InvoiceRow
from gateway.db.tables import Event, OutboxMessage, WebhookEndpoint
from gateway.db.webhook_endpoints import enabled_webhook_endpoints
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


class ResourceType(StrEnum):
    """What an event is about: its type is "<resource>.<action>"."""

    INVOICE = "invoice"
    CUSTOMER = "customer"
    PRODUCT = "product"
    TAX = "tax"
    WALLET = "wallet"
    RECURRING_INVOICE = "recurring_invoice"


def _email(
    invoice: InvoiceRow, kind: EmailKind, payload: str, now: datetime, due: datetime
) -> OutboxMessage:
    return OutboxMessage(
        id=f"msg_{uuid.uuid4().hex}",
        app_id=invoice.app_id,
        invoice_id=invoice.id,
        resource_type=ResourceType.INVOICE.value,
        resource_id=invoice.id,
        trace_context=current_trace_context(),
        channel="email",
        event_type=kind.value,
        payload=payload,
        next_attempt_at=due,
        created_at=now,
    )


def _webhook(event: Event, endpoint: WebhookEndpoint) -> OutboxMessage:
    return OutboxMessage(
        id=f"msg_{uuid.uuid4().hex}",
        app_id=event.app_id,
        invoice_id=event.invoice_id,
        resource_type=event.resource_type,
        resource_id=event.resource_id,
        trace_context=current_trace_context(),
        channel="webhook",
        event_type=event.type,
        event_id=event.id,
        seq=event.seq,
        endpoint_id=endpoint.id,
        payload=event.payload,
        next_attempt_at=event.created_at,
        created_at=event.created_at,
    )


async def _record(
    session: AsyncSession,
    app_id: str,
    resource_type: ResourceType,
    resource_id: str,
    typed_payloads: Sequence[tuple[str, str]],
    now: datetime,
) -> None:
    """The events (type, payload) into the log, in order, and their webhooks."""
    if not typed_payloads:
        return
    endpoints = await enabled_webhook_endpoints(session, app_id)
    last = await reserve_event_seqs(session, app_id, len(typed_payloads))
    first = last - len(typed_payloads) + 1
    for seq, (event_type, payload) in enumerate(typed_payloads, start=first):
        event = Event(
            id=f"evt_{uuid.uuid4().hex}",
            app_id=app_id,
            seq=seq,
            type=event_type,
            resource_type=resource_type.value,
            resource_id=resource_id,
            invoice_id=resource_id if resource_type is ResourceType.INVOICE else None,
            payload=payload,
            created_at=now,
        )
        session.add(event)
        for endpoint in endpoints:
            session.add(_webhook(event, endpoint))
    seqs: dict[str, int] = session.info.setdefault("event_seqs", {})
    seqs[app_id] = max(last, seqs.get(app_id, 0))


async def emit(
    session: AsyncSession,
    view: InvoiceView,
    events: Sequence[InvoiceEvent],
    now: datetime,
    public_base_url: str,
) -> None:
    """The invoice's events into the log, and one webhook message per event per enabled
    endpoint of the invoice's app."""
    invoice = view.invoice
    data = render_invoice(view, public_base_url)
    timestamp = iso_datetime(now)
    typed_payloads = [(event.value, _body(event.value, timestamp, data)) for event in events]
    await _record(session, invoice.app_id, ResourceType.INVOICE, invoice.id, typed_payloads, now)


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
    before = {id(row) for row in session.new}
    await emit(session, view, [InvoiceEvent.DELETED], now, public_base_url)
    for row in session.new:
        if id(row) not in before and isinstance(row, OutboxMessage):
            row.invoice_id = None


def queue_email(
    session: AsyncSession,
    invoice: InvoiceRow,
    kind: EmailKind,
    now: datetime,
    not_before: datetime,
) -> None:
    """An email to the invoice's address, sent by the worker at `not_before` or later."""
    payload = dumps({"kind": kind.value, "to": invoice.email}).decode()
    session.add(_email(invoice, kind, payload, now, max(not_before, now)))
