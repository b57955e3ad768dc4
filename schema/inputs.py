"""Input types. CreateInvoiceInput turns into the v0 request body, so both surfaces are
validated by the same code (gateway.domain.create_invoice) with the same messages."""

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
