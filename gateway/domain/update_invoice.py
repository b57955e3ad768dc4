"""The update-invoice command: the changes to a DRAFT invoice, only the fields given.

A field left UNCHANGED keeps its stored value; None clears an optional field. The
result of `applied_to` is the whole invoice again, priced like a new one.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from enum import Enum

from gateway.domain.create_invoice import CreateInvoiceCommand, ItemRequest
from gateway.domain.discounts import Discount
from gateway.domain.resource_enums import InvoiceCurrency
from gateway.domain.status import DeliveryMethod, PaymentMethod


class Unchanged(Enum):
    UNCHANGED = "UNCHANGED"


UNCHANGED = Unchanged.UNCHANGED


@dataclass(frozen=True)
class UpdateInvoiceCommand:
    name: str | Unchanged = UNCHANGED
    email: str | Unchanged = UNCHANGED
    customer_id: str | Unchanged = UNCHANGED
    wallet_id: str | Unchanged = UNCHANGED
    items: tuple[ItemRequest, ...] | Unchanged = UNCHANGED
    due_date: date | Unchanged = UNCHANGED
    delivery: DeliveryMethod | Unchanged = UNCHANGED
    payment_link: bool | Unchanged = UNCHANGED
    payment_methods: tuple[PaymentMethod, ...] | Unchanged = UNCHANGED
    partial_payment: bool | Unchanged = UNCHANGED
    address: str | Unchanged | None = UNCHANGED
    phone_number: str | Unchanged | None = UNCHANGED
    send_date: date | Unchanged | None = UNCHANGED
    logo: str | Unchanged | None = UNCHANGED
    tax_id: str | Unchanged | None = UNCHANGED
    currency: InvoiceCurrency | Unchanged = UNCHANGED
    discount: Discount | Unchanged | None = UNCHANGED

    def changes(self) -> dict[str, object]:
        """The fields given, by name."""
        return {
            field.name: value
            for field in dataclasses.fields(self)
            if (value := getattr(self, field.name)) is not UNCHANGED
        }

    def applied_to(self, current: CreateInvoiceCommand) -> CreateInvoiceCommand:
        return dataclasses.replace(current, **self.changes())  # type: ignore[arg-type]
