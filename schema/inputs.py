"""Input types. Each builds the domain command it stands for (`to_command`); the
resolvers check it with the same domain rules the REST parser runs
(gateway.domain.invoice_rules, gateway.domain.payment_rules)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import strawberry

from gateway.domain.create_invoice import CreateInvoiceCommand, ItemRequest
from gateway.domain.discounts import Discount
from gateway.domain.invoice_currency import DEFAULT_CURRENCY
from gateway.domain.payments import PaymentRequest
from gateway.domain.update_invoice import UNCHANGED, UpdateInvoiceCommand
from schema.enums import DeliveryMethod, DiscountType, InvoiceCurrency, InvoiceStatus, PaymentMethod


@strawberry.input(
    description=(
        "A discount, applied before tax: a line's own first, then the invoice's, allocated "
        "across the lines in proportion to what each comes to. It can never make a line or "
        "the invoice negative (DISCOUNT_EXCEEDS_AMOUNT)."
    )
)
class DiscountInput:
    type: DiscountType
    value: Decimal = strawberry.field(
        description=(
            "PERCENTAGE: greater than 0, at most 100, at most 4 decimal places. FIXED: an "
            "amount in the invoice's currency, at least 0.01, at most 2 decimal places."
        )
    )

    def to_discount(self) -> Discount:
        return Discount(type=self.type, value=self.value)


@strawberry.input(
    description=(
        "A product's line (productId), or a free-form one (description and unitPrice, in "
        "the invoice's currency, no product): one or the other."
    )
)
class InvoiceItemInput:
    product_id: strawberry.ID | None = None
    quantity: Decimal = strawberry.field(
        description="Greater than 0, at most 1000000, at most 4 decimal places."
    )
    description: str | None = strawberry.field(
        default=None, description="A free-form line's name, at most 200 characters."
    )
    unit_price: Decimal | None = strawberry.field(
        default=None, description="A free-form line's price, at least 0.01, 2 decimal places."
    )
    discount: DiscountInput | None = None

    def to_item(self) -> ItemRequest:
        return ItemRequest(
            product_id=self.product_id,
            quantity=self.quantity,
            description=self.description,
            unit_price=self.unit_price,
            discount=_discount(self.discount),
        )


def _discount(given: DiscountInput | None) -> Discount | None:
    return None if given is None else given.to_discount()


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
    currency: InvoiceCurrency = strawberry.field(
        default=DEFAULT_CURRENCY,
        description="Every product's price must be in it: USD for USDC, EUR for EURC.",
    )
    discount: DiscountInput | None = strawberry.field(
        default=None, description="Off the whole invoice, after each line's own discount."
    )

    def to_command(self) -> CreateInvoiceCommand:
        return CreateInvoiceCommand(
            name=self.name,
            email=self.email,
            customer_id=self.customer_id,
            wallet_id=self.wallet_id,
            items=tuple(item.to_item() for item in self.items),
            due_date=self.due_date,
            delivery=self.delivery,
            payment_link=self.payment_link,
            payment_methods=tuple(self.payment_methods),
            status=self.status,
            partial_payment=self.partial_payment,
            address=self.address,
            phone_number=self.phone_number,
            send_date=self.send_date,
            logo=self.logo,
            tax_id=self.tax_id,
            currency=self.currency,
            discount=_discount(self.discount),
        )


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
    currency: InvoiceCurrency | None = None
    discount: DiscountInput | None = strawberry.field(
        default=None, description="Replaces the invoice's own discount."
    )
    remove_discount: bool = strawberry.field(
        default=False, description="True: the invoice takes no discount of its own any more."
    )

    def to_command(self) -> UpdateInvoiceCommand:
        """The fields given (not null); the rest UNCHANGED."""
        items = None if self.items is None else tuple(item.to_item() for item in self.items)
        methods = None if self.payment_methods is None else tuple(self.payment_methods)
        given: dict[str, Any] = {
            "name": self.name,
            "email": self.email,
            "customer_id": self.customer_id,
            "wallet_id": self.wallet_id,
            "items": items,
            "due_date": self.due_date,
            "delivery": self.delivery,
            "payment_link": self.payment_link,
            "payment_methods": methods,
            "partial_payment": self.partial_payment,
            "address": self.address,
            "phone_number": self.phone_number,
            "send_date": self.send_date,
            "logo": self.logo,
            "tax_id": self.tax_id,
            "currency": self.currency,
            "discount": _discount(self.discount),
        }
        changes = {name: UNCHANGED if value is None else value for name, value in given.items()}
        if self.remove_discount:
            changes["discount"] = None
        return UpdateInvoiceCommand(**changes)


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

    def to_command(self) -> PaymentRequest:
        return PaymentRequest(amount=self.amount, method=self.method, reference=self.reference)
