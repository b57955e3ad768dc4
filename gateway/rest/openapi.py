"""The OpenAPI 3.1 document of the v0 REST shim, served at GET /api/v0/openapi.json.

Every constraint mirrors what the shim accepts (gateway.domain.create_invoice for the
create and edit bodies, gateway.rest.invoices for the list query,
gateway.rest.invoice_actions for payments) and every response is what
gateway.services.invoice_json, gateway.rest.invoice_pdf and gateway.rest.errors write.
tests/rest/test_openapi.py fuzzes the running app against this document to keep the two
in step.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gateway.domain.create_invoice import MAX_ITEMS, MAX_QUANTITY, QUANTITY_PLACES
from gateway.domain.money import MINOR_UNIT
from gateway.domain.payments import MAX_REFERENCE_LENGTH, PAYMENT_LIMIT
from gateway.domain.status import CREATABLE_STATUSES, DeliveryMethod, InvoiceStatus, PaymentMethod
from gateway.encoding import dumps, loads
from gateway.rest.errors import nest_error_body
from gateway.services.idempotency import MAX_KEY_LENGTH

OPENAPI_PATH = "/api/v0/openapi.json"
_MAX_SKIP = 1_000_000  # the bound gateway.rest.invoices.list_ puts on `skip`
# The bound gateway.domain.payments.parse_payment puts on a payment: no NUMERIC(20, 2)
# money column holds that much, and Decimal can't round larger amounts to cents.
_PAYMENT_LIMIT = int(PAYMENT_LIMIT)

Schema = dict[str, Any]

# ECMA-262 twins of the Python patterns in gateway.domain.create_invoice.
_IDENTIFIER = "^[A-Za-z0-9_-]{1,64}$"
_UUID = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
_DATE = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_EMAIL = f"^{_ATOM}(?:\\.{_ATOM})*@(?:{_LABEL}\\.)+(?:[A-Za-z]{{2,63}}|xn--[A-Za-z0-9-]{{1,59}})$"
_URL_CHAR = "[^\\s\\u0000-\\u001f\\u007f]"
_IPV6 = "\\[[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}\\]"  # roughly: ip_address() decides
_HOST = f"(?:{_LABEL}(?:\\.{_LABEL})*|{_IPV6})"
_HTTP_URL = (
    f"^[Hh][Tt][Tt][Pp][Ss]?://(?:[^\\s\\u0000-\\u001f\\u007f/?#@]*@)?{_HOST}"
    f"(?::[0-9]{{0,5}})?(?:[/?#]{_URL_CHAR}*)?$"
)
_NO_NUL = "^[^\\u0000]*$"
# gateway.delivery.pdf.invoice_pdf_filename
_PDF_DISPOSITION = '^attachment; filename="invoice-[A-Za-z0-9._-]+\\.pdf"$'
# What str.isprintable() accepts of the latin-1 range HTTP header values arrive in.
_PRINTABLE_HEADER = f"^[\\u0020-\\u007e\\u00a1-\\u00ac\\u00ae-\\u00ff]{{1,{MAX_KEY_LENGTH}}}$"

_RATE_LIMIT_HEADERS: dict[str, tuple[str, Schema]] = {
    "X-RateLimit-Limit": ("Requests allowed per window.", {"type": "integer", "minimum": 0}),
    "X-RateLimit-Remaining": ("Requests left in this window.", {"type": "integer", "minimum": 0}),
    "X-RateLimit-Reset": ("Unix time (seconds) the window resets.", {"type": "integer"}),
    "RateLimit-Policy": ('IETF draft policy, e.g. `"default";q=100;w=60`.', {"type": "string"}),
    "RateLimit": ('IETF draft state, e.g. `"default";r=99;t=60`.', {"type": "string"}),
}


def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: Schema) -> Schema:
    if "$ref" in schema:
        return {"anyOf": [schema, {"type": "null"}]}
    return {**schema, "type": [schema["type"], "null"]}


def _object(properties: dict[str, Schema], *, description: str | None = None) -> Schema:
    """A response object: every property always present, nothing else."""
    schema: Schema = {
        "type": "object",
        "required": list(properties),
        "properties": properties,
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema


def _string(**constraints: Any) -> Schema:
    return {"type": "string", **constraints}


def _enum(values: Any) -> Schema:
    return {"type": "string", "enum": [str(value) for value in values]}


_QUANTITY_STEP = float(Decimal(1).scaleb(-QUANTITY_PLACES))
_MONEY_STEP = float(MINOR_UNIT)
# The positive numerals gateway.domain.money.to_decimal reads from a string: a digit
# other than 0 before or after the point.
_POSITIVE_NUMERAL = (
    "^\\+?(?:[0-9]*[1-9][0-9]*(?:\\.[0-9]*)?|[0-9]*\\.[0-9]*[1-9][0-9]*)(?:[eE][+-]?[0-9]+)?$"
)
_MONEY: Schema = {"type": "number", "description": "Exact amount with two decimal places."}
_TIMESTAMP = _string(format="date-time", description="UTC, e.g. 2024-01-15T10:30:00.000Z.")


def _invoice_fields() -> dict[str, Schema]:
    """The create body's properties; an edit takes the same ones."""

    def text(max_length: int, description: str) -> Schema:
        return _string(maxLength=max_length, pattern=_NO_NUL, description=description)

    return {
        "name": {**text(200, "Invoice name/title."), "minLength": 1},
        "email": _string(
            maxLength=320,
            pattern=_EMAIL,
            description="Local part at most 64 characters, domain at most 253.",
        ),
        "customer_id": _string(format="uuid", pattern=_UUID),
        "walletId": _string(pattern=_IDENTIFIER, description="Wallet id."),
        "items": {
            "type": "array",
            "minItems": 1,
            "maxItems": MAX_ITEMS,
            "items": _ref("CreateInvoiceItem"),
        },
        "due_date": _string(format="date", pattern=_DATE, description="Not in the past."),
        "delivery": _enum(DeliveryMethod),
        "payment_link": {"type": "boolean"},
        "payment_methods": {
            "type": "array",
            "minItems": 1,
            "items": _enum(PaymentMethod),
            "description": "Duplicates are dropped.",
        },
        "status": _enum(s for s in InvoiceStatus if s in CREATABLE_STATUSES),
        "partial_payment": {"type": "boolean"},
        "address": _nullable(text(500, "Customer address.")),
        "phone_number": _nullable(text(64, "Customer phone number.")),
        "send_date": _nullable(
            _string(format="date", pattern=_DATE, description="Not after due_date.")
        ),
        "logo": _nullable(
            _string(
                maxLength=2048,
                pattern=_HTTP_URL,
                description="http(s) URL with a host name or IP address, port 0-65535.",
            )
        ),
        "taxId": _nullable(_string(pattern=_IDENTIFIER, description="Tax id.")),
    }


