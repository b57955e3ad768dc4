"""The create- and update-customer commands, and the values a customer row derives from
them: its display name and the key its email address is unique under."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from gateway.domain.resource_enums import CustomerStatus, CustomerType
from gateway.domain.update_invoice import UNCHANGED, Unchanged


@dataclass(frozen=True)
class CreateCustomerCommand:
    first_name: str
    last_name: str
    phone_number: str
    email: str | None = None
    customer_type: CustomerType = CustomerType.INDIVIDUAL
    status: CustomerStatus = CustomerStatus.ACTIVE


@dataclass(frozen=True)
class UpdateCustomerCommand:
    """Only the fields given change; None clears the email (the one optional field)."""

    first_name: str | Unchanged = UNCHANGED
    last_name: str | Unchanged = UNCHANGED
    phone_number: str | Unchanged = UNCHANGED
    email: str | Unchanged | None = UNCHANGED
    customer_type: CustomerType | Unchanged = UNCHANGED
    status: CustomerStatus | Unchanged = UNCHANGED

    def changes(self) -> dict[str, object]:
        """The fields given, by name."""
        return {
            field.name: value
            for field in dataclasses.fields(self)
            if (value := getattr(self, field.name)) is not UNCHANGED
        }


def full_name(first_name: str, last_name: str) -> str:
    """What lists sort and search by: "Jane Doe"."""
    return f"{first_name} {last_name}"


def email_key(email: str | None) -> str | None:
    """The key an app's customers are unique under: the address in lower case."""
    return None if email is None else email.lower()
