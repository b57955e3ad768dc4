"""What may be wrong with the values of a create- or update-invoice command.

RULES holds each field's rule in field order; a surface that parses its own wire format
runs the same rules field by field (gateway.rest.v0_invoice_body), and one that builds
the command directly calls `checked_create` / `checked_update`. Either way the caller
then holds a command in canonical form: customer_id lowercased, payment methods without
duplicates (first occurrence kept).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from gateway.domain.create_invoice import (
    MAX_ITEMS,
    MAX_QUANTITY,
    QUANTITY_PLACES,
    CreateInvoiceCommand,
    ItemRequest,
)
from gateway.domain.discounts import MAX_PERCENTAGE, PERCENTAGE_PLACES, Discount, DiscountType
from gateway.domain.errors import InvalidInput
from gateway.domain.problems import Problem, empty, under
from gateway.domain.product_rules import PRICE
from gateway.domain.products import MAX_PRICE
from gateway.domain.resource_enums import InvoiceCurrency
from gateway.domain.status import CREATABLE_STATUSES, DeliveryMethod, InvoiceStatus, PaymentMethod
from gateway.domain.update_invoice import UpdateInvoiceCommand
from gateway.domain.value_rules import (
    Choice,
    Count,
    Each,
    Email,
    Identifier,
    Positive,
    Rule,
    Text,
    Url,
    Uuid,
    canonical_uuid,
    field_problems,
)


@dataclass(frozen=True)
class DiscountRule:
    """A percentage greater than 0, at most 100, at most 4 decimal places; a fixed amount
    as a product's price may be (gateway.domain.product_rules.PRICE)."""

    percentage = Positive(MAX_PERCENTAGE, places=PERCENTAGE_PLACES)
    fixed = PRICE

    def check(self, value: Discount) -> list[Problem]:
        rule: Rule[Decimal] = (
            self.percentage if value.type is DiscountType.PERCENTAGE else self.fixed
        )
        return under(("value",), rule.check(value.value))


@dataclass(frozen=True)
class ItemShape:
    """A line names a product, or is free-form (a description and a unit price): never
    both, never neither. Only which fields are given is checked here; their values meet
    their own rules."""

    def check(self, item: ItemRequest) -> list[Problem]:
        free = [name for name in _FREE_FORM if getattr(item, name) is not None]
        if item.product_id is not None:
            return [Problem((name,), "WITH_PRODUCT", _WITH_PRODUCT) for name in free]
        if not free:
            return [empty().under("product_id")]
        return [empty().under(name) for name in _FREE_FORM if name not in free]


_FREE_FORM = ("description", "unit_price")
_WITH_PRODUCT = "must be left out when product_id is given"

NAME = Text(200, required=True)
EMAIL = Email()
CUSTOMER_ID = Uuid()
WALLET_ID = Identifier(required=True)
PRODUCT_ID = Identifier(required=True)
QUANTITY = Positive(MAX_QUANTITY, places=QUANTITY_PLACES)
DESCRIPTION = Text(200, required=True)
UNIT_PRICE = PRICE
DISCOUNT = DiscountRule()
# What any discount's value may be, whatever its type (DISCOUNT then checks it by type).
DISCOUNT_VALUE = Positive(MAX_PRICE, places=PERCENTAGE_PLACES)
DISCOUNT_TYPE = Choice(list(DiscountType))
ITEM_SHAPE = ItemShape()
ITEMS = Each(
    Count(1, MAX_ITEMS),
    {
        "product_id": PRODUCT_ID,
        "description": DESCRIPTION,
        "unit_price": UNIT_PRICE,
        "quantity": QUANTITY,
        "discount": DISCOUNT,
    },
    ITEM_SHAPE,
)
DELIVERY = Choice(list(DeliveryMethod))
PAYMENT_METHOD = Choice(list(PaymentMethod))
PAYMENT_METHODS = Count(1)
CREATABLE = Choice([status for status in InvoiceStatus if status in CREATABLE_STATUSES])
ADDRESS = Text(500)
PHONE_NUMBER = Text(64)
LOGO = Url()
TAX_ID = Identifier()
CURRENCY = Choice(list(InvoiceCurrency))

RULES: dict[str, Rule[Any]] = {
    "name": NAME,
    "email": EMAIL,
    "customer_id": CUSTOMER_ID,
    "wallet_id": WALLET_ID,
    "currency": CURRENCY,
    "items": ITEMS,
    "delivery": DELIVERY,
    "payment_methods": PAYMENT_METHODS,
    "status": CREATABLE,
    "address": ADDRESS,
    "phone_number": PHONE_NUMBER,
    "logo": LOGO,
    "tax_id": TAX_ID,
    "discount": DISCOUNT,
}


def _canonical(values: dict[str, Any]) -> dict[str, Any]:
    canonical: dict[str, Any] = {}
    if isinstance(values.get("customer_id"), str):
        canonical["customer_id"] = canonical_uuid(values["customer_id"])
    if isinstance(values.get("payment_methods"), tuple):
        canonical["payment_methods"] = tuple(dict.fromkeys(values["payment_methods"]))
    return canonical


def canonical_create(command: CreateInvoiceCommand) -> CreateInvoiceCommand:
    return dataclasses.replace(command, **_canonical(vars(command)))


def canonical_update(command: UpdateInvoiceCommand) -> UpdateInvoiceCommand:
    return dataclasses.replace(command, **_canonical(command.changes()))


def checked_create(command: CreateInvoiceCommand) -> CreateInvoiceCommand:
    problems = field_problems(RULES, vars(command))
    if problems:
        raise InvalidInput(problems)
    return canonical_create(command)


def checked_update(command: UpdateInvoiceCommand) -> UpdateInvoiceCommand:
    problems = field_problems(RULES, command.changes())
    if problems:
        raise InvalidInput(problems)
    return canonical_update(command)