def _request_schemas() -> dict[str, Schema]:
    fields = _invoice_fields()
    return {
        "CreateInvoiceItem": {
            "type": "object",
            "required": ["product_id", "quantity"],
            "properties": {
                "product_id": _string(pattern=_IDENTIFIER, description="Product id."),
                "quantity": {
                    "type": "number",
                    "exclusiveMinimum": 0,
                    "maximum": int(MAX_QUANTITY),
                    "multipleOf": _QUANTITY_STEP,
                    "description": f"At most {QUANTITY_PLACES} decimal places.",
                },
            },
        },
        "CreateInvoiceRequest": {
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
            "properties": fields,
        },
        "UpdateInvoiceRequest": {
            "type": "object",
            "description": (
                "The fields to change: merged over the draft's current ones, and the result"
                " is checked (and priced) like a create request. Unknown fields are ignored;"
                " null clears an optional field. PUT and PATCH both take this partial body."
            ),
            "properties": {
                **fields,
                "status": {
                    **_enum([InvoiceStatus.DRAFT]),
                    "description": "An edit keeps the invoice a DRAFT; send it to open it.",
                },
            },
        },
        "CreatePaymentRequest": {
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
                        _string(pattern=_POSITIVE_NUMERAL),
                    ],
                    "description": (
                        "Positive, at most two decimal places and at most the amount due"
                        " (exactly the amount due unless the invoice takes partial payments)."
                        f' A decimal string such as "1499.90" (below {_PAYMENT_LIMIT}) is'
                        " accepted too."
                    ),
                },
                "method": {
                    **_enum(PaymentMethod),
                    "description": "One of the invoice's payment_methods.",
                },
                "reference": _nullable(
                    _string(
                        maxLength=MAX_REFERENCE_LENGTH,
                        pattern=_NO_NUL,
                        description="The payer's reference, e.g. a transaction hash.",
                    )
                ),
            },
        },
    }


