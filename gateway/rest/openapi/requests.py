"""The request bodies and the constraints on their fields: one function a body.

Create and edit mirror what gateway.domain.create_invoice accepts (an edit takes the
create body's fields, all optional), a payment what gateway.domain.payments.parse_payment
does.
"""

from __future__ import annotations

from gateway.domain.create_invoice import MAX_ITEMS, MAX_QUANTITY, QUANTITY_PLACES
from gateway.domain.money import MINOR_UNIT
from gateway.domain.payments import MAX_REFERENCE_LENGTH, PAYMENT_LIMIT
from gateway.domain.status import CREATABLE_STATUSES, DeliveryMethod, InvoiceStatus, PaymentMethod
from gateway.rest.openapi.formats import (
    DATE,
    EMAIL,
    HTTP_URL,
    IDENTIFIER,
    NO_NUL,
    POSITIVE_NUMERAL,
    QUANTITY_STEP,
    UUID,
)
from gateway.rest.openapi.fragments import Schema, enum, nullable, ref, string

_MONEY_STEP = float(MINOR_UNIT)
# The bound gateway.domain.payments.parse_payment puts on a payment: no NUMERIC(20, 2)
# money column holds that much, and Decimal can't round larger amounts to cents.
_PAYMENT_LIMIT = int(PAYMENT_LIMIT)


def request_schemas() -> dict[str, Schema]:
    """The request bodies, by component name."""
    return {
        "CreateInvoiceItem": create_invoice_item(),
        "CreateInvoiceRequest": create_invoice_request(),
        "UpdateInvoiceRequest": update_invoice_request(),
        "CreatePaymentRequest": create_payment_request(),
    }


def _invoice_fields() -> dict[str, Schema]:
    """The create body's properties; an edit takes the same ones."""

    def text(max_length: int, description: str) -> Schema:
        return string(maxLength=max_length, pattern=NO_NUL, description=description)

    return {
        "name": {**text(200, "Invoice name/title."), "minLength": 1},
        "email": string(
            maxLength=320,
            pattern=EMAIL,
            description="Local part at most 64 characters, domain at most 253.",
        ),
        "customer_id": string(format="uuid", pattern=UUID),
        "walletId": string(pattern=IDENTIFIER, description="Wallet id."),
        "items": {
            "type": "array",
            "minItems": 1,
            "maxItems": MAX_ITEMS,
            "items": ref("CreateInvoiceItem"),
        },
        "due_date": string(format="date", pattern=DATE, description="Not in the past."),
        "delivery": enum(DeliveryMethod),
        "payment_link": {"type": "boolean"},
        "payment_methods": {
            "type": "array",
            "minItems": 1,
            "items": enum(PaymentMethod),
            "description": "Duplicates are dropped.",
        },
        "status": enum(s for s in InvoiceStatus if s in CREATABLE_STATUSES),
        "partial_payment": {"type": "boolean"},
        "address": nullable(text(500, "Customer address.")),
        "phone_number": nullable(text(64, "Customer phone number.")),
        "send_date": nullable(
            string(format="date", pattern=DATE, description="Not after due_date.")
        ),
        "logo": nullable(
            string(
                maxLength=2048,
                pattern=HTTP_URL,
                description="http(s) URL with a host name or IP address, port 0-65535.",
            )
        ),
        "taxId": nullable(string(pattern=IDENTIFIER, description="Tax id.")),
    }


def create_invoice_item() -> Schema:
    """One of the create (and edit) body's `items`."""
    return {
        "type": "object",
        "required": ["product_id", "quantity"],
        "properties": {
            "product_id": string(pattern=IDENTIFIER, description="Product id."),
            "quantity": {
                "type": "number",
                "exclusiveMinimum": 0,
                "maximum": int(MAX_QUANTITY),
                "multipleOf": QUANTITY_STEP,
                "description": f"At most {QUANTITY_PLACES} decimal places.",
            },
        },
    }


def create_invoice_request() -> Schema:
    return {
        "type": "object",
        "description": "Unknown fields are ignored; optional fields may be null.",
        "required": [
            "name",
            "email",
            "customer_id",
            "walletId",
            "items",
            "due_date",
            "delivery",
            "payment_link",
            "payment_methods",
            "status",
            "partial_payment",
        ],
        "properties": _invoice_fields(),
    }


def update_invoice_request() -> Schema:
    return {
        "type": "object",
        "description": (
            "The fields to change: merged over the draft's current ones, and the result"
            " is checked (and priced) like a create request. Unknown fields are ignored;"
            " null clears an optional field. PUT and PATCH both take this partial body."
        ),
        "properties": {
            **_invoice_fields(),
            "status": {
                **enum([InvoiceStatus.DRAFT]),
                "description": "An edit keeps the invoice a DRAFT; send it to open it.",
            },
        },
    }


def create_payment_request() -> Schema:
    return {
        "type": "object",
        "description": "Unknown fields are ignored.",
        "required": ["amount", "method"],
        "properties": {
            "amount": {
                "anyOf": [
                    {
                        "type": "number",
                        "exclusiveMinimum": 0,
                        "exclusiveMaximum": _PAYMENT_LIMIT,
                        "multipleOf": _MONEY_STEP,
                    },
                    string(pattern=POSITIVE_NUMERAL),
                ],
                "description": (
                    "Positive, at most two decimal places and at most the amount due"
                    " (exactly the amount due unless the invoice takes partial payments)."
                    f' A decimal string such as "1499.90" (below {_PAYMENT_LIMIT}) is'
                    " accepted too."
                ),
            },
            "method": {
                **enum(PaymentMethod),
                "description": "One of the invoice's payment_methods.",
            },
            "reference": nullable(
                string(
                    maxLength=MAX_REFERENCE_LENGTH,
                    pattern=NO_NUL,
                    description="The payer's reference, e.g. a transaction hash.",
                )
            ),
        },
    }
