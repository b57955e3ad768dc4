"""The recurring-invoice operations (gateway.rest.recurring_invoices): create, list, read,
change, pause, resume, cancel. Bodies come from the field tables of
gateway.rest.v0_recurring_body; the template is the create-invoice body without dates."""

from __future__ import annotations

from typing import Any

from gateway.domain.recurring import ScheduleStatus
from gateway.domain.recurring_rules import MAX_START_YEARS
from gateway.domain.resource_enums import InvoiceCurrency
from gateway.domain.status import DeliveryMethod, InvoiceStatus, PaymentMethod
from gateway.rest.conventions import REPLAY_HEADER
from gateway.rest.openapi.errors import errors
from gateway.rest.openapi.fragments import (
    Schema,
    enum,
    header,
    json_content,
    nullable,
    ref,
    response_object,
    string,
)
from gateway.rest.openapi.overlay import Overlay, annotated
from gateway.rest.openapi.parameters import idempotency_key, paging, query_parameter
from gateway.rest.openapi.requests import INVOICE_OVERLAY
from gateway.rest.openapi.responses import ok
from gateway.rest.v0_recurring_body import LIMIT_FIELDS, SCHEDULE_FIELDS, TEMPLATE, TEMPLATE_FIELDS
from gateway.rest.v0_schema import body_schema

COLLECTION = "/api/v0/recurring_invoices"
ONE = f"{COLLECTION}/{{schedule_id}}"
_NOT_FOUND = "Recurring invoice not found (in this app)."
_TIMESTAMP = string(format="date-time", description="UTC, e.g. 2024-01-15T10:30:00.000Z.")
_DATE = string(format="date")
_PERIODS = (
    "WEEKLY runs on the ISO weekday anchor_day (1 Monday ... 7 Sunday); MONTHLY on day"
    " anchor_day of each month, or the month's last day when it has fewer (31 -> 30 April,"
    " 28/29 February); YEARLY on day anchor_day of the start date's month, with the same"
    " rule (29 -> 28 February outside leap years). The first period is the first such day"
    " on or after start_date. Each invoice is made from 00:00 UTC of its period's day,"
    " dated that day and due days_until_due days later."
)
_STATES = (
    "ACTIVE makes invoices; PAUSED makes none, and on resume the periods whose day went by"
    " while paused are skipped (not made up); CANCELLED is final; COMPLETED: after the last"
    " period (count or end_date)."
)
_OVERLAY: Overlay = {
    "interval": {"description": _PERIODS},
    "anchor_day": {"description": "1-7 for WEEKLY, 1-31 otherwise; default: the start date's."},
    "start_date": {"description": f"Today or later, within {MAX_START_YEARS} years."},
    "end_date": {"description": "The last period is the last one on or before it."},
    "count": {"description": "Periods in all (those skipped while paused among them)."},
    "days_until_due": {"description": "Default 30."},
}


def recurring_paths() -> dict[str, Any]:
    return {
        COLLECTION: {"post": _create(), "get": _list()},
        ONE: {"get": _get(), "patch": _update()},
        **{f"{ONE}/{action}": {"post": _action(action, text)} for action, text in _ACTIONS},
    }


_ACTIONS = (
    ("pause", "No invoices until resumed. An ACTIVE one only, else a 400 saying why."),
    (
        "resume",
        "Active again from the first period dated today or later: the periods missed while"
        " paused are skipped. A PAUSED one only, else a 400 saying why.",
    ),
    ("cancel", "Final; its invoices stay. ACTIVE or PAUSED only, else a 400 saying why."),
)


def _template_request() -> Schema:
    names = {spec.name for spec in TEMPLATE_FIELDS}
    overlay = {name: notes for name, notes in INVOICE_OVERLAY.items() if name in names}
    return annotated(body_schema(TEMPLATE_FIELDS), overlay)


def _body(*, partial: bool) -> Schema:
    fields = LIMIT_FIELDS if partial else (*SCHEDULE_FIELDS, *LIMIT_FIELDS)
    names = {spec.name for spec in fields}
    overlay = {name: notes for name, notes in _OVERLAY.items() if name in names}
    schema = annotated(body_schema(fields, partial=partial), overlay)
    schema["properties"] = {TEMPLATE: _template_request(), **schema["properties"]}
    if not partial:
        schema["required"] = [TEMPLATE, *schema["required"]]
    description = (
        "Unknown fields are ignored. invoice: the create-invoice body without due_date and"
        " send_date."
    )
    if partial:
        description = (
            "Every field optional: invoice replaces the whole template, null clears end_date"
            " or count. interval, anchor_day and start_date cannot change (400)."
        )
    return {"required": True, "content": json_content({**schema, "description": description})}


