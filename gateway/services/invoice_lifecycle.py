"""After creation: send a draft, record payments. Each change reads the invoice locked
(gateway.db.invoice_writes), so concurrent changes apply one after the other, each to
the invoice as the one before left it; it checks the version the caller expects, and
writes one compare-and-set UPDATE (the next version) with its events in the same
transaction."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.db.customer_writes import record_purchase
from gateway.db.invoice_views import InvoiceView, load_invoice_views
from gateway.db.invoice_writes import compare_and_set, lock_invoice
from gateway.db.rows import InvoiceRow, TransactionRow, row_of
from gateway.db.tables import Invoice, Transaction
from gateway.domain.create_invoice import check_dates
from gateway.domain.errors import InvoiceNotFound
from gateway.domain.payments import PaymentRequest, apply_payment
from gateway.domain.status import DeliveryMethod, InvoiceStatus, ensure_transition
from gateway.domain.versions import Expected, check_version
from gateway.runtime import Runtime
from gateway.services.access import Caller
from gateway.services.create_invoice import send_at, settled_by_credit
from gateway.services.events import EmailKind, InvoiceEvent, emit, queue_email

_PAYMENT_EVENTS = {
    InvoiceStatus.PAID: InvoiceEvent.PAID,
    InvoiceStatus.PARTIALLYPAID: InvoiceEvent.PARTIALLY_PAID,
    # Part of a bad debt recovered: the invoice stays UNCOLLECTIBLE.
    InvoiceStatus.UNCOLLECTIBLE: InvoiceEvent.PARTIALLY_PAID,
}


async def load_invoice(
    session: AsyncSession, caller: Caller, invoice_id: str, expected: Expected
) -> Invoice:
    """The invoice to change, locked until the transaction ends (the session's first
    statement), at one of the `expected` versions."""
    invoice = await lock_invoice(session, caller.app_id, invoice_id)
    if invoice is None:
        raise InvoiceNotFound()
    check_version(invoice.version, expected)
    return invoice


async def invoice_view(session: AsyncSession, caller: Caller, invoice: Invoice) -> InvoiceView:
    """The view of an invoice this transaction changed (its lines and payments as the
    transaction sees them)."""
    row = row_of(InvoiceRow, invoice)
    return (await load_invoice_views(session, caller.app_id, caller.app_name, [row]))[0]


async def send_invoice(
    runtime: Runtime, caller: Caller, invoice_id: str, expected: Expected = None
) -> InvoiceView:
    """DRAFT -> OPEN (PAID if its credit balance paid it all): emits invoice.sent and
    queues the email (at send_date) for EMAIL."""
    now = runtime.clock()
    async with runtime.sessions() as session:
        invoice = await load_invoice(session, caller, invoice_id, expected)
        ensure_transition(InvoiceStatus(invoice.status), InvoiceStatus.OPEN)
        check_dates(invoice.due_date, None, now.date())
        settled = settled_by_credit(invoice)
        status = InvoiceStatus.PAID if settled else InvoiceStatus.OPEN
        changes: dict[str, object] = {"status": status.value, "sent_at": now}
        if settled:
            changes["paid_at"] = now
        await compare_and_set(session, invoice, changes)
        view = await invoice_view(session, caller, invoice)
        events = [InvoiceEvent.SENT, InvoiceEvent.PAID] if settled else [InvoiceEvent.SENT]
        await emit(session, view, events, now, runtime.settings.public_base_url)
        if invoice.delivery == DeliveryMethod.EMAIL:
            queue_email(session, view.invoice, EmailKind.INVOICE, now, send_at(view.invoice, now))
        await session.commit()
    return view


@dataclass(frozen=True)
class RecordedPayment:
    view: InvoiceView
    transaction: TransactionRow


async def record_payment(
    runtime: Runtime,
    caller: Caller,
    invoice_id: str,
    payment: PaymentRequest,
    expected: Expected = None,
) -> RecordedPayment:
    now = runtime.clock()
    async with runtime.sessions() as session:
        invoice = await load_invoice(session, caller, invoice_id, expected)
        outcome = apply_payment(
            status=InvoiceStatus(invoice.status),
            total=invoice.total,
            amount_paid=invoice.amount_paid,
            amount=payment.amount,
            method=payment.method,
            amount_credited=invoice.amount_credited,
            credit_applied=invoice.credit_applied,
            accepted_methods=list(invoice.payment_methods),
            partial_allowed=invoice.partial_payment,
        )
        paid = outcome.status is InvoiceStatus.PAID
        await compare_and_set(
            session,
            invoice,
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
        await record_purchase(session, caller.app_id, invoice.customer_id, outcome.amount, now)
        view = await invoice_view(session, caller, invoice)
        event = _PAYMENT_EVENTS[outcome.status]
        await emit(session, view, [event], now, runtime.settings.public_base_url)
        await session.commit()
    return RecordedPayment(view, row_of(TransactionRow, transaction))
