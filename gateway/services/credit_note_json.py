"""The credit note JSON: REST responses and the credit_note.created and refund.recorded
webhook payloads. Its `invoice` holds the invoice's amounts as they are when rendered,
so a payload says what is still due after the credit note."""

from __future__ import annotations

from typing import Any

from gateway.db.credit_note_views import CreditNoteView
from gateway.db.rows import CreditNoteRow
from gateway.domain.credit_notes import CreditTo
from gateway.services.invoice_json import iso_datetime


def credit_to(note: CreditNoteRow) -> str | None:
    """Where the part past what was due went; None when the whole credit was applied."""
    if note.refund_amount > 0:
        return CreditTo.REFUND.value
    if note.balance_amount > 0:
        return CreditTo.CUSTOMER_BALANCE.value
    return None


def render_refund(note: CreditNoteRow) -> dict[str, Any] | None:
    if note.refund_amount <= 0:
        return None
    return {
        "credit_note_id": note.id,
        "invoice_id": note.invoice_id,
        "customer_id": note.customer_id,
        "amount": note.refund_amount,
        "currency": note.currency,
        "method": note.refund_method,
        "reference": note.refund_reference,
        "created_at": iso_datetime(note.created_at),
    }


def render_credit_note(view: CreditNoteView) -> dict[str, Any]:
    note, invoice = view.note, view.invoice
    return {
        "id": note.id,
        "object": "credit_note",
        "number": note.credit_note_number,
        "app": {"id": note.app_id, "name": view.app_name},
        "invoice_id": note.invoice_id,
        "customer_id": note.customer_id,
        "reason": note.reason,
        "memo": note.memo,
        "currency": note.currency,
        "lines": [
            {
                "position": line.position,
                "invoice_line": line.invoice_position,
                "name": line.name,
                "quantity": line.shown_quantity,
                "unit_price": line.unit_price,
                "amount": line.amount,
            }
            for line in view.lines
        ],
        "subtotal": note.subtotal,
        "tax_amount": note.tax_amount,
        "total": note.total,
        "amount_applied": note.amount_applied,
        "credit_to": credit_to(note),
        "refund_amount": note.refund_amount,
        "credit_balance_amount": note.balance_amount,
        "refund": render_refund(note),
        "invoice": {
            "id": invoice.id,
            "invoice_number": invoice.invoice_number,
            "status": invoice.status,
            "total": invoice.total,
            "amount_paid": invoice.amount_paid,
            "amount_credited": invoice.amount_credited,
            "credit_applied": invoice.credit_applied,
            "amount_due": invoice.amount_due,
        },
        "created_at": iso_datetime(note.created_at),
    }