def _response_schemas() -> dict[str, Schema]:
    text, maybe_text = _string(), _nullable(_string())
    return {
        "App": _object({"id": text, "name": text}),
        "Customer": _object(
            {"id": _string(format="uuid"), "email": text, "name": text, "status": text}
        ),
        "Wallet": _object({"id": text, "address": text, "blockchain": text, "type": text}),
        "Tax": _object(
            {
                "id": text,
                "name": text,
                "rate": {"type": "number", "minimum": 0},
                "type": _string(description="PERCENTAGE or FIXED."),
                "inclusive": {"type": "boolean", "description": "Prices already contain it."},
            }
        ),
        "Product": _object({"id": text, "name": text, "price": _MONEY, "currency": text}),
        "InvoiceItem": _object(
            {
                "invoice_id": text,
                "productId": text,
                "quantity": {"type": "number", "exclusiveMinimum": 0, "multipleOf": _QUANTITY_STEP},
                "unit_price": _MONEY,
                "line_total": _MONEY,
                "product": _nullable(_ref("Product")),
            }
        ),
        "Transaction": _object(
            {
                "id": text,
                "invoice_id": text,
                "amount": _MONEY,
                "method": text,
                "reference": maybe_text,
                "created_at": _TIMESTAMP,
            }
        ),
        "Invoice": _object(
            {
                "id": text,
                "invoice_number": text,
                "name": text,
                "app_id": text,
                "email": text,
                "address": maybe_text,
                "phone_number": maybe_text,
                "logo": maybe_text,
                "customer_id": _string(format="uuid"),
                "walletId": text,
                "due_date": _TIMESTAMP,
                "send_date": _nullable(_TIMESTAMP),
                "date_created": _TIMESTAMP,
                "status": _enum(InvoiceStatus),
                "payment_methods": {"type": "array", "items": _enum(PaymentMethod)},
                "delivery": _enum(DeliveryMethod),
                "payment_link": {"type": "boolean"},
                "partial_payment": {"type": "boolean"},
                "reminder_sent": {"type": "boolean"},
                "paidAt": _nullable(_TIMESTAMP),
                "paymentMetadata": {"type": ["object", "null"]},
                "paymentStatus": maybe_text,
                "taxId": maybe_text,
                "currency": text,
                "app": _ref("App"),
                "customer": _nullable(_ref("Customer")),
                "wallet": _nullable(_ref("Wallet")),
                "tax": _nullable(_ref("Tax")),
                "items": {"type": "array", "items": _ref("InvoiceItem")},
                "transactions": {"type": "array", "items": _ref("Transaction")},
                "subtotal": _MONEY,
                "tax_amount": _MONEY,
                "total": _MONEY,
                "amount_paid": _MONEY,
                "amount_due": {**_MONEY, "minimum": 0},
                "payment_link_url": _nullable(_string(format="uri")),
                "payment_link_expires_at": _nullable(_TIMESTAMP),
            }
        ),
        "Error": _object(_error_properties(), description="NestJS-style error body."),
        "RateLimitError": _object(
            {**_error_properties(), "retryAfter": {"type": "integer", "minimum": 0}},
            description="The error body of a 429, with the seconds to wait.",
        ),
    }


