"""Editing a DRAFT invoice: the stored invoice with the command's changes applied,
priced again by the same code that creates invoices."""

from __future__ import annotations

from gateway.db.credit_notes import reapply_credit_balance
from gateway.db.invoice_views import InvoiceView
from gateway.db.invoice_writes import compare_and_set, replace_items
from gateway.db.rows import ItemRow
from gateway.db.tables import Invoice
from gateway.domain.create_invoice import CreateInvoiceCommand, ItemRequest, check_dates
from gateway.domain.discounts import stored_discount
from gateway.domain.errors import InvalidTransition
from gateway.domain.invoice_currency import invoice_currency
from gateway.domain.status import DeliveryMethod, InvoiceStatus, PaymentMethod
from gateway.domain.update_invoice import UpdateInvoiceCommand
from gateway.domain.versions import Expected
from gateway.runtime import Runtime
from gateway.services.access import Caller
from gateway.services.create_invoice import (
    invoice_columns,
    new_payment_link_token,
    payment_link_expiry,
)
from gateway.services.invoice_lifecycle import invoice_view, load_invoice
from gateway.services.pricing import invoice_items, price_invoice


def stored_command(invoice: Invoice, items: list[ItemRow]) -> CreateInvoiceCommand:
    """The command that would create `invoice` as it is stored."""
    return CreateInvoiceCommand(
        name=invoice.name,
        email=invoice.email,
        customer_id=invoice.customer_id,
        wallet_id=invoice.wallet_id,
        items=tuple(_item_request(item) for item in items),
        due_date=invoice.due_date,
        delivery=DeliveryMethod(invoice.delivery),
        payment_link=invoice.payment_link,
        payment_methods=tuple(PaymentMethod(method) for method in invoice.payment_methods),
        status=InvoiceStatus(invoice.status),
        partial_payment=invoice.partial_payment,
        address=invoice.address,
        phone_number=invoice.phone_number,
        send_date=invoice.send_date,
        logo=invoice.logo,
        tax_id=invoice.tax_id,
        currency=invoice_currency(invoice.currency),
        discount=stored_discount(invoice.discount_type, invoice.discount_value),
    )


def _item_request(item: ItemRow) -> ItemRequest:
    """A stored line as asked: a product's, or free-form (its name and unit price)."""
    discount = stored_discount(item.discount_type, item.discount_value)
    if item.product_id is not None:
        return ItemRequest(item.product_id, item.quantity, discount=discount)
    return ItemRequest(None, item.quantity, item.name, item.unit_price, discount)


async def update_invoice(
    runtime: Runtime,
    caller: Caller,
    invoice_id: str,
    changes: UpdateInvoiceCommand,
    expected: Expected = None,
) -> InvoiceView:
    """`changes` applied to the invoice as it is once locked (gateway.db.invoice_writes),
    so concurrent partial edits each keep their fields."""
    now = runtime.clock()
    async with runtime.sessions() as session:
        invoice = await load_invoice(session, caller, invoice_id, expected)
        if invoice.status != InvoiceStatus.DRAFT:
            raise InvalidTransition(
                f"Only DRAFT invoices can be updated; this one is {invoice.status}"
            )
        current = (await invoice_view(session, caller, invoice)).items
        stored = stored_command(invoice, [entry.item for entry in current])
        command = changes.applied_to(stored)
        check_dates(command.due_date, command.send_date, now.date())
        priced = await price_invoice(session, caller.app_id, command)
        values = invoice_columns(command, priced)
        if not command.payment_link:
            values["payment_link_token"] = values["payment_link_expires_at"] = None
        else:
            values["payment_link_token"] = invoice.payment_link_token or new_payment_link_token()
            values["payment_link_expires_at"] = payment_link_expiry(command.due_date)
        values["credit_applied"] = await reapply_credit_balance(
            session,
            caller.app_id,
            (invoice.customer_id, invoice.currency, invoice.credit_applied),
            values["customer_id"],
            values["currency"],
            values["total"],
            now,
        )
        await compare_and_set(session, invoice, values)
        await replace_items(session, invoice, invoice_items(invoice, priced))
        view = await invoice_view(session, caller, invoice)
        await session.commit()
    return view
