"""The recurring-invoice JSON: REST responses and the recurring_invoice.* webhook
payloads. Its `invoice` (the template) has the names of the create-invoice body."""

from __future__ import annotations

from typing import Any

from gateway.db.rows import RecurringInvoiceRow
from gateway.domain.create_invoice import ItemRequest
from gateway.domain.discounts import Discount
from gateway.domain.money import plain_number, round_money
from gateway.domain.recurring import InvoiceTemplate
from gateway.services.invoice_json import iso_datetime, render_discount

# Command field -> create-invoice body name, where they differ.
_V0_NAMES = {"wallet_id": "walletId", "tax_id": "taxId"}


def _discount(discount: Discount | None) -> dict[str, Any] | None:
    return None if discount is None else render_discount(discount.type, discount.value)


def _item(item: ItemRequest) -> dict[str, Any]:
    """Every key on every line (null where it does not apply): a product's line has no
    description or unit_price, a free-form one no product_id. Sent back as a template
    item, it reads as the same line."""
    return {
        "product_id": item.product_id,
        "quantity": plain_number(item.quantity),
        "description": item.description,
        "unit_price": None if item.unit_price is None else round_money(item.unit_price),
        "discount": _discount(item.discount),
    }


def render_template(template: InvoiceTemplate) -> dict[str, Any]:
    stored = template.stored()
    stored["items"] = [_item(item) for item in template.items]
    stored["discount"] = _discount(template.discount)
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
