"""The webhook operations (gateway.rest.webhooks): create, list, read, change, delete, and
per webhook enable, disable, rotate_secret, test, deliveries and replay. Create and change
bodies come from the v0 field table (gateway.rest.v0_webhook_body)."""

from __future__ import annotations

from typing import Any

from gateway.domain.webhooks import MIN_NAME_LENGTH
from gateway.rest.conventions import REPLAY_HEADER
from gateway.rest.openapi.errors import errors
from gateway.rest.openapi.formats import NO_NUL
from gateway.rest.openapi.fragments import (
    Schema,
    header,
    json_content,
    nullable,
    response_object,
    string,
)
from gateway.rest.openapi.overlay import Overlay, annotated
from gateway.rest.openapi.parameters import idempotency_key, paging, query_parameter
from gateway.rest.openapi.responses import ok
from gateway.rest.v0_schema import body_schema
from gateway.rest.v0_webhook_body import WEBHOOK_FIELDS
from gateway.rest.webhooks import MAX_CURSOR

_NOT_FOUND = "Webhook not found (in this app)."
_TIMESTAMP = string(format="date-time", description="UTC, e.g. 2024-01-15T10:30:00.000Z.")
_COUNT = {"type": "integer", "minimum": 0}
_SEQUENCE = {"type": "integer", "minimum": 0, "maximum": MAX_CURSOR}
_EVENTS = (
    'The event types sent to it: a type ("invoice.paid"), every type of a resource '
    '("invoice.*") or "*" (the default). webhook.test always reaches the webhook it is '
    "sent to."
)
_OVERLAY: Overlay = {
    "name": {"pattern": NO_NUL, "description": f"{MIN_NAME_LENGTH} to 100 characters."},
    "url": {
        "description": (
            "An absolute http(s) URL; its host must resolve to public addresses only "
            "(checked again before every delivery)."
        )
    },
    "isActive": {"description": "Default true; false: nothing is delivered."},
    "encrypted": {"description": "Default false; kept and shown (deliveries are signed)."},
    "events": {"description": _EVENTS},
}


def webhook_paths() -> dict[str, Any]:
    one = "/api/v0/webhooks/{webhook_id}"
    return {
        "/api/v0/webhooks": {"post": _create(), "get": _list()},
        one: {"get": _get(), "patch": _update(), "delete": _delete()},
        f"{one}/enable": {"post": _switch("enable", "Deliver to the webhook again")},
        f"{one}/disable": {"post": _switch("disable", "Stop deliveries to the webhook")},
        f"{one}/rotate_secret": {"post": _rotate()},
        f"{one}/test": {"post": _test()},
        f"{one}/deliveries": {"get": _deliveries()},
        f"{one}/replay": {"post": _replay()},
    }


def webhook_schema() -> Schema:
    stats = response_object(
        {
            "total_events": _COUNT,
            "successful_deliveries": _COUNT,
            "failed_deliveries": _COUNT,
            "last_delivery": nullable(_TIMESTAMP),
        }
    )
    return response_object(
        {
            "id": string(),
            "name": string(),
            "url": string(),
            "isActive": {"type": "boolean"},
            "encrypted": {"type": "boolean"},
            "events": {"type": "array", "items": string()},
            "disabled_reason": nullable(string()),
            "created_at": _TIMESTAMP,
            "updated_at": _TIMESTAMP,
            "delivery_stats": stats,
        },
        description="A webhook (its signing secret is never shown again).",
    )


def _issued_schema() -> Schema:
    schema = webhook_schema()
    properties = {
        **schema["properties"],
        "signing_secret": string(pattern="^whsec_", description="Shown this once."),
        "previous_secret_expires_at": nullable(_TIMESTAMP),
    }
    return response_object(properties, description="The webhook and its new signing secret.")


def _queued_schema() -> Schema:
    return response_object(
        {
            "message_id": string(),
            "webhook_id": string(description="The webhook-id header it carries."),
            "event_type": string(),
            "sequence": nullable({"type": "integer"}),
        }
    )


def _body(*, partial: bool, description: str) -> Schema:
    schema = annotated(
        body_schema(WEBHOOK_FIELDS, partial=partial), _OVERLAY, description=description
    )
    return {"required": True, "content": json_content(schema)}


def _webhook_id() -> Schema:
    return {
        "name": "webhook_id",
        "in": "path",
        "required": True,
        "description": "Any id: one that names no webhook of this app is a 404.",
        "schema": string(),
        "example": "whep_0123456789abcdef0123456789abcdef",
    }


def _not_found(*statuses: int) -> dict[str, Schema]:
    return errors(*statuses, described={404: _NOT_FOUND})


def _create() -> Schema:
    replayed = header(
        "Present on a replay of an earlier response.",
        {"type": "string", "const": "true"},
        required=False,
    )
    return {
        "operationId": "createWebhook",
        "summary": "Create a webhook",
        "description": (
            "The 201 holds the signing secret (Standard Webhooks, whsec_...), shown only "
            "here; signing_secret in the body is not taken. A URL whose host is or "
            "resolves to a private, loopback or link-local address is a 400."
        ),
        "parameters": [idempotency_key()],
        "requestBody": _body(partial=False, description="Unknown fields are ignored."),
        "responses": {
            "201": ok(
                "The webhook and its secret (or, on a replay, the first response).",
                _issued_schema(),
                **{REPLAY_HEADER: replayed},
            ),
            **errors(400, 401, 409, 413, 422, 429, 503),
        },
    }


