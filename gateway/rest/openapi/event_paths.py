"""GET /api/v0/events (gateway.rest.events) and the event it answers with, as
gateway.services.event_json writes it."""

from __future__ import annotations

from typing import Any

from gateway.rest.conventions import DEFAULT_PAGE_SIZE
from gateway.rest.openapi.errors import errors
from gateway.rest.openapi.fragments import Schema, nullable, response_object, string
from gateway.rest.openapi.parameters import query_parameter
from gateway.rest.openapi.responses import ok
from gateway.services.event_feed import MAX_PAGE_SIZE, MAX_SEQUENCE

_CURSOR = string(pattern="^[0-9]{1,16}$", examples=["42"])


def event_paths() -> dict[str, Any]:
    return {"/api/v0/events": {"get": _list()}}


def _event() -> Schema:
    return response_object(
        {
            "id": string(description="evt_ and 32 hex digits."),
            "sequence": {
                "type": "integer",
                "minimum": 1,
                "maximum": MAX_SEQUENCE,
                "description": "The event's place in the app's log: 1, 2, 3 ... no gaps.",
            },
            "cursor": {**_CURSOR, "description": "The sequence as text: give it as `after`."},
            "type": string(description='"<resource>.<action>", e.g. "invoice.paid".'),
            "created_at": string(format="date-time"),
            "resource_type": string(description="invoice, customer, product, tax or wallet."),
            "resource_id": string(),
            "invoice_id": nullable(string(description="The invoice an invoice event is about.")),
            "data": {
                "type": "object",
                "description": "The resource as the event's webhook carries it.",
            },
        },
        description="One event of the app's log; the same item as GraphQL `events` gives.",
    )


def _list() -> Schema:
    return {
        "operationId": "listEvents",
        "summary": "Read the app's event log after a cursor, oldest first",
        "description": (
            "Every event of the app once, in the order of its sequence, which is the order"
            " the changes were committed: an event never appears later behind a cursor"
            " already read, so reading on from `next_after` misses nothing. Events are kept"
            " for EVENT_RETENTION_DAYS (30 by default); a cursor older than that is a 410"
            " naming where to restart, never an empty page. Unknown query parameters are a"
            " 400 naming them."
        ),
        "parameters": [
            query_parameter(
                "after",
                _CURSOR,
                "The cursor of the last event read; omitted: from the oldest event kept.",
            ),
            query_parameter(
                "types",
                string(pattern="^[a-z][a-z_]*\\.[a-z][a-z_]*(,[a-z][a-z_]*\\.[a-z][a-z_]*)*$"),
                "Only these types, comma-separated (invoice.paid,invoice.sent).",
            ),
            query_parameter("invoice_id", string(), "Only the events of this invoice."),
            query_parameter(
                "take",
                {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": MAX_PAGE_SIZE,
                    "default": DEFAULT_PAGE_SIZE,
                },
                "Events per page.",
            ),
        ],
        "responses": {
            "200": ok(
                "A page of the log.",
                response_object(
                    {
                        "data": {"type": "array", "items": _event()},
                        "take": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
                        "has_more": {
                            "type": "boolean",
                            "description": "More events follow this page now.",
                        },
                        "next_after": nullable(
                            {**_CURSOR, "description": "Give it as `after` to read on."}
                        ),
                    }
                ),
            ),
            **errors(400, 401, 410, 429, 503),
        },
    }
