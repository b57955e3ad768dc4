"""Void an invoice, mark it uncollectible, or delete a draft that holds no number.

Each reads the invoice locked, as sending and recording a payment do
(gateway.services.invoice_lifecycle), so a void and a payment racing on one invoice
apply one after the other: the second sees what the first left and is refused if it
no longer fits (a payment on a VOID invoice, a void of a PAID one).

An invoice that consumed the customer's credit balance when it was made (credit_applied)
gives it back when it is voided or deleted, as Stripe does: the amount returns to the
customer's balance in the invoice's currency, in the same transaction, and a void
invoice's credit_applied becomes 0.00 (it holds none of the balance any more), so the
customer's balance and the credit_applied of its invoices always add up to what credit
notes put on it. An invoice marked uncollectible keeps its credit: it may still be paid."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, update
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.db.credit_notes import add_credit_balance
from gateway.db.invoice_views import InvoiceView
from gateway.db.invoice_writes import compare_and_set
from gateway.db.tables import Invoice, InvoiceItem, OutboxMessage
from gateway.domain.invoice_closing import CloseRequest, ensure_deletable
from gateway.domain.money import ZERO
from gateway.domain.status import InvoiceStatus, ensure_status_change
from gateway.domain.versions import Expected
from gateway.runtime import Runtime
from gateway.services.access import Caller
from gateway.services.events import InvoiceEvent, emit, emit_invoice_deleted
from gateway.services.invoice_lifecycle import invoice_view, load_invoice

_CLOSED = {
    InvoiceStatus.VOID: ("voided_at", InvoiceEvent.VOIDED),
    InvoiceStatus.UNCOLLECTIBLE: ("marked_uncollectible_at", InvoiceEvent.MARKED_UNCOLLECTIBLE),
}


async def _close(
    runtime: Runtime,
    caller: Caller,
    invoice_id: str,
    target: InvoiceStatus,
    request: CloseRequest | None,
    expected: Expected,
) -> InvoiceView:
    now = runtime.clock()
    stamp, event = _CLOSED[target]
    async with runtime.sessions() as session:
        invoice = await load_invoice(session, caller, invoice_id, expected)
        ensure_status_change(InvoiceStatus(invoice.status), target)
        reason = None if request is None else request.reason
        values: dict[str, object] = {"status": target.value, "status_reason": reason, stamp: now}
        if target is InvoiceStatus.VOID and invoice.credit_applied > 0:
            await _give_credit_back(session, invoice, now)
            values["credit_applied"] = ZERO
        await compare_and_set(session, invoice, values)
        view = await invoice_view(session, caller, invoice)
        await emit(session, view, [event], now, runtime.settings.public_base_url)
        await session.commit()
    return view


async def void_invoice(
    runtime: Runtime,
    caller: Caller,
    invoice_id: str,
    request: CloseRequest | None = None,
    expected: Expected = None,
) -> InvoiceView:
    """-> VOID (from DRAFT, OPEN, PASTDUE, PARTIALLYPAID, UNCOLLECTIBLE): nothing is due,
    no payment is accepted, the payment link shows the invoice void, the credit balance
    it consumed goes back to the customer; invoice.voided."""
    return await _close(runtime, caller, invoice_id, InvoiceStatus.VOID, request, expected)


async def mark_uncollectible(
    runtime: Runtime,
    caller: Caller,
    invoice_id: str,
    request: CloseRequest | None = None,
    expected: Expected = None,
) -> InvoiceView:
    """-> UNCOLLECTIBLE (from OPEN, PASTDUE, PARTIALLYPAID): a bad debt that still takes
    payments; invoice.marked_uncollectible."""
    target = InvoiceStatus.UNCOLLECTIBLE
    return await _close(runtime, caller, invoice_id, target, request, expected)


async def _give_credit_back(session: AsyncSession, invoice: Invoice, now: datetime) -> None:
    """What the invoice consumed of its customer's credit balance goes back to it."""
    await add_credit_balance(
        session, invoice.app_id, invoice.customer_id, invoice.currency, invoice.credit_applied, now
    )


@dataclass(frozen=True)
class DeletedInvoice:
    invoice_id: str
    deleted_at: datetime


async def delete_invoice(
    runtime: Runtime, caller: Caller, invoice_id: str, expected: Expected = None
) -> DeletedInvoice:
    """Removes a DRAFT that holds no number, with its lines, giving back the credit
    balance it consumed; invoice.deleted. A numbered invoice is refused
    (InvoiceNumbered): void it."""
    now = runtime.clock()
    async with runtime.sessions() as session:
        invoice = await load_invoice(session, caller, invoice_id, expected)
        ensure_deletable(invoice.status, invoice.invoice_number)
        view = await invoice_view(session, caller, invoice)
        if invoice.credit_applied > 0:
            await _give_credit_back(session, invoice, now)
        # Messages already written about it stay (their payload is what they send) but
        # no longer point at the row.
        await session.exec(
            update(OutboxMessage)
            .where(col(OutboxMessage.invoice_id) == invoice.id)
            .values(invoice_id=None)
        )
        await session.exec(delete(InvoiceItem).where(col(InvoiceItem.invoice_id) == invoice.id))
        await session.exec(delete(Invoice).where(col(Invoice.id) == invoice.id))
        await emit_invoice_deleted(session, view, now, runtime.settings.public_base_url)
        await session.commit()
    return DeletedInvoice(invoice.id, now)