def _template_schema() -> Schema:
    item = response_object(
        {
            "product_id": nullable(string(description="null on a free-form item.")),
            "quantity": {"type": "number"},
            "description": nullable(string(description="A free-form item's; else null.")),
            "unit_price": {
                "type": ["number", "null"],
                "description": "A free-form item's price; null on a product's item.",
            },
            "discount": nullable(ref("Discount")),
        },
        description="Every key on every item: sent back in a template, it reads the same.",
    )
    return response_object(
        {
            "name": string(),
            "email": string(),
            "customer_id": string(),
            "walletId": string(),
            "items": {"type": "array", "items": item},
            "delivery": enum(DeliveryMethod),
            "payment_link": {"type": "boolean"},
            "payment_methods": {"type": "array", "items": enum(PaymentMethod)},
            "status": enum([InvoiceStatus.DRAFT, InvoiceStatus.OPEN]),
            "partial_payment": {"type": "boolean"},
            "address": nullable(string()),
            "phone_number": nullable(string()),
            "logo": nullable(string()),
            "taxId": nullable(string()),
            "currency": enum(InvoiceCurrency),
            "discount": nullable(ref("Discount")),
        },
        description="What each invoice is made of.",
    )


def recurring_invoice_schema() -> Schema:
    """As gateway.services.recurring_json writes it."""
    return response_object(
        {
            "id": string(),
            "status": {**enum(ScheduleStatus), "description": _STATES},
            "interval": enum(["WEEKLY", "MONTHLY", "YEARLY"]),
            "anchor_day": {"type": "integer", "minimum": 1, "maximum": 31},
            "start_date": _DATE,
            "end_date": nullable(_DATE),
            "count": {"type": ["integer", "null"]},
            "days_until_due": {"type": "integer"},
            "next_run_at": {
                **nullable(_TIMESTAMP),
                "description": "When the next invoice is made; null unless ACTIVE.",
            },
            "invoices_generated": {"type": "integer", "minimum": 0},
            "last_invoice_id": nullable(string()),
            "paused_reason": {
                **nullable(string()),
                "description": "Why the worker paused it: its template could not be invoiced.",
            },
            "invoice": _template_schema(),
            "created_at": _TIMESTAMP,
            "updated_at": _TIMESTAMP,
        },
        description="A schedule the worker turns into invoices, one per period.",
    )


def _schedule_id() -> Schema:
    return {
        "name": "schedule_id",
        "in": "path",
        "required": True,
        "description": "Any id: one that names no recurring invoice of this app is a 404.",
        "schema": string(),
    }


def _create() -> Schema:
    replayed = header(
        "Present on a replay of an earlier response.",
        {"type": "string", "const": "true"},
        required=False,
    )
    return {
        "operationId": "createRecurringInvoice",
        "summary": "Create a recurring invoice",
        "description": (
            "A template invoice and its periods. The template is priced now (a customer,"
            " wallet, product or tax that is missing is a 404, one that cannot be invoiced a"
            " 400). The worker makes one invoice per period, through the create-invoice path."
        ),
        "parameters": [idempotency_key()],
        "requestBody": _body(partial=False),
        "responses": {
            "201": ok(
                "The recurring invoice (or, on an idempotent replay, the first response).",
                recurring_invoice_schema(),
                **{REPLAY_HEADER: replayed},
            ),
            **errors(400, 401, 404, 409, 413, 422, 429, 503),
        },
    }


def _list() -> Schema:
    return {
        "operationId": "listRecurringInvoices",
        "summary": "List recurring invoices, newest first",
        "parameters": [
            *paging("Recurring invoices"),
            query_parameter("status", enum(ScheduleStatus), "Only those in this status."),
        ],
        "responses": {
            "200": ok(
                "One page of recurring invoices.",
                {"type": "array", "items": recurring_invoice_schema()},
            ),
            **errors(400, 401, 429, 503),
        },
    }


def _get() -> Schema:
    return {
        "operationId": "getRecurringInvoice",
        "summary": "Get one recurring invoice",
        "parameters": [_schedule_id()],
        "responses": {
            "200": ok("The recurring invoice.", recurring_invoice_schema()),
            **errors(401, 404, 429, 503, described={404: _NOT_FOUND}),
        },
    }


def _update() -> Schema:
    return {
        "operationId": "updateRecurringInvoice",
        "summary": "Change a recurring invoice",
        "description": (
            "For the periods not yet invoiced; invoices already made stay as they are. A"
            " CANCELLED or COMPLETED one cannot change (400)."
        ),
        "parameters": [_schedule_id()],
        "requestBody": _body(partial=True),
        "responses": {
            "200": ok("The changed recurring invoice.", recurring_invoice_schema()),
            **errors(400, 401, 404, 413, 429, 503),
        },
    }


def _action(action: str, description: str) -> Schema:
    return {
        "operationId": f"{action}RecurringInvoice",
        "summary": f"{action.capitalize()} a recurring invoice",
        "description": description,
        "parameters": [_schedule_id()],
        "responses": {
            "200": ok("The recurring invoice as it is now.", recurring_invoice_schema()),
            **errors(400, 401, 404, 429, 503, described={404: _NOT_FOUND}),
        },
    }
