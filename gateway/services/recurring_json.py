"""The recurring-invoice JSON: REST responses and the recurring_invoice.* webhook
payloads. Its `invoice` (the template) has the names of the create-invoice body."""

from __future__ import annotations

from typing import Any

from gateway.db.rows import RecurringInvoiceRow
from gateway.domain.money import plain_number
from gateway.domain.recurring import InvoiceTemplate
from gateway.services.invoice_json import iso_datetime

# Command field -> create-invoice body name, where they differ.
_V0_NAMES = {"wallet_id": "walletId", "tax_id": "taxId"}


def render_template(template: InvoiceTemplate) -> dict[str, Any]:
    stored = template.stored()
    stored["items"] = [
        {"product_id": item.product_id, "quantity": plain_number(item.quantity)}
        for item in template.items
    ]
    return {_V0_NAMES.get(name, name): value for name, value in stored.items()}


def render_recurring_invoice(row: RecurringInvoiceRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "status": row.status,
        "interval": row.interval,
        "anchor_day": row.anchor_day,
        "start_date": row.start_date.isoformat(),
        "end_date": None if row.end_date is None else row.end_date.isoformat(),
        "count": row.period_count,
        "days_until_due": row.days_until_due,
        "next_run_at": iso_datetime(row.next_run_at),
        "invoices_generated": row.invoices_generated,
        "last_invoice_id": row.last_invoice_id,
        "paused_reason": row.paused_reason,
        "invoice": render_template(InvoiceTemplate.from_stored(row.template)),
        "created_at": iso_datetime(row.created_at),
        "updated_at": iso_datetime(row.updated_at),
    }