def _error_properties() -> dict[str, Schema]:
    return {
        "statusCode": {"type": "integer"},
        "message": {
            "oneOf": [
                {"type": "string"},
                {"type": "array", "items": {"type": "string"}, "minItems": 1},
            ],
            "description": "Invalid input lists every problem; other errors are one sentence.",
        },
        "error": _string(description="The HTTP reason phrase."),
    }


def _header(description: str, schema: Schema, *, required: bool = True) -> Schema:
    return {"description": description, "required": required, "schema": schema}


def _rate_limit_headers() -> dict[str, Schema]:
    return {
        name: _header(description, schema)
        for name, (description, schema) in _RATE_LIMIT_HEADERS.items()
    }


def _json(schema: Schema) -> dict[str, Schema]:
    return {"application/json": {"schema": schema}}


def _error(status: int, description: str, *, limited: bool = True, schema: str = "Error") -> Schema:
    """An error response; `limited`: it passed the rate limiter, so it has its headers."""
    fixed = nest_error_body(status, "")
    body = {
        "allOf": [
            _ref(schema),
            {
                "properties": {
                    "statusCode": {"const": fixed["statusCode"]},
                    "error": {"const": fixed["error"]},
                }
            },
        ]
    }
    response: Schema = {"description": description, "content": _json(body)}
    if limited:
        response["headers"] = _rate_limit_headers()
    return response


def _errors(*statuses: int, described: dict[int, str] | None = None) -> dict[str, Schema]:
    """The error responses of `statuses`; `described` words some for one operation."""
    known = {
        400: _error(400, "Invalid input (message is a list) or a broken business rule."),
        401: _error(401, "Missing or invalid x-client-key / x-client-secret.", limited=False),
        404: _error(404, "Customer, wallet, tax or invoice not found (in this app)."),
        409: _error(409, "A request with this idempotency key is still in flight."),
        413: _error(413, "Request body too large."),
        422: _error(422, "Idempotency key reused with a different request body."),
        429: {
            **_error(429, "Rate limit exceeded.", schema="RateLimitError"),
            "headers": {
                "Retry-After": _header("Seconds until the window resets.", {"type": "integer"}),
                **_rate_limit_headers(),
            },
        },
        503: _error(503, "Idempotency or rate-limit store unavailable.", limited=False),
    }
    for status, description in (described or {}).items():
        known[status] = {**known[status], "description": description}
    return {str(status): known[status] for status in statuses}


def _ok(description: str, schema: Schema, **headers: Schema) -> Schema:
    return {
        "description": description,
        "headers": {**headers, **_rate_limit_headers()},
        "content": _json(schema),
    }


# Example invoice ids: tests/rest/test_openapi.py creates a DRAFT and an OPEN invoice under
# them, so that the examples (which the fuzzer starts from) get past the lookup.
DRAFT_INVOICE_EXAMPLE = "inv_6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f"
OPEN_INVOICE_EXAMPLE = "inv_7a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d"


def _invoice_id(example: str) -> Schema:
    return {
        "name": "invoice_id",
        "in": "path",
        "required": True,
        "schema": _string(),
        "example": example,
    }


# The wording of the answers every operation on one invoice shares.
_INVOICE_NOT_FOUND = "Invoice not found (in this app)."
_INVOICE_CHANGED = "Another request changed the invoice at the same moment; retry."


def _invoice_actions() -> dict[str, Any]:
    """Edit a draft, send it, record payments, download the PDF (gateway.rest.invoice_actions
    and gateway.rest.invoice_pdf)."""
    update_errors = _errors(
        400,
        401,
        404,
        409,
        413,
        429,
        503,
        described={
            400: (
                "Invalid input (message is a list), a broken business rule, or the invoice"
                " is no longer a DRAFT."
            ),
            404: "Invoice, or the customer, wallet or tax the edit names, not found.",
            409: _INVOICE_CHANGED,
        },
    )

    def update(operation_id: str, summary: str) -> Schema:
        return {
            "operationId": operation_id,
            "summary": summary,
            "description": "Only a DRAFT can be edited; its items are priced again.",
            "parameters": [_invoice_id(DRAFT_INVOICE_EXAMPLE)],
            "requestBody": {"required": True, "content": _json(_ref("UpdateInvoiceRequest"))},
            "responses": {"200": _ok("The edited invoice.", _ref("Invoice")), **update_errors},
        }

    return {
        "put": update("updateInvoice", "Edit a draft invoice"),
        "patch": update("patchInvoice", "Edit a draft invoice (same as PUT)"),
    }


