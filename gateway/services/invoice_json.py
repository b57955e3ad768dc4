"""The v0 invoice JSON as the spec shows it: REST responses and webhook payloads."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from gateway.db.invoice_views import InvoiceView
from gateway.db.rows import CustomerRow, TaxRow, TransactionRow, WalletRow
from gateway.domain.discounts import stored_discount
from gateway.domain.money import plain_number
from gateway.links import payment_link_url


def iso_datetime(value: datetime | None) -> str | None:
    if value is None:
        return None
    return (
        value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"
    )


def iso_date(value: date | None) -> str | None:
    return None if value is None else f"{value.isoformat()}T00:00:00.000Z"


def _pick(row: CustomerRow | WalletRow | None, *names: str) -> dict[str, Any] | None:
    return None if row is None else {name: getattr(row, name) for name in names}


def _tax(tax: TaxRow | None) -> dict[str, Any] | None:
    if tax is None:
        return None
    return {
        "id": tax.id,
        "name": tax.name,
        "rate": plain_number(tax.rate),
        "type": tax.type,
        "inclusive": tax.inclusive,
    }


def _transaction(txn: TransactionRow) -> dict[str, Any]:
    return {
        "id": txn.id,
        "invoice_id": txn.invoice_id,
        "amount": txn.amount,
        "method": txn.method,
        "reference": txn.reference,
        "created_at": iso_datetime(txn.created_at),
    }


def render_discount(kind: str | None, value: Decimal | None) -> dict[str, Any] | None:
    """An extension field: the discount as asked, or null."""
    discount = stored_discount(kind, value)
    if discount is None:
        return None
    return {"type": discount.type.value, "value": plain_number(discount.value)}


def render_invoice(view: InvoiceView, public_base_url: str) -> dict[str, Any]:
    inv = view.invoice
    return {
        "id": inv.id,
        "invoice_number": inv.invoice_number,
        "name": inv.name,
        "app_id": inv.app_id,
        "email": inv.email,
        "address": inv.address,
        "phone_number": inv.phone_number,
        "logo": inv.logo,
        "customer_id": inv.customer_id,
        "walletId": inv.wallet_id,
        "due_date": iso_date(inv.due_date),
        "send_date": iso_date(inv.send_date),
        "date_created": iso_datetime(inv.date_created),
        "status": inv.status,
        "payment_methods": list(inv.payment_methods),
        "delivery": inv.delivery,
        "payment_link": inv.payment_link,
        "partial_payment": inv.partial_payment,
        "reminder_sent": inv.reminder_sent,
        "paidAt": iso_datetime(inv.paid_at),
        "paymentMetadata": inv.payment_metadata,
        "paymentStatus": inv.payment_status,
        "taxId": inv.tax_id,
        "currency": inv.currency,
        "app": {"id": inv.app_id, "name": view.app_name},
        "customer": _pick(view.customer, "id", "email", "name", "status"),
        "wallet": _pick(view.wallet, "id", "address", "blockchain", "type"),
        "tax": _tax(view.tax),
        "items": [
            {
                "invoice_id": inv.id,
                "productId": entry.item.product_id,
                "name": entry.name,
                "quantity": entry.item.shown_quantity,
                "unit_price": entry.item.unit_price,
                "line_total": entry.item.line_total,
                "discount": render_discount(entry.item.discount_type, entry.item.discount_value),
                "discount_amount": entry.item.discount_amount,
                "invoice_discount_amount": entry.item.invoice_discount_amount,
                "net_total": entry.item.net_total,
                "product": None
                if entry.product is None
                else {
                    "id": entry.product.id,
                    "name": entry.product.name,
                    "price": entry.product.price,
                    "currency": entry.product.currency,
                },
            }
            for entry in view.items
        ],
        "transactions": [_transaction(txn) for txn in view.transactions],
        "subtotal": inv.subtotal,
        "discount": render_discount(inv.discount_type, inv.discount_value),
        "discount_amount": inv.discount_amount,
        "tax_amount": inv.tax_amount,
        "total": inv.total,
        "amount_paid": inv.amount_paid,
        "amount_credited": inv.amount_credited,
        "credit_applied": inv.credit_applied,
        "amount_due": inv.amount_due,
        "payment_link_url": payment_link_url(public_base_url, inv.payment_link_token),
        "payment_link_expires_at": iso_datetime(inv.payment_link_expires_at),
        "status_reason": inv.status_reason,
        "voided_at": iso_datetime(inv.voided_at),
        "marked_uncollectible_at": iso_datetime(inv.marked_uncollectible_at),
    }
