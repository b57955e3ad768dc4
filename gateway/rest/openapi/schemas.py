"""The invoice the shim answers with and what it embeds, as gateway.services.invoice_json
writes them."""

from __future__ import annotations

from gateway.domain.discounts import DiscountType
from gateway.domain.status import DeliveryMethod, InvoiceStatus, PaymentMethod
from gateway.rest.openapi.formats import QUANTITY_STEP
from gateway.rest.openapi.fragments import Schema, enum, nullable, ref, response_object, string

_MONEY: Schema = {"type": "number", "description": "Exact amount with two decimal places."}
_TIMESTAMP = string(format="date-time", description="UTC, e.g. 2024-01-15T10:30:00.000Z.")


def response_schemas() -> dict[str, Schema]:
    text = string()
    return {
        "App": response_object({"id": text, "name": text}),
        "Customer": response_object(
            {"id": string(format="uuid"), "email": nullable(text), "name": text, "status": text}
        ),
        "Wallet": response_object({"id": text, "address": text, "blockchain": text, "type": text}),
        "Tax": response_object(
            {
                "id": text,
                "name": text,
                "rate": {"type": "number", "minimum": 0},
                "type": string(description="PERCENTAGE or FIXED."),
                "inclusive": {"type": "boolean", "description": "Prices already contain it."},
            }
        ),
        "Product": response_object({"id": text, "name": text, "price": _MONEY, "currency": text}),
        "Discount": response_object(
            {
                "type": enum(DiscountType),
                "value": {
                    "type": "number",
                    "exclusiveMinimum": 0,
                    "description": "PERCENTAGE: a percent; FIXED: an amount.",
                },
            },
            description="Extension: a discount as asked, applied before tax.",
        ),
        "InvoiceItem": response_object(
            {
                "invoice_id": text,
                "productId": nullable(string(description="null on a free-form item.")),
                "name": string(
                    description=(
                        "The product's name when the line was priced; a free-form item's "
                        "description."
                    )
                ),
                "quantity": {"type": "number", "exclusiveMinimum": 0, "multipleOf": QUANTITY_STEP},
                "unit_price": _MONEY,
                "line_total": {**_MONEY, "description": "quantity x unit_price, before discounts."},
                "discount": nullable(ref("Discount")),
                "discount_amount": {**_MONEY, "description": "Extension: the item's own discount."},
                "invoice_discount_amount": {
                    **_MONEY,
                    "description": "Extension: the item's share of the invoice's discount.",
                },
                "net_total": {
                    **_MONEY,
                    "description": "Extension: after every discount, before tax.",
                },
                "product": nullable(ref("Product")),
            }
        ),
        "Transaction": response_object(
            {
                "id": text,
                "invoice_id": text,
                "amount": _MONEY,
                "method": text,
                "reference": nullable(text),
                "created_at": _TIMESTAMP,
            }
        ),
        "Invoice": _invoice(),
        "InvoiceDeletion": response_object(
            {
                "success": {"type": "boolean", "const": True},
                "message": text,
                "deletedAt": _TIMESTAMP,
                "invoiceId": text,
            }
        ),
    }


def _invoice() -> Schema:
    text, maybe_text = string(), nullable(string())
    return response_object(
        {
            "id": text,
            "invoice_number": text,
            "name": text,
            "app_id": text,
            "email": text,
            "address": maybe_text,
            "phone_number": maybe_text,
            "logo": maybe_text,
            "customer_id": string(format="uuid"),
            "walletId": text,
            "due_date": _TIMESTAMP,
            "send_date": nullable(_TIMESTAMP),
            "date_created": _TIMESTAMP,
            "status": {
                **enum(InvoiceStatus),
                "description": (
                    "DRAFT or OPEN when created. VOID and UNCOLLECTIBLE are reached only"
                    " through POST .../void and .../mark_uncollectible: an invoice that"
                    " never took either path never shows them."
                ),
            },
            "payment_methods": {"type": "array", "items": enum(PaymentMethod)},
            "delivery": enum(DeliveryMethod),
            "payment_link": {"type": "boolean"},
            "partial_payment": {"type": "boolean"},
            "reminder_sent": {"type": "boolean"},
            "paidAt": nullable(_TIMESTAMP),
            "paymentMetadata": {"type": ["object", "null"]},
            "paymentStatus": maybe_text,
            "taxId": maybe_text,
            "currency": {"type": "string", "enum": ["USDC", "EURC"]},
            "app": ref("App"),
            "customer": nullable(ref("Customer")),
            "wallet": nullable(ref("Wallet")),
            "tax": nullable(ref("Tax")),
            "items": {"type": "array", "items": ref("InvoiceItem")},
            "transactions": {"type": "array", "items": ref("Transaction")},
            "subtotal": {**_MONEY, "description": "The sum of the line totals, before discounts."},
            "discount": nullable(ref("Discount")),
            "discount_amount": {
                **_MONEY,
                "description": (
                    "Extension: every discount (the items' own and the invoice's); the tax "
                    "applies to subtotal - discount_amount."
                ),
            },
            "tax_amount": _MONEY,
            "total": _MONEY,
            "amount_paid": _MONEY,
            "amount_credited": {
                **_MONEY,
                "minimum": 0,
                "description": "What credit notes credited against the invoice.",
            },
            "credit_applied": {
                **_MONEY,
                "minimum": 0,
                "description": (
                    "The customer's credit balance the invoice consumed when created; 0 once"
                    " voided, which gives it back to the customer."
                ),
            },
            "amount_due": {
                **_MONEY,
                "minimum": 0,
                "description": (
                    "total - amount_paid - amount_credited - credit_applied; never below 0."
                ),
            },
            "payment_link_url": nullable(string(format="uri")),
            "payment_link_expires_at": nullable(_TIMESTAMP),
            "status_reason": nullable(
                string(description="Why it was voided or marked uncollectible, as given.")
            ),
            "voided_at": nullable(_TIMESTAMP),
            "marked_uncollectible_at": nullable(_TIMESTAMP),
        }
    )
