"""The customer operations (gateway.rest.customers): their request bodies, generated from
the field tables gateway.rest.v0_customer_body parses, the customer gateway.services.
customer_json writes, and the answers. Where the v0 renderings disagree, the API
reference's variant is the one served (said in the descriptions)."""

from __future__ import annotations

from typing import Any

from gateway.domain import customer_rules as rules
from gateway.domain.resource_enums import CustomerStatus, CustomerType
from gateway.rest.conventions import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, REPLAY_HEADER
from gateway.rest.openapi.errors import errors
from gateway.rest.openapi.formats import EMAIL, NO_NUL, UUID
from gateway.rest.openapi.fragments import (
    Schema,
    enum,
    header,
    json_content,
    nullable,
    response_object,
    string,
)
from gateway.rest.openapi.overlay import Overlay, annotated
from gateway.rest.openapi.parameters import idempotency_key
from gateway.rest.openapi.responses import ok
from gateway.rest.query import MAX_SKIP
from gateway.rest.v0_customer_body import CUSTOMER_FIELDS, UPDATE_FIELDS
from gateway.rest.v0_schema import body_schema

# A customer the document's examples name: the demo customer.
CUSTOMER_EXAMPLE = "550e8400-e29b-41d4-a716-446655440000"

_TIMESTAMP = string(format="date-time", description="UTC, e.g. 2024-01-15T10:30:00.000Z.")
_NOT_FOUND = "Customer not found (in this app)."
_EMAIL_TAKEN = "Another customer of the app has this email address (in any case)."
_BODY: Overlay = {
    "first_name": {"pattern": NO_NUL},
    "last_name": {"pattern": NO_NUL},
    "phone_number": {"description": "The API reference's pattern (the Guide's +1-555-... fails)."},
    "email": {
        "pattern": EMAIL,
        "description": "Unique in the app, in any case. Local part at most 64 characters.",
    },
    "customer_type": {"description": "The API reference's types; default Individual."},
    "status": {"description": "Default ACTIVE. BLACKLISTED blacklists the customer."},
}
_UPDATE: Overlay = {
    **_BODY,
    "email": {**_BODY["email"], "description": "null removes the email address."},
    "customer_type": {"description": "null leaves it as it is."},
    "status": {"description": "null leaves it as it is; ACTIVE undoes BLACKLISTED."},
    "reason": {"pattern": NO_NUL, "description": "Why the customer is blacklisted; not kept."},
}


def customer_paths() -> dict[str, Any]:
    return {
        "/api/v0/customers": {"post": _create(), "get": _list()},
        "/api/v0/customers/{customer_id}": {
            "get": _get(),
            "patch": _update(),
            "delete": _delete(),
        },
    }


def customer_schema() -> Schema:
    text = string()
    return response_object(
        {
            "id": string(format="uuid"),
            "first_name": text,
            "last_name": text,
            "email": nullable(text),
            "phone_number": nullable(text),
            "customer_type": {"anyOf": [enum(CustomerType), {"type": "null"}]},
            "status": enum(CustomerStatus),
            "last_spent": {
                "type": "number",
                "description": "The last payment on one of the customer's invoices; 0 before.",
            },
            "last_purchase_date": nullable(_TIMESTAMP),
            "appId": text,
            "app_id": text,
            "createdAt": _TIMESTAMP,
            "updatedAt": _TIMESTAMP,
        },
        description="appId and app_id both (v0 examples show both); createdAt/updatedAt "
        "as the Developers pages spell them.",
    )


def _body(schema: Schema) -> Schema:
    """The request body `schema`, its email stated by the pattern alone: the JSON Schema
    "email" format also checks xn-- labels as IDNA, which the email rule does not."""
    properties = dict(schema["properties"])
    properties["email"] = {k: v for k, v in properties["email"].items() if k != "format"}
    return {"required": True, "content": json_content({**schema, "properties": properties})}


def _path_id() -> Schema:
    return {
        "name": "customer_id",
        "in": "path",
        "required": True,
        "schema": string(format="uuid", pattern=UUID),
        "example": CUSTOMER_EXAMPLE,
    }


