"""POST /api/v0/invoices/{invoice_id}/credit_notes, GET /api/v0/credit_notes[/{id}[/pdf]]
(gateway.rest.credit_notes) and the credit note they answer with, as
gateway.services.credit_note_json writes it."""

from __future__ import annotations

from typing import Any

from gateway.domain.credit_notes import CreditTo
from gateway.domain.status import InvoiceStatus
from gateway.rest.conventions import REPLAY_HEADER
from gateway.rest.openapi.errors import errors
from gateway.rest.openapi.fragments import (
    Schema,
    enum,
    header,
    json_content,
    nullable,
    response_object,
    string,
)
from gateway.rest.openapi.overlay import annotated
from gateway.rest.openapi.parameters import (
    OPEN_INVOICE_EXAMPLE,
    idempotency_key,
    invoice_id,
    paging,
    query_parameter,
)
from gateway.rest.openapi.responses import ok, rate_limit_headers
from gateway.rest.v0_credit_note_body import CREDIT_NOTE_FIELDS
from gateway.rest.v0_schema import body_schema

_MONEY: Schema = {"type": "number", "description": "Exact amount with two decimal places."}
_TIMESTAMP = string(format="date-time", description="UTC, e.g. 2024-01-15T10:30:00.000Z.")
_NOT_FOUND = "Credit note not found (in this app)."
_CREDIT_NOTE_ID: Schema = {
    "name": "credit_note_id",
    "in": "path",
    "required": True,
    "schema": string(),
    "example": "cn_0f6f1c2d3e4b5a4c7d8e9f0a1b2c3d4e",
}
_PDF_DISPOSITION = '^attachment; filename="credit-note-[A-Za-z0-9._-]+\\.pdf"$'


def credit_note_paths() -> dict[str, Any]:
    return {
        "/api/v0/invoices/{invoice_id}/credit_notes": {"post": _create()},
        "/api/v0/credit_notes": {"get": _list()},
        "/api/v0/credit_notes/{credit_note_id}": {"get": _get()},
        "/api/v0/credit_notes/{credit_note_id}/pdf": {"get": _pdf()},
    }


def credit_note_schema() -> Schema:
    text = string()
    money = {**_MONEY, "minimum": 0}
    line = response_object(
        {
            "position": {"type": "integer", "minimum": 0},
            "invoice_line": {"type": "integer", "minimum": 0},
            "name": text,
            "quantity": {"type": "number", "exclusiveMinimum": 0},
            "unit_price": _MONEY,
            "amount": _MONEY,
        }
    )
    refund = response_object(
        {
            "credit_note_id": text,
            "invoice_id": text,
            "customer_id": text,
            "amount": money,
            "currency": text,
            "method": nullable(text),
            "reference": nullable(text),
            "created_at": _TIMESTAMP,
        }
    )
    invoice = response_object(
        {
            "id": text,
            "invoice_number": text,
            "status": enum(InvoiceStatus),
            "total": _MONEY,
            "amount_paid": _MONEY,
            "amount_credited": money,
            "credit_applied": money,
            "amount_due": money,
        },
        description="The invoice's amounts as they are now.",
    )
    return response_object(
        {
            "id": text,
            "object": {"type": "string", "const": "credit_note"},
            "number": string(description='"CN-000001": gapless per app.'),
            "app": response_object({"id": text, "name": text}),
            "invoice_id": text,
            "customer_id": text,
            "reason": nullable(text),
            "memo": nullable(text),
            "currency": text,
            "lines": {"type": "array", "items": line},
            "subtotal": money,
            "tax_amount": money,
            "total": money,
            "amount_applied": {**money, "description": "What lowered the invoice's amount due."},
            "credit_to": nullable(enum(CreditTo)),
            "refund_amount": money,
            "credit_balance_amount": money,
            "refund": nullable(refund),
            "invoice": invoice,
            "created_at": _TIMESTAMP,
        },
        description=(
            "A numbered correction of an issued invoice: its total lowers the amount due;"
            " what it credits past that is refunded or kept as the customer's credit balance,"
            " which the customer's next invoice in the currency consumes."
        ),
    )


def _create() -> Schema:
    replayed = header(
        "Present on a replay of an earlier response.",
        {"type": "string", "const": "true"},
        required=False,
    )
    body = annotated(
        body_schema(CREDIT_NOTE_FIELDS),
        {
            "lines": {"description": "Invoice lines (by position) and the quantity to credit."},
            "amount": {"description": "The total to credit, tax included (instead of lines)."},
            "reason": {"description": "Why; a reason, a memo or both."},
            "credit_to": {"description": "Where the part past the amount due goes; refund."},
        },
        description="lines or amount, not both. Unknown fields are ignored.",
    )
    return {
        "operationId": "createCreditNote",
        "summary": "Credit an issued invoice",
        "description": (
            "A DRAFT or VOID invoice cannot be credited; together the invoice's credit notes"
            " never credit more than its total, and a line no more than its quantity. The tax"
            " is credited in proportion. Emits credit_note.created (and refund.recorded)."
        ),
        "parameters": [invoice_id(OPEN_INVOICE_EXAMPLE), idempotency_key()],
        "requestBody": {"required": True, "content": json_content(body)},
        "responses": {
            "201": ok(
                "The credit note (or, on an idempotent replay, the first response).",
                credit_note_schema(),
                **{REPLAY_HEADER: replayed},
            ),
            **errors(
                400,
                401,
                404,
                409,
                413,
                422,
                429,
                503,
                described={
                    400: "Invalid body, a DRAFT or VOID invoice, an unknown line, a quantity"
                    " or a total past what is left to credit.",
                    404: "Invoice not found (in this app).",
                },
            ),
        },
    }


def _list() -> Schema:
    return {
        "operationId": "listCreditNotes",
        "summary": "List credit notes, newest first",
        "parameters": [
            *paging("Credit notes"),
            query_parameter("invoice_id", string(), "Only this invoice's credit notes."),
        ],
        "responses": {
            "200": ok(
                "One page of credit notes.", {"type": "array", "items": credit_note_schema()}
            ),
            **errors(400, 401, 429, 503),
        },
    }


def _get() -> Schema:
    return {
        "operationId": "getCreditNote",
        "summary": "Get a credit note",
        "parameters": [_CREDIT_NOTE_ID],
        "responses": {
            "200": ok("The credit note.", credit_note_schema()),
            **errors(401, 404, 429, 503, described={404: _NOT_FOUND}),
        },
    }


def _pdf() -> Schema:
    return {
        "operationId": "getCreditNotePdf",
        "summary": "Download the credit note PDF",
        "parameters": [_CREDIT_NOTE_ID],
        "responses": {
            "200": {
                "description": "The PDF the credit note email attaches.",
                "headers": {
                    "Content-Disposition": header(
                        "An attachment named after the credit note number.",
                        string(pattern=_PDF_DISPOSITION),
                    ),
                    "Cache-Control": header(
                        "Personal data: no shared cache keeps it.",
                        {"type": "string", "const": "private, no-store"},
                    ),
                    **rate_limit_headers(),
                },
                "content": {
                    "application/pdf": {
                        "schema": {"type": "string", "contentMediaType": "application/pdf"}
                    }
                },
            },
            **errors(401, 404, 429, 503, described={404: _NOT_FOUND}),
        },
    }