def _invoice_subpaths() -> dict[str, Any]:
    return {
        "/api/v0/invoices/{invoice_id}/send": {
            "post": {
                "operationId": "sendInvoice",
                "summary": "Send a draft invoice",
                "description": (
                    "DRAFT to OPEN: the invoice.sent webhook fires and, for EMAIL delivery,"
                    " the invoice is emailed (on its send_date)."
                ),
                "parameters": [_invoice_id(DRAFT_INVOICE_EXAMPLE)],
                "responses": {
                    "200": _ok("The invoice, now OPEN.", _ref("Invoice")),
                    **_errors(
                        400,
                        401,
                        404,
                        409,
                        429,
                        503,
                        described={
                            400: "The invoice is not a DRAFT, or its due date has passed.",
                            404: _INVOICE_NOT_FOUND,
                            409: _INVOICE_CHANGED,
                        },
                    ),
                },
            }
        },
        "/api/v0/invoices/{invoice_id}/payments": {
            "post": {
                "operationId": "recordPayment",
                "summary": "Record a payment",
                "description": (
                    "On an OPEN, PASTDUE or PARTIALLYPAID invoice; it becomes PAID once"
                    " nothing is due, PARTIALLYPAID before."
                ),
                "parameters": [_invoice_id(OPEN_INVOICE_EXAMPLE)],
                "requestBody": {"required": True, "content": _json(_ref("CreatePaymentRequest"))},
                "responses": {
                    "201": _ok("The invoice with the payment applied.", _ref("Invoice")),
                    **_errors(
                        400,
                        401,
                        404,
                        409,
                        413,
                        429,
                        503,
                        described={
                            400: (
                                "Invalid input (message is a list), or a payment the invoice"
                                " refuses: its status, the method, more than is due, or only"
                                " part of it where partial payments are off."
                            ),
                            404: _INVOICE_NOT_FOUND,
                            409: _INVOICE_CHANGED,
                        },
                    ),
                },
            }
        },
        "/api/v0/invoices/{invoice_id}/pdf": {
            "get": {
                "operationId": "getInvoicePdf",
                "summary": "Download the invoice PDF",
                "description": "The document the invoice email attaches.",
                "parameters": [_invoice_id(OPEN_INVOICE_EXAMPLE)],
                "responses": {
                    "200": {
                        "description": "The PDF.",
                        "headers": {
                            "Content-Disposition": _header(
                                "An attachment named after the invoice number.",
                                _string(pattern=_PDF_DISPOSITION),
                            ),
                            "Cache-Control": _header(
                                "An invoice is personal data: no shared cache keeps it.",
                                {"type": "string", "const": "private, no-store"},
                            ),
                            **_rate_limit_headers(),
                        },
                        "content": {
                            "application/pdf": {
                                "schema": {"type": "string", "contentMediaType": "application/pdf"}
                            }
                        },
                    },
                    **_errors(401, 404, 429, 503, described={404: _INVOICE_NOT_FOUND}),
                },
            }
        },
    }


def _query(name: str, schema: Schema, description: str) -> Schema:
    return {
        "name": name,
        "in": "query",
        "required": False,
        # The shim reads `?skip=` as no `skip` at all, for every parameter here.
        "allowEmptyValue": True,
        "schema": schema,
        "description": description,
    }


