"""Webhook events (about invoices, customers, products, taxes and wallets) and invoice
emails into the outbox, in the caller's transaction.

Nothing is sent here: the worker delivers outbox rows. Because a row is written in
the same transaction as the change that caused it, an event is never lost and never
recorded twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum

from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.db.invoice_views import InvoiceView
from gateway.db.rows import InvoiceRow
from gateway.db.tables import OutboxMessage
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
    CREDIT_NOTE = "credit_note"
    REFUND = "refund"


def _message(
    invoice: InvoiceRow,
    channel: str,
    event_type: str,
    payload: str,
    now: datetime,
    due: datetime,
    endpoint_id: str | None = None,
) -> OutboxMessage:
    return _outbox_row(
        invoice.app_id,
        ResourceType.INVOICE,
        invoice.id,
        channel,
        event_type,
        payload,
        now,
        due,
        endpoint_id,
    )


def _outbox_row(
    app_id: str,
    resource_type: ResourceType,
    resource_id: str,
    channel: str,
    event_type: str,
    payload: str,
    now: datetime,
    due: datetime,
    endpoint_id: str | None,
) -> OutboxMessage:
    return OutboxMessage(
        id=f"msg_{uuid.uuid4().hex}",
        app_id=app_id,
        invoice_id=resource_id if resource_type is ResourceType.INVOICE else None,
        resource_type=resource_type.value,
        resource_id=resource_id,
        trace_context=current_trace_context(),
        channel=channel,
        event_type=event_type,
        endpoint_id=endpoint_id,
        payload=payload,
        next_attempt_at=due,
        created_at=now,
    )


async def emit(
    session: AsyncSession,
    view: InvoiceView,
    events: Sequence[InvoiceEvent],
    now: datetime,
    public_base_url: str,
) -> None:
    """One webhook message per event per enabled endpoint of the invoice's app."""
    invoice = view.invoice
    endpoints = await enabled_webhook_endpoints(session, invoice.app_id)
    if not endpoints:
        return
    data = render_invoice(view, public_base_url)
    timestamp = iso_datetime(now)
    for event in events:
        payload = dumps({"type": event.value, "timestamp": timestamp, "data": data}).decode()
        for endpoint in endpoints:
            session.add(_message(invoice, "webhook", event.value, payload, now, now, endpoint.id))


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
    with `data` (the resource as v0 renders it) to every enabled endpoint of the app, in
    the caller's transaction, as invoice events are."""
    endpoints = await enabled_webhook_endpoints(session, app_id)
    if not endpoints:
        return
    event_type = f"{resource_type.value}.{action}"
    timestamp = iso_datetime(now)
    payload = dumps({"type": event_type, "timestamp": timestamp, "data": data}).decode()
    for endpoint in endpoints:
        session.add(
            _outbox_row(
                app_id,
                resource_type,
                resource_id,
                "webhook",
                event_type,
                payload,
                now,
                now,
                endpoint.id,
            )
        )


def queue_email(
    session: AsyncSession,
    invoice: InvoiceRow,
    kind: EmailKind,
    now: datetime,
    not_before: datetime,
) -> None:
    """An email to the invoice's address, sent by the worker at `not_before` or later."""
    payload = dumps({"kind": kind.value, "to": invoice.email}).decode()
    session.add(_message(invoice, "email", kind.value, payload, now, max(not_before, now)))


def queue_credit_note_email(
    session: AsyncSession, invoice: InvoiceRow, credit_note_id: str, now: datetime
) -> None:
    """The credit note email to the invoice's address, sent by the worker now."""
    kind = EmailKind.CREDIT_NOTE.value
    payload = dumps({"kind": kind, "to": invoice.email, "credit_note_id": credit_note_id})
    session.add(_message(invoice, "email", kind, payload.decode(), now, now))
