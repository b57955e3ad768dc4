"""Credit notes: create one against an issued invoice, read one, list them.

A create locks the invoice (gateway.db.invoice_writes) before it reads what was credited,
so concurrent credit notes against one invoice apply one after the other and together
never credit more than its total. In the same transaction it takes the app's next credit
note number, writes the note and its lines, raises the invoice's amount_credited (PAID
once nothing is due), adds to the customer's credit balance or records a refund for what
it credits past the amount due, and queues credit_note.created, refund.recorded, the
email, and invoice.paid when the credit settles the invoice.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.db.credit_note_views import CreditNoteView, load_credit_note_views
from gateway.db.credit_notes import (
    CREDIT_NOTES,
    add_credit_balance,
    credit_notes_by_ids,
    credited_quantities,
    next_credit_note_counter,
)
from gateway.db.invoice_writes import compare_and_set, lock_invoice
from gateway.db.reads import items_of
from gateway.db.resource_pages import NEWEST_FIRST
from gateway.db.rows import CreditNoteRow, row_of
from gateway.db.tables import CreditNote, CreditNoteLine, Invoice
from gateway.domain.credit_note_rules import (
    checked_create,
    checked_lines,
    checked_status,
    checked_total,
)
from gateway.domain.credit_notes import (
    CreateCreditNoteCommand,
    CreditNoteAmounts,
    InvoiceAmounts,
    InvoiceLine,
    credit_note_amounts,
)
from gateway.domain.errors import CreditNoteNotFound, InvoiceNotFound
from gateway.domain.money import ZERO
from gateway.domain.numbering import format_invoice_number
from gateway.domain.status import DeliveryMethod, InvoiceStatus
from gateway.runtime import Runtime
from gateway.services.access import Caller
from gateway.services.credit_note_json import render_credit_note, render_refund
from gateway.services.events import (
    InvoiceEvent,
    ResourceType,
    emit,
    emit_resource_event,
    queue_credit_note_email,
)
from gateway.services.invoice_lifecycle import invoice_view

# Statuses a credit that leaves nothing due settles (PAID).
_SETTLED_BY_CREDIT = frozenset(
    {InvoiceStatus.OPEN, InvoiceStatus.PASTDUE, InvoiceStatus.PARTIALLYPAID}
)


def _amounts_of(invoice: Invoice) -> InvoiceAmounts:
    return InvoiceAmounts(
        # What was taxed: the lines after every discount (gateway.domain.discounts).
        subtotal=invoice.subtotal - invoice.discount_amount,
        tax_amount=invoice.tax_amount,
        total=invoice.total,
        amount_paid=invoice.amount_paid,
        amount_credited=invoice.amount_credited,
        credit_applied=invoice.credit_applied,
    )


async def _priced(
    session: AsyncSession, caller: Caller, invoice: Invoice, command: CreateCreditNoteCommand
) -> CreditNoteAmounts:
    before = _amounts_of(invoice)
    if command.lines is None:
        amounts = credit_note_amounts(before, command.credit_to, amount=command.amount)
    else:
        items = (await items_of(session, caller.app_id, [invoice.id]))[0]
        credited = await credited_quantities(session, caller.app_id, invoice.id)
        lines = {
            item.position: InvoiceLine(
                position=item.position,
                name=item.name or item.product_id or "",
                quantity=item.quantity,
                unit_price=item.unit_price,
                # What the line comes to after its discounts: what a credit gives back.
                line_total=item.net_total,
                credited_quantity=credited.get(item.position, ZERO),
            )
            for item in items
        }
        chosen = checked_lines(command, lines)
        amounts = credit_note_amounts(before, command.credit_to, lines=chosen)
    checked_total(amounts.total, before.creditable)
    return amounts


def _note(
    caller: Caller,
    invoice: Invoice,
    command: CreateCreditNoteCommand,
    amounts: CreditNoteAmounts,
    number: str,
    now: datetime,
) -> CreditNote:
    refunded = amounts.refunded > 0
    return CreditNote(
        id=f"cn_{uuid.uuid4().hex}",
        app_id=caller.app_id,
        invoice_id=invoice.id,
        customer_id=invoice.customer_id,
        credit_note_number=number,
        reason=None if command.reason is None else command.reason.value,
        memo=command.memo,
        currency=invoice.currency,
        subtotal=amounts.subtotal,
        tax_amount=amounts.tax_amount,
        total=amounts.total,
        amount_applied=amounts.applied,
        refund_amount=amounts.refunded,
        balance_amount=amounts.to_balance,
        refund_method=command.refund_method.value if refunded and command.refund_method else None,
        refund_reference=command.refund_reference if refunded else None,
        created_at=now,
    )


async def create_credit_note(
    runtime: Runtime, caller: Caller, invoice_id: str, command: CreateCreditNoteCommand
) -> CreditNoteView:
    """The new credit note. InvalidInput (the command's values, an unknown line, a
    quantity past the line's), InvoiceNotFound, CreditNotAllowed (a DRAFT or VOID
    invoice), CreditExceedsInvoice (more than is left to credit)."""
    command = checked_create(command)
    now = runtime.clock()
    async with runtime.sessions() as session:
        invoice = await lock_invoice(session, caller.app_id, invoice_id)
        if invoice is None:
            raise InvoiceNotFound()
        checked_status(invoice.status)
        amounts = await _priced(session, caller, invoice, command)
        counter, number_format = await next_credit_note_counter(session, caller.app_id)
        note = _note(
            caller, invoice, command, amounts, format_invoice_number(number_format, counter), now
        )
        session.add(note)
        await session.flush()
        lines = [
            CreditNoteLine(
                app_id=caller.app_id,
                credit_note_id=note.id,
                invoice_id=invoice.id,
                position=index,
                invoice_position=line.position,
                name=line.name,
                quantity=line.quantity,
                unit_price=line.unit_price,
                amount=line.amount,
            )
            for index, line in enumerate(amounts.lines)
        ]
        session.add_all(lines)
        await session.flush()
        changes = _invoice_changes(invoice, amounts, now)
        await compare_and_set(session, invoice, changes)
        if amounts.to_balance > 0:
            await add_credit_balance(
                session, caller.app_id, invoice.customer_id, invoice.currency,
                amounts.to_balance, now,
            )  # fmt: skip
        # Read back in this transaction: the lines as written, the invoice as changed.
        row = row_of(CreditNoteRow, note)
        views = await load_credit_note_views(session, caller.app_id, caller.app_name, [row])
        view = views[0]
        await _record_events(session, caller, view, now)
        if changes.get("status") == InvoiceStatus.PAID.value:
            # Settled by the credit: invoice.paid, as a payment that leaves nothing due.
            paid = await invoice_view(session, caller, invoice)
            base_url = runtime.settings.public_base_url
            await emit(session, paid, [InvoiceEvent.PAID], now, base_url)
        await session.commit()
    return view


def _invoice_changes(
    invoice: Invoice, amounts: CreditNoteAmounts, now: datetime
) -> dict[str, object]:
    changes: dict[str, object] = {"amount_credited": invoice.amount_credited + amounts.total}
    settled = amounts.applied > 0 and amounts.applied == _amounts_of(invoice).due
    if settled and InvoiceStatus(invoice.status) in _SETTLED_BY_CREDIT:
        changes |= {"status": InvoiceStatus.PAID.value, "paid_at": now}
    return changes


async def _record_events(
    session: AsyncSession, caller: Caller, view: CreditNoteView, now: datetime
) -> None:
    note = view.note
    data = render_credit_note(view)
    await emit_resource_event(
        session, caller.app_id, ResourceType.CREDIT_NOTE, note.id, "created", data, now
    )
    refund = render_refund(note)
    if refund is not None:
        await emit_resource_event(
            session, caller.app_id, ResourceType.REFUND, note.id, "recorded", refund, now
        )
    if view.invoice.delivery == DeliveryMethod.EMAIL:
        queue_credit_note_email(session, view.invoice, note.id, now)


async def get_credit_note(runtime: Runtime, caller: Caller, credit_note_id: str) -> CreditNoteView:
    """CreditNoteNotFound for no credit note of the app."""
    async with runtime.sessions() as session:
        row = (await credit_notes_by_ids(session, caller.app_id, [credit_note_id]))[0]
        if row is None:
            raise CreditNoteNotFound()
        return (await load_credit_note_views(session, caller.app_id, caller.app_name, [row]))[0]


async def list_credit_notes(
    runtime: Runtime, caller: Caller, invoice_id: str | None, *, offset: int, limit: int
) -> list[CreditNoteView]:
    """Newest first; only the invoice's when `invoice_id` is given."""
    async with runtime.sessions() as session:
        rows = await CREDIT_NOTES.offset_page(
            session,
            caller.app_id,
            {"invoice_id": invoice_id},
            NEWEST_FIRST,
            offset=offset,
            limit=limit,
        )
        return await load_credit_note_views(session, caller.app_id, caller.app_name, rows)