def _paths() -> dict[str, Any]:
    # Not at the top: gateway.rest.invoices imports this module for its route.
    from gateway.rest.invoices import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, REPLAY_HEADER

    date_filter = _string(format="date", pattern=_DATE)
    return {
        "/api/v0/invoices": {
            "post": {
                "operationId": "createInvoice",
                "summary": "Create an invoice",
                "parameters": [
                    {
                        "name": "x-idempotency-key",
                        "in": "header",
                        "required": False,
                        "description": (
                            "Replays the first successful response (kept 24 hours by default)."
                            " `idempotency-key` is read when this header is absent."
                        ),
                        "schema": _string(pattern=_PRINTABLE_HEADER),
                    }
                ],
                "requestBody": {"required": True, "content": _json(_ref("CreateInvoiceRequest"))},
                "responses": {
                    "201": _ok(
                        "The invoice (or, on an idempotent replay, the first response).",
                        _ref("Invoice"),
                        **{
                            REPLAY_HEADER: _header(
                                "Present on a replay of an earlier response.",
                                {"type": "string", "const": "true"},
                                required=False,
                            )
                        },
                    ),
                    **_errors(400, 401, 404, 409, 413, 422, 429, 503),
                },
            },
            "get": {
                "operationId": "listInvoices",
                "summary": "List invoices, newest first",
                "parameters": [
                    _query(
                        "skip",
                        {"type": "integer", "minimum": 0, "maximum": _MAX_SKIP, "default": 0},
                        "Invoices to pass over.",
                    ),
                    _query(
                        "take",
                        {
                            "type": "integer",
                            "minimum": 1,
                            "maximum": MAX_PAGE_SIZE,
                            "default": DEFAULT_PAGE_SIZE,
                        },
                        "Page size.",
                    ),
                    _query("status", _enum(InvoiceStatus), "Only this status."),
                    _query("customer_id", _string(format="uuid", pattern=_UUID), "Customer."),
                    _query("start_date", date_filter, "Created on or after (UTC date)."),
                    _query("end_date", date_filter, "Created on or before (UTC date)."),
                    _query("due_from", date_filter, "Due on or after."),
                    _query("due_to", date_filter, "Due on or before."),
                ],
                "responses": {
                    "200": _ok(
                        "One page of invoices.",
                        {"type": "array", "items": _ref("Invoice")},
                        **{
                            "X-Total-Count": _header(
                                "Invoices matching the filters, all pages.",
                                {"type": "integer", "minimum": 0},
                            )
                        },
                    ),
                    **_errors(400, 401, 429, 503),
                },
            },
        },
        "/api/v0/invoices/{invoice_id}": {
            "get": {
                "operationId": "getInvoice",
                "summary": "Get one invoice",
                "parameters": [_invoice_id(OPEN_INVOICE_EXAMPLE)],
                "responses": {
                    "200": _ok("The invoice.", _ref("Invoice")),
                    **_errors(401, 404, 429, 503, described={404: _INVOICE_NOT_FOUND}),
                },
            },
            **_invoice_actions(),
        },
        **_invoice_subpaths(),
    }


def _build() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Invoice gateway v0 REST API",
            "version": "0.1.0",
            "description": (
                "Create, read, edit, send and collect payment on invoices."
                " Rate limited per client key."
            ),
        },
        "paths": _paths(),
        "components": {
            "schemas": {**_request_schemas(), **_response_schemas()},
            "securitySchemes": {
                "clientKey": {"type": "apiKey", "in": "header", "name": "x-client-key"},
                "clientSecret": {"type": "apiKey", "in": "header", "name": "x-client-secret"},
            },
        },
        "security": [{"clientKey": [], "clientSecret": []}],
    }


@cache
def _document_bytes() -> bytes:
    return dumps(_build())


def openapi_document() -> dict[str, Any]:
    """The document as served; a fresh copy on each call, so callers may change it."""
    result: dict[str, Any] = loads(_document_bytes())
    return result


async def openapi_json(_request: Request) -> Response:
    return Response(_document_bytes(), media_type="application/json")


route = Route(OPENAPI_PATH, openapi_json, methods=["GET"])
