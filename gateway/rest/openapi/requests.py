"""The request bodies, generated from the field tables their v0 parsers read
(gateway.rest.v0_invoice_body, gateway.rest.v0_payment_body) by gateway.rest.v0_schema,
so the document cannot state other constraints than the parser checks. Only what the
table cannot say is written here, as an overlay (gateway.rest.openapi.overlay):
descriptions, and ECMA-262 patterns for what a rule checks in code.
"""

from __future__ import annotations

from gateway.domain.invoice_rules import QUANTITY
from gateway.domain.payment_rules import AMOUNT
from gateway.rest.openapi.formats import EMAIL, HTTP_URL, NO_NUL, POSITIVE_NUMERAL
from gateway.rest.openapi.fragments import Schema, ref
from gateway.rest.openapi.overlay import Overlay, annotated
from gateway.rest.v0_close_body import CLOSE_FIELDS
from gateway.rest.v0_invoice_body import INVOICE_FIELDS, ITEM_FIELDS, UPDATE_FIELDS, UPDATE_STATUS
from gateway.rest.v0_payment_body import PAYMENT_FIELDS
from gateway.rest.v0_schema import body_schema

_ITEM: Overlay = {
    "product_id": {"description": "Product id."},
    "quantity": {"description": f"At most {QUANTITY.places} decimal places."},
}

_INVOICE: Overlay = {
    "name": {"pattern": NO_NUL, "description": "Invoice name/title."},
    "email": {
        "pattern": EMAIL,
        "description": "Local part at most 64 characters, domain at most 253.",
    },
    "walletId": {"description": "Wallet id."},
    "due_date": {"description": "Not in the past."},
    "payment_methods": {"description": "Duplicates are dropped."},
    "address": {"pattern": NO_NUL, "description": "Customer address."},
    "phone_number": {"pattern": NO_NUL, "description": "Customer phone number."},
    "send_date": {"description": "Not after due_date."},
    "logo": {
        "pattern": HTTP_URL,
        "description": "http(s) URL with a host name or IP address, port 0-65535.",
    },
    "taxId": {"description": "Tax id."},
}

# The template of a recurring invoice (gateway.rest.openapi.recurring_paths) is this body.
INVOICE_OVERLAY = _INVOICE

_UPDATE: Overlay = {
    **_INVOICE,
    "status": {"description": "An edit keeps the invoice a DRAFT; send it to open it."},
}

_PAYMENT: Overlay = {
    "amount": {
        "pattern": POSITIVE_NUMERAL,
        "description": (
            "Positive, at most two decimal places and at most the amount due"
            " (exactly the amount due unless the invoice takes partial payments)."
            f' A decimal string such as "1499.90" (below {int(AMOUNT.maximum)}) is'
            " accepted too."
        ),
    },
    "method": {"description": "One of the invoice's payment_methods."},
    "reference": {
        "pattern": NO_NUL,
        "description": "The payer's reference, e.g. a transaction hash.",
    },
}


def request_schemas() -> dict[str, Schema]:
    """The request bodies, by component name."""
    return {
        "CreateInvoiceItem": create_invoice_item(),
        "CreateInvoiceRequest": create_invoice_request(),
        "UpdateInvoiceRequest": update_invoice_request(),
        "CreatePaymentRequest": create_payment_request(),
        "CloseInvoiceRequest": annotated(
            body_schema(CLOSE_FIELDS),
            {"reason": {"pattern": NO_NUL, "description": "Why; kept as status_reason."}},
            description="Optional: no body at all is no reason. Unknown fields are ignored.",
        ),
    }


def create_invoice_item() -> Schema:
    """One of the create (and edit) body's `items`."""
    return annotated(body_schema(ITEM_FIELDS), _ITEM)


def create_invoice_request() -> Schema:
    body = body_schema(INVOICE_FIELDS)
    description = "Unknown fields are ignored; optional fields may be null."
    return _items_by_reference(annotated(body, _INVOICE, description=description))


def update_invoice_request() -> Schema:
    body = body_schema((*UPDATE_FIELDS, UPDATE_STATUS), partial=True)
    description = (
        "The fields to change: merged over the draft's current ones, and the result"
        " is checked (and priced) like a create request. Unknown fields are ignored;"
        " null clears an optional field. PUT and PATCH both take this partial body."
    )
    return _items_by_reference(annotated(body, _UPDATE, description=description))


def create_payment_request() -> Schema:
    return annotated(
        body_schema(PAYMENT_FIELDS), _PAYMENT, description="Unknown fields are ignored."
    )


def _items_by_reference(body: Schema) -> Schema:
    """`body` naming the CreateInvoiceItem component for its items (the same table)."""
    items = body["properties"]["items"]
    assert items["items"] == body_schema(ITEM_FIELDS)
    properties = {**body["properties"], "items": {**items, "items": ref("CreateInvoiceItem")}}
    return {**body, "properties": properties}