def _list() -> Schema:
    return {
        "operationId": "listWebhooks",
        "summary": "List webhooks, oldest first",
        "parameters": paging("Webhooks"),
        "responses": {
            "200": ok("One page of webhooks.", {"type": "array", "items": webhook_schema()}),
            **errors(400, 401, 429, 503),
        },
    }


def _get() -> Schema:
    return {
        "operationId": "getWebhook",
        "summary": "Get one webhook",
        "parameters": [_webhook_id()],
        "responses": {
            "200": ok("The webhook.", webhook_schema()),
            **_not_found(401, 404, 429, 503),
        },
    }


def _update() -> Schema:
    return {
        "operationId": "updateWebhook",
        "summary": "Change a webhook",
        "description": (
            "The fields sent change (null: unchanged). isActive true enables it again, its "
            "run of failures forgotten."
        ),
        "parameters": [_webhook_id()],
        "requestBody": _body(partial=True, description="Every field optional."),
        "responses": {
            "200": ok("The changed webhook.", webhook_schema()),
            **_not_found(400, 401, 404, 413, 429, 503),
        },
    }


def _delete() -> Schema:
    return {
        "operationId": "deleteWebhook",
        "summary": "Delete a webhook",
        "description": "Nothing more is delivered to it; answers the webhook as it was.",
        "parameters": [_webhook_id()],
        "responses": {
            "200": ok("The deleted webhook.", webhook_schema()),
            **_not_found(401, 404, 429, 503),
        },
    }


def _switch(action: str, summary: str) -> Schema:
    return {
        "operationId": f"{action}Webhook",
        "summary": summary,
        "parameters": [_webhook_id()],
        "responses": {
            "200": ok("The webhook.", webhook_schema()),
            **_not_found(401, 404, 429, 503),
        },
    }


def _rotate() -> Schema:
    return {
        "operationId": "rotateWebhookSecret",
        "summary": "Rotate the signing secret",
        "description": (
            "A new secret, shown only here. Until previous_secret_expires_at "
            "(WEBHOOK_SECRET_OVERLAP_SECONDS, a day by default) every delivery carries two "
            "signatures in webhook-signature, one by each secret; then only the new one."
        ),
        "parameters": [_webhook_id()],
        "responses": {
            "200": ok("The webhook and its new secret.", _issued_schema()),
            **_not_found(401, 404, 429, 503),
        },
    }


def _test() -> Schema:
    return {
        "operationId": "testWebhook",
        "summary": "Send a test event",
        "description": (
            "Queues a webhook.test event for this webhook only, whatever its event types; "
            "the worker delivers it. A disabled webhook is a 400."
        ),
        "parameters": [_webhook_id()],
        "responses": {
            "202": ok("The queued message.", _queued_schema()),
            **_not_found(400, 401, 404, 429, 503),
        },
    }


def _deliveries() -> Schema:
    entry = response_object(
        {
            "id": string(),
            "created_at": _TIMESTAMP,
            "message_id": string(),
            "webhook_id": string(),
            "event_type": string(),
            "attempt": {"type": "integer", "minimum": 1},
            "status_code": nullable({"type": "integer"}),
            "duration_ms": _COUNT,
            "error": nullable(string()),
            "succeeded": {"type": "boolean"},
        }
    )
    page = response_object(
        {"data": {"type": "array", "items": entry}, "next_cursor": nullable(string())}
    )
    cursor = {"type": "integer", "minimum": 1, "maximum": MAX_CURSOR}
    return {
        "operationId": "listWebhookDeliveries",
        "summary": "The delivery log",
        "description": "Every HTTP attempt to the webhook, newest first.",
        "parameters": [
            _webhook_id(),
            paging("Attempts")[1],
            query_parameter("after", cursor, "next_cursor of the previous page."),
        ],
        "responses": {
            "200": ok("One page of attempts.", page),
            **_not_found(400, 401, 404, 429, 503),
        },
    }


def _replay() -> Schema:
    body = {
        "oneOf": [
            {
                "type": "object",
                "required": ["message_id"],
                "properties": {"message_id": string(minLength=1)},
                "not": {"required": ["after"]},
            },
            {
                "type": "object",
                "required": ["after"],
                "properties": {"after": _SEQUENCE},
                "not": {"required": ["message_id"]},
            },
        ],
        "description": (
            "message_id: a message sent to this webhook (its id or webhook-id), sent again "
            "with the same payload and webhook-id. after: every logged event with a higher "
            "sequence that the webhook's event types let through, in order (1000 at most; "
            "has_more says to ask again after last_sequence), each under the webhook-id it "
            "was first sent to this webhook with, or the event's id."
        ),
    }
    answer = response_object(
        {
            "data": {"type": "array", "items": _queued_schema()},
            "has_more": {"type": "boolean"},
            "last_sequence": nullable({"type": "integer"}),
        }
    )
    return {
        "operationId": "replayWebhook",
        "summary": "Replay a message, or the events after a sequence",
        "parameters": [_webhook_id()],
        "requestBody": {"required": True, "content": json_content(body)},
        "responses": {
            "202": ok("The queued messages.", answer),
            **_not_found(400, 401, 404, 413, 429, 503),
        },
    }