def _replayed() -> Schema:
    return header(
        "Present on a replay of an earlier response.",
        {"type": "string", "const": "true"},
        required=False,
    )


def _create() -> Schema:
    body = annotated(
        body_schema(CUSTOMER_FIELDS),
        _BODY,
        description="Unknown fields are ignored; optional fields may be null.",
    )
    return {
        "operationId": "createCustomer",
        "summary": "Create a customer",
        "parameters": [idempotency_key()],
        "requestBody": _body(body),
        "responses": {
            "201": ok(
                "The customer (or, on an idempotent replay, the first response).",
                customer_schema(),
                **{REPLAY_HEADER: _replayed()},
            ),
            **errors(400, 401, 409, 413, 422, 429, 503, described={409: _EMAIL_TAKEN}),
        },
    }


def _query(name: str, schema: Schema, description: str) -> Schema:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "allowEmptyValue": True,
        "schema": schema,
        "description": description,
    }


def _list() -> Schema:
    page = {
        "type": "object",
        "required": ["data", "total", "skip", "take"],
        "properties": {
            "data": {"type": "array", "items": customer_schema()},
            "total": {"type": "integer", "minimum": 0},
            "skip": {"type": "integer", "minimum": 0},
            "take": {"type": "integer", "minimum": 1},
        },
        "additionalProperties": False,
    }
    return {
        "operationId": "listCustomers",
        "summary": "List customers, newest first",
        "description": "Archived (DELETED) customers only when status=DELETED is asked.",
        "parameters": [
            _query(
                "skip",
                {"type": "integer", "minimum": 0, "maximum": MAX_SKIP, "default": 0},
                "Customers to pass over.",
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
            _query("status", enum(CustomerStatus), "Only this status."),
            _query(
                "name",
                string(maxLength=rules.NAME_FILTER.max_length, pattern=NO_NUL),
                "A part of the first or last name, in any case.",
            ),
            _query(
                "email",
                string(maxLength=rules.EMAIL_FILTER.max_length, pattern=NO_NUL),
                "The whole email address, in any case (the API reference's exact match,"
                " not the Guide's substring).",
            ),
        ],
        "responses": {
            "200": ok("One page of customers, and how many match.", page),
            **errors(400, 401, 429, 503),
        },
    }


def _get() -> Schema:
    return {
        "operationId": "getCustomer",
        "summary": "Get one customer (an archived one too)",
        "parameters": [_path_id()],
        "responses": {
            "200": ok("The customer.", customer_schema()),
            **errors(
                400, 401, 404, 429, 503, described={400: "The id is no UUID.", 404: _NOT_FOUND}
            ),
        },
    }


def _update() -> Schema:
    body = annotated(
        body_schema(UPDATE_FIELDS, partial=True),
        _UPDATE,
        description="The fields to change, each checked as on create. Unknown fields are ignored.",
    )
    return {
        "operationId": "updateCustomer",
        "summary": "Change a customer",
        "parameters": [_path_id(), idempotency_key()],
        "requestBody": _body(body),
        "responses": {
            "200": ok(
                "The customer as changed (or, on an idempotent replay, the first response).",
                customer_schema(),
                **{REPLAY_HEADER: _replayed()},
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
                described={404: _NOT_FOUND, 409: _EMAIL_TAKEN},
            ),
        },
    }


def _delete() -> Schema:
    deleted = response_object(
        {
            "success": {"type": "boolean", "const": True},
            "message": {"type": "string", "const": "Customer successfully deleted"},
            "deletedAt": _TIMESTAMP,
            "customerId": string(format="uuid"),
        },
        description="The Developers rendering.",
    )
    return {
        "operationId": "deleteCustomer",
        "summary": "Delete a customer",
        "description": (
            "A customer invoices refer to is archived: kept with status DELETED (GET still"
            " reads it, the list shows it for status=DELETED); any other is removed."
            " Deleting an archived customer again answers as the first delete did."
        ),
        "parameters": [_path_id(), idempotency_key()],
        "responses": {
            "200": ok("The customer is deleted.", deleted, **{REPLAY_HEADER: _replayed()}),
            **errors(400, 401, 404, 409, 422, 429, 503, described={404: _NOT_FOUND}),
        },
    }
