"""Input types. Each turns into the v0 request body it stands for (`to_v0`), so both
surfaces are validated by the same code (gateway.domain.create_invoice for create and
update, gateway.rest.invoice_actions.parse_payment for payments) with the same messages."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import strawberry

from schema.enums import DeliveryMethod, InvoiceStatus, PaymentMethod

# v0 body field -> GraphQL input field, where the names differ.
V0_TO_GRAPHQL = {
    "customer_id": "customerId",
    "due_date": "dueDate",
    "send_date": "sendDate",
    "payment_link": "paymentLink",
    "payment_methods": "paymentMethods",
    "partial_payment": "partialPayment",
    "phone_number": "phoneNumber",
    "product_id": "productId",
}


@strawberry.input
class InvoiceItemInput:
    product_id: strawberry.ID
    quantity: Decimal = strawberry.field(
        description="Greater than 0, at most 1000000, at most 4 decimal places."
    )


@strawberry.input(description="The same fields as the v0 create-invoice request body.")
class CreateInvoiceInput:
    name: str
    email: str
    customer_id: strawberry.ID
    wallet_id: strawberry.ID
    items: list[InvoiceItemInput]
    due_date: date
    delivery: DeliveryMethod
    payment_link: bool
    payment_methods: list[PaymentMethod]
    status: InvoiceStatus = strawberry.field(description="DRAFT or OPEN.")
    partial_payment: bool
    address: str | None = None
    phone_number: str | None = None
    send_date: date | None = None
    logo: str | None = None
    tax_id: strawberry.ID | None = None

    def to_v0(self) -> dict[str, Any]:
        """The v0 JSON body this input stands for (dates as ISO strings, enums as values)."""
        return {
            "name": self.name,
            "email": self.email,
            "customer_id": self.customer_id,
            "walletId": self.wallet_id,
            "items": [
                {"product_id": item.product_id, "quantity": item.quantity} for item in self.items
            ],
            "due_date": self.due_date.isoformat(),
            "delivery": self.delivery.value,
            "payment_link": self.payment_link,
            "payment_methods": [method.value for method in self.payment_methods],
            "status": self.status.value,
            "partial_payment": self.partial_payment,
            "address": self.address,
            "phone_number": self.phone_number,
            "send_date": None if self.send_date is None else self.send_date.isoformat(),
            "logo": self.logo,
            "taxId": self.tax_id,
        }


@strawberry.input(
    description=(
        "Changes to a DRAFT invoice, as PUT /api/v0/invoices/{id} takes them: a field left "
        "out or null stays as it is (so a set address, phone number, send date, logo or tax "
        "cannot be cleared here). The result is validated and priced as on create."
    )
)
class UpdateInvoiceInput:
    name: str | None = None
    email: str | None = None
    customer_id: strawberry.ID | None = None
    wallet_id: strawberry.ID | None = None
    items: list[InvoiceItemInput] | None = strawberry.field(
        default=None, description="Replaces every item of the invoice."
    )
    due_date: date | None = None
    delivery: DeliveryMethod | None = None
    payment_link: bool | None = None
    payment_methods: list[PaymentMethod] | None = None
    partial_payment: bool | None = None
    address: str | None = None
    phone_number: str | None = None
    send_date: date | None = None
    logo: str | None = None
    tax_id: strawberry.ID | None = None

    def to_v0(self) -> dict[str, Any]:
        """The v0 change set: only the fields given (not null), under their v0 names."""
        changes: dict[str, Any] = {
            "name": self.name,
            "email": self.email,
            "customer_id": self.customer_id,
            "walletId": self.wallet_id,
            "items": None
            if self.items is None
            else [
                {"product_id": item.product_id, "quantity": item.quantity} for item in self.items
            ],
            "due_date": None if self.due_date is None else self.due_date.isoformat(),
            "delivery": None if self.delivery is None else self.delivery.value,
            "payment_link": self.payment_link,
            "payment_methods": None
            if self.payment_methods is None
            else [method.value for method in self.payment_methods],
            "partial_payment": self.partial_payment,
            "address": self.address,
            "phone_number": self.phone_number,
            "send_date": None if self.send_date is None else self.send_date.isoformat(),
            "logo": self.logo,
            "taxId": self.tax_id,
        }
        return {name: value for name, value in changes.items() if value is not None}


@strawberry.input(description="A payment received for an invoice, as POST .../payments takes it.")
class RecordPaymentInput:
    invoice_id: strawberry.ID
    amount: Decimal = strawberry.field(
        description="Greater than 0, at most 2 decimal places, at most the amount due."
    )
    method: PaymentMethod = strawberry.field(description="One of the invoice's paymentMethods.")
    reference: str | None = strawberry.field(
        default=None, description="Your reference for the payment, at most 200 characters."
    )

    def to_v0(self) -> dict[str, Any]:
        """The v0 request body this input stands for."""
        return {"amount": self.amount, "method": self.method.value, "reference": self.reference}
