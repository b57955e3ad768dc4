"""A credit note with everything a document about it shows (its JSON, PDF, email and
webhook payload): its lines, its invoice as it is now, the customer. Read in a fixed
number of statements, whatever the number of credit notes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.db.credit_notes import credit_note_lines_of
from gateway.db.reads import rows_by_ids
from gateway.db.rows import CreditNoteLineRow, CreditNoteRow, CustomerRow, InvoiceRow


@dataclass(frozen=True, slots=True)
class CreditNoteView:
    note: CreditNoteRow
    lines: tuple[CreditNoteLineRow, ...]
    invoice: InvoiceRow
    customer: CustomerRow | None
    app_name: str


async def load_credit_note_views(
    session: AsyncSession, app_id: str, app_name: str, notes: Sequence[CreditNoteRow]
) -> list[CreditNoteView]:
    """Three statements at most."""
    if not notes:
        return []
    lines = await credit_note_lines_of(session, app_id, [note.id for note in notes])
    invoice_ids = list(dict.fromkeys(note.invoice_id for note in notes))
    invoices = {
        row.id: row
        for row in await rows_by_ids(session, InvoiceRow, app_id, invoice_ids)
        if row is not None
    }
    customer_ids = list(dict.fromkeys(note.customer_id for note in notes))
    customers = {
        row.id: row
        for row in await rows_by_ids(session, CustomerRow, app_id, customer_ids)
        if row is not None
    }
    return [
        CreditNoteView(
            note=note,
            lines=tuple(group),
            invoice=invoices[note.invoice_id],
            customer=customers.get(note.customer_id),
            app_name=app_name,
        )
        for note, group in zip(notes, lines, strict=True)
    ]
