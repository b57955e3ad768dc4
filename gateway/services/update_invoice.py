"""Editing a DRAFT invoice: the stored request merged with the changes, validated and
priced again by the same code that creates invoices."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gateway.db.invoice_views import InvoiceView
from gateway.db.invoice_writes import compare_and_set, replace_items
from gateway.db.rows import ItemRow
from gateway.db.tables import Invoice
from gateway.domain.create_invoice import check_dates, parse_create_invoice
from gateway.domain.errors import InvalidInput, InvalidTransition
from gateway.domain.status import InvoiceStatus
from gateway.runtime import Runtime
from gateway.services.access import Caller
from gateway.services.create_invoice import (
    invoice_columns,
    invoice_items,
    new_payment_link_token,
    payment_link_expiry,
    price_invoice,
)
from gateway.services.invoice_lifecycle import invoice_view, load_invoice

# v0 request field -> Invoice column, for the fields an update may change.
_FIELDS = {
    "name": "name",
    "email": "email",
    "customer_id": "customer_id",
    "walletId": "wallet_id",
    "due_date": "due_date",
    "delivery": "delivery",
    "payment_link": "payment_link",
    "payment_methods": "payment_methods",
    "partial_payment": "partial_payment",
    "address": "address",
    "phone_number": "phone_number",
    "send_date": "send_date",
    "logo": "logo",
    "taxId": "tax_id",
}


def _as_request(invoice: Invoice, items: list[ItemRow]) -> dict[str, Any]:
    request: dict[str, Any] = {field: getattr(invoice, column) for field, column in _FIELDS.items()}
    for field in ("due_date", "send_date"):
        if request[field] is not None:
            request[field] = request[field].isoformat()
    request["status"] = invoice.status
    request["items"] = [
        {"product_id": item.product_id, "quantity": item.quantity} for item in items
    ]
    return request


async def update_invoice(
    runtime: Runtime, caller: Caller, invoice_id: str, changes: Mapping[str, Any]
) -> InvoiceView:
    now = runtime.clock()
    async with runtime.sessions() as session:
        invoice = await load_invoice(session, caller, invoice_id)
        if invoice.status != InvoiceStatus.DRAFT:
            raise InvalidTransition(
                f"Only DRAFT invoices can be updated; this one is {invoice.status}"
            )
        if changes.get("status", InvoiceStatus.DRAFT.value) != InvoiceStatus.DRAFT.value:
            raise InvalidInput(["status must be DRAFT here; send the invoice to open it"])
        current = (await invoice_view(session, caller, invoice)).items
        merged = {**_as_request(invoice, [entry.item for entry in current]), **changes}
        command = parse_create_invoice(merged)
        check_dates(command.due_date, command.send_date, now.date())
        priced = await price_invoice(session, caller.app_id, command)
        values = invoice_columns(command, priced.totals)
        if not command.payment_link:
            values["payment_link_token"] = values["payment_link_expires_at"] = None
        else:
            values["payment_link_token"] = invoice.payment_link_token or new_payment_link_token()
            values["payment_link_expires_at"] = payment_link_expiry(command.due_date)
        await compare_and_set(session, invoice, {"status": InvoiceStatus.DRAFT.value}, values)
        await replace_items(session, invoice, invoice_items(invoice, priced.totals))
        view = await invoice_view(session, caller, invoice)
        await session.commit()
    return view
