"""After creation: send a draft, record payments. Each change is one compare-and-set
UPDATE (so concurrent requests can't both apply) with its events in the same
transaction."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import update
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.db import repositories as repo
from gateway.db.tables import Invoice, Transaction
from gateway.domain.create_invoice import check_dates
from gateway.domain.errors import ConcurrentModification, InvoiceNotFound
from gateway.domain.payments import PaymentRequest, apply_payment
from gateway.domain.status import DeliveryMethod, InvoiceStatus, ensure_transition
from gateway.runtime import Runtime
from gateway.services.access import Caller
from gateway.services.create_invoice import send_at
from gateway.services.events import EmailKind, InvoiceEvent, emit, queue_email
from gateway.services.invoice_views import InvoiceView, load_invoice_views

_PAYMENT_EVENTS = {
    InvoiceStatus.PAID: InvoiceEvent.PAID,
    InvoiceStatus.PARTIALLYPAID: InvoiceEvent.PARTIALLY_PAID,
}


async def load_invoice(session: AsyncSession, caller: Caller, invoice_id: str) -> Invoice:
    invoice = await repo.get_one(session, Invoice, caller.app_id, invoice_id)
    if invoice is None:
        raise InvoiceNotFound()
    return invoice


async def compare_and_set(
    session: AsyncSession, invoice: Invoice, expected: dict[str, Any], values: dict[str, Any]
) -> None:
    """UPDATE only if the row still holds `expected`; else someone else changed it."""
    stmt = update(Invoice).where(
        col(Invoice.id) == invoice.id,
        *(getattr(Invoice, name) == value for name, value in expected.items()),
    )
    result = await session.exec(stmt.values(**values))
    if result.rowcount != 1:
        await session.rollback()
        raise ConcurrentModification()
    for name, value in values.items():
        setattr(invoice, name, value)


async def invoice_view(session: AsyncSession, caller: Caller, invoice: Invoice) -> InvoiceView:
    return (await load_invoice_views(session, caller.app_id, caller.app_name, [invoice]))[0]


async def send_invoice(runtime: Runtime, caller: Caller, invoice_id: str) -> InvoiceView:
    """DRAFT -> OPEN: emits invoice.sent and queues the email (at send_date) for EMAIL."""
    now = runtime.clock()
    async with runtime.sessions() as session:
        invoice = await load_invoice(session, caller, invoice_id)
        current = InvoiceStatus(invoice.status)
        ensure_transition(current, InvoiceStatus.OPEN)
        check_dates(invoice.due_date, None, now.date())
        await compare_and_set(
            session,
            invoice,
            {"status": current.value},
            {"status": InvoiceStatus.OPEN.value, "sent_at": now},
        )
        view = await invoice_view(session, caller, invoice)
        await emit(session, view, [InvoiceEvent.SENT], now, runtime.settings.public_base_url)
        if invoice.delivery == DeliveryMethod.EMAIL:
            queue_email(session, invoice, EmailKind.INVOICE, now, send_at(invoice, now))
        await session.commit()
    return view


@dataclass(frozen=True)
class RecordedPayment:
    view: InvoiceView
    transaction: Transaction


async def record_payment(
    runtime: Runtime, caller: Caller, invoice_id: str, payment: PaymentRequest
) -> RecordedPayment:
    now = runtime.clock()
    async with runtime.sessions() as session:
        invoice = await load_invoice(session, caller, invoice_id)
        outcome = apply_payment(
            status=InvoiceStatus(invoice.status),
            total=invoice.total,
            amount_paid=invoice.amount_paid,
            amount=payment.amount,
            method=payment.method,
            accepted_methods=list(invoice.payment_methods),
            partial_allowed=invoice.partial_payment,
        )
        paid = outcome.status is InvoiceStatus.PAID
        await compare_and_set(
            session,
            invoice,
            {"status": invoice.status, "amount_paid": invoice.amount_paid},
            {
                "status": outcome.status.value,
                "amount_paid": outcome.amount_paid,
                "payment_status": "PAID" if paid else "PARTIAL",
                "paid_at": now if paid else invoice.paid_at,
            },
        )
        transaction = Transaction(
            id=f"txn_{uuid.uuid4().hex}",
            app_id=caller.app_id,
            invoice_id=invoice.id,
            amount=outcome.amount,
            method=payment.method,
            reference=payment.reference,
            created_at=now,
        )
        session.add(transaction)
        await session.flush()
        view = await invoice_view(session, caller, invoice)
        event = _PAYMENT_EVENTS[outcome.status]
        await emit(session, view, [event], now, runtime.settings.public_base_url)
        await session.commit()
    return RecordedPayment(view, transaction)
