"""The create-invoice command and the date rules it meets against today.

Surfaces build the command from their wire format (gateway.rest.v0_invoice_body,
schema.inputs); gateway.domain.invoice_rules says what is wrong with its values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from gateway.domain.discounts import Discount
from gateway.domain.errors import DueDateInPast, SendDateAfterDueDate
from gateway.domain.invoice_currency import DEFAULT_CURRENCY
from gateway.domain.resource_enums import InvoiceCurrency
from gateway.domain.status import DeliveryMethod, InvoiceStatus, PaymentMethod

MAX_ITEMS = 100
MAX_QUANTITY = Decimal(1_000_000)
QUANTITY_PLACES = 4


@dataclass(frozen=True)
class ItemRequest:
    """A catalogue product's line (`product_id`), or a free-form one: a `description` and
    a `unit_price` in the invoice's currency, no product."""

    product_id: str | None
    quantity: Decimal
    description: str | None = None
    unit_price: Decimal | None = None
    discount: Discount | None = None

    @property
    def free_form(self) -> bool:
        return self.product_id is None


@dataclass(frozen=True)
class CreateInvoiceCommand:
    name: str
    email: str
    customer_id: str
    wallet_id: str
    items: tuple[ItemRequest, ...]
    due_date: date
    delivery: DeliveryMethod
    payment_link: bool
    payment_methods: tuple[PaymentMethod, ...]
    status: InvoiceStatus
    partial_payment: bool
    address: str | None = None
    phone_number: str | None = None
    send_date: date | None = None
    logo: str | None = None
    tax_id: str | None = None
    currency: InvoiceCurrency = DEFAULT_CURRENCY
    # Off the whole invoice, after each line's own (gateway.domain.discounts).
    discount: Discount | None = None


def check_dates(due_date: date, send_date: date | None, today: date) -> None:
    """Raise DueDateInPast if due_date < today, else SendDateAfterDueDate if send > due."""
    if due_date < today:
        raise DueDateInPast()
    if send_date is not None and send_date > due_date:
        raise SendDateAfterDueDate()
