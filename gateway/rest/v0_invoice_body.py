"""The v0 create- and update-invoice request bodies: one field table, v0 names (mixed
case as the spec has them) -> command fields. See gateway.rest.v0_fields for how a
table is read, and tests/rest/test_v0_invoice_body.py for every message."""

from __future__ import annotations

import dataclasses

from gateway.domain import invoice_rules as rules
from gateway.domain.create_invoice import CreateInvoiceCommand, ItemRequest
from gateway.domain.discounts import Discount
from gateway.domain.errors import InvalidInput
from gateway.domain.invoice_currency import DEFAULT_CURRENCY
from gateway.domain.problems import Problem
from gateway.domain.status import InvoiceStatus
from gateway.domain.update_invoice import UpdateInvoiceCommand
from gateway.domain.value_rules import Choice
from gateway.rest.v0_fields import Kind, V0Field, body_object, parse_fields

NOT_NUMBER = Problem((), "NOT_NUMBER", "must be a number conforming to the specified constraints")

# Extension fields (no part of the v0 body, which they leave as it was): a `discount` on an
# item and on the invoice, and free-form items (`description` + `unit_price`, no product).
DISCOUNT_FIELDS = (
    V0Field("type", "type", Kind.ENUM, required=True, choice=rules.DISCOUNT_TYPE),
    V0Field(
        "value",
        "value",
        Kind.NUMBER,
        required=True,
        rule=rules.DISCOUNT_VALUE,
        wrong_type=NOT_NUMBER,
    ),
)
DISCOUNT = V0Field(
    "discount",
    "discount",
    Kind.RECORD,
    fields=DISCOUNT_FIELDS,
    record=Discount,
    shape=rules.DISCOUNT,
)
QUANTITY = V0Field(
    "quantity",
    "quantity",
    Kind.NUMBER,
    required=True,
    rule=rules.QUANTITY,
    wrong_type=rules.QUANTITY.invalid(),
)
ITEM_FIELDS = (
    V0Field("product_id", "product_id", Kind.TEXT, required=True, rule=rules.PRODUCT_ID),
    QUANTITY,
    DISCOUNT,
)
FREE_FORM_ITEM_FIELDS = (
    V0Field("description", "description", Kind.TEXT, required=True, rule=rules.DESCRIPTION),
    V0Field(
        "unit_price",
        "unit_price",
        Kind.NUMBER,
        required=True,
        rule=rules.UNIT_PRICE,
        wrong_type=NOT_NUMBER,
    ),
    QUANTITY,
    DISCOUNT,
    # Given with a description or unit price, it is refused (ItemShape).
    V0Field("product_id", "product_id", Kind.TEXT, rule=rules.PRODUCT_ID),
)

ITEMS = V0Field(
    "items",
    "items",
    Kind.RECORDS,
    required=True,
    rule=rules.ITEMS,
    fields=ITEM_FIELDS,
    record=ItemRequest,
    shape=rules.ITEM_SHAPE,
    alternative=FREE_FORM_ITEM_FIELDS,
    alternative_keys=("description", "unit_price"),
)

INVOICE_FIELDS = (
    V0Field("name", "name", Kind.TEXT, required=True, rule=rules.NAME),
    V0Field(
        "email",
        "email",
        Kind.TEXT,
        required=True,
        rule=rules.EMAIL,
        wrong_type=rules.EMAIL.invalid(),
    ),
    V0Field(
        "customer_id",
        "customer_id",
        Kind.TEXT,
        required=True,
        rule=rules.CUSTOMER_ID,
        wrong_type=rules.CUSTOMER_ID.invalid(),
    ),
    V0Field("walletId", "wallet_id", Kind.TEXT, required=True, rule=rules.WALLET_ID),
    V0Field("currency", "currency", Kind.ENUM, choice=rules.CURRENCY),
    ITEMS,
    V0Field("due_date", "due_date", Kind.DATE, required=True),
    V0Field("delivery", "delivery", Kind.ENUM, required=True, choice=rules.DELIVERY),
    V0Field("payment_link", "payment_link", Kind.BOOLEAN, required=True),
    V0Field(
        "payment_methods",
        "payment_methods",
        Kind.ENUMS,
        required=True,
        rule=rules.PAYMENT_METHODS,
        choice=rules.PAYMENT_METHOD,
    ),
    V0Field("status", "status", Kind.ENUM, required=True, choice=rules.CREATABLE),
    V0Field("partial_payment", "partial_payment", Kind.BOOLEAN, required=True),
    V0Field("address", "address", Kind.TEXT, rule=rules.ADDRESS),
    V0Field("phone_number", "phone_number", Kind.TEXT, rule=rules.PHONE_NUMBER),
    V0Field("send_date", "send_date", Kind.DATE),
    V0Field("logo", "logo", Kind.TEXT, rule=rules.LOGO, wrong_type=rules.LOGO.invalid()),
    V0Field("taxId", "tax_id", Kind.TEXT, rule=rules.TAX_ID),
    DISCOUNT,
)

# An update takes every field but status, which only sending an invoice changes: an
# update may say DRAFT, nothing else (not null), and is then refused for that alone.
# An invoice always has a currency: an update may change it, not clear it.
UPDATE_FIELDS = tuple(
    dataclasses.replace(spec, required=True, not_empty=False) if spec.name == "currency" else spec
    for spec in INVOICE_FIELDS
    if spec.name != "status"
)
UPDATE_STATUS = V0Field(
    "status",
    "status",
    Kind.ENUM,
    required=True,
    not_empty=False,
    choice=Choice([InvoiceStatus.DRAFT]),
    wrong_type=Problem((), "NOT_DRAFT", "must be DRAFT here; send the invoice to open it"),
)


def parse_create_invoice(payload: object) -> CreateInvoiceCommand:
    body = body_object(payload)
    problems: list[Problem] = []
    values = parse_fields(body, INVOICE_FIELDS, problems)
    if problems:
        raise InvalidInput(problems)
    values["currency"] = values["currency"] or DEFAULT_CURRENCY
    return rules.canonical_create(CreateInvoiceCommand(**values))


def parse_update_invoice(payload: object) -> UpdateInvoiceCommand:
    """Only the fields given; null clears an optional field (and is empty for the rest)."""
    body = body_object(payload)
    problems: list[Problem] = []
    parse_fields(body, (UPDATE_STATUS,), problems, partial=True)
    if problems:
        raise InvalidInput(problems)
    values = parse_fields(body, UPDATE_FIELDS, problems, partial=True)
    if problems:
        raise InvalidInput(problems)
    return rules.canonical_update(UpdateInvoiceCommand(**values))
