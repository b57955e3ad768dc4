"""The tax operations (gateway.rest.taxes): create, list, read, change, delete, and the
answers to PUT and DELETE without an id. Their bodies come from the v0 field table
(gateway.rest.v0_tax_body) like the invoice bodies do."""

from __future__ import annotations

from typing import Any

from gateway.domain.taxes import MAX_NAME_LENGTH, MAX_PERCENTAGE
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
from gateway.rest.v0_tax_body import TAX_FIELDS

# A tax id from the demo data: the fuzzer starts from it.
TAX_EXAMPLE = "tax_550e8400-e29b-41d4-a716-446655440123"
_NOT_FOUND = "Tax not found (in this app)."
_TIMESTAMP = string(format="date-time", description="UTC, e.g. 2024-01-15T10:30:00.000Z.")
_APP_IDS = (
    "The apps the tax is for. A tax belongs to the app that creates it (the gateway has no"
    " businesses of several apps): the only id allowed is the calling app's own; any other"
    " is a 400 naming it. Absent, null or [] means the calling app."
)
_OVERLAY: Overlay = {
    "name": {"pattern": NO_NUL, "description": "Tax name."},
    "percentage": {"description": "Percent of the invoice subtotal, e.g. 8.5."},
    "description": {"pattern": NO_NUL, "description": "Free text; null clears it."},
    "active": {"description": "Default true."},
    "appIds": {"description": _APP_IDS},
}


def tax_paths() -> dict[str, Any]:
    return {
        "/api/v0/taxes": {
            "post": _create(),
            "get": _list(),
            "put": _without_id("put", "PUT", "update"),
            "delete": _without_id("delete", "DELETE", "delete"),
        },
        "/api/v0/taxes/{tax_id}": {
            "get": _get(),
            "put": _update("updateTax", "Change a tax"),
            "patch": _update("patchTax", "Change a tax (same as PUT)"),
            "delete": _delete(),
        },
    }


def tax_schema() -> Schema:
    """The v0 tax (API reference), as gateway.services.tax_json writes it."""
    return response_object(
        {
            "id": string(),
            "name": string(),
            "description": nullable(string()),
            "percentage": {"type": "number", "minimum": 0, "maximum": int(MAX_PERCENTAGE)},
            "active": {"type": "boolean", "description": "False once archived."},
            "created_at": _TIMESTAMP,
            "updated_at": _TIMESTAMP,
        },
        description="A tax of one percentage.",
    )


def _body(*, partial: bool, description: str) -> Schema:
    schema = annotated(body_schema(TAX_FIELDS, partial=partial), _OVERLAY, description=description)
    return {"required": True, "content": json_content(schema)}


def _tax_id() -> Schema:
    return {
        "name": "tax_id",
        "in": "path",
        "required": True,
        "description": "Any id: one that names no tax of this app is a 404 (no format check).",
        "schema": string(),
        "example": TAX_EXAMPLE,
    }


def _create() -> Schema:
    replayed = header(
        "Present on a replay of an earlier response.",
        {"type": "string", "const": "true"},
        required=False,
    )
    return {
        "operationId": "createTax",
        "summary": "Create a tax",
        "description": "A tax of one percentage, added on top of the invoice subtotal.",
        "parameters": [idempotency_key()],
        "requestBody": _body(partial=False, description="Unknown fields are ignored."),
        "responses": {
            "201": ok(
                "The tax (or, on an idempotent replay, the first response).",
                tax_schema(),
                **{REPLAY_HEADER: replayed},
            ),
            **errors(400, 401, 409, 413, 422, 429, 503),
        },
    }


def _list() -> Schema:
    name = string(maxLength=MAX_NAME_LENGTH, pattern=NO_NUL)
    return {
        "operationId": "listTaxes",
        "summary": "List taxes, oldest first",
        "description": (
            "The API-reference variant: skip, take, name and active are honoured (the Guide"
            " says the current Devdraft service ignores them). A bare array, no total."
        ),
        "parameters": [
            *paging("Taxes"),
            query_parameter("name", name, "Only taxes whose name contains this, in any case."),
            query_parameter("active", {"type": "boolean"}, "Only active (or archived) taxes."),
        ],
        "responses": {
            "200": ok("One page of taxes.", {"type": "array", "items": tax_schema()}),
            **errors(400, 401, 429, 503),
        },
    }


def _without_id(operation: str, method: str, verb: str) -> Schema:
    return {
        "operationId": f"{operation}TaxWithoutId",
        "summary": f"{method} without a tax id",
        "description": f"Always a 400 saying to {verb} a tax at /api/v0/taxes/{{id}}.",
        "responses": errors(400, 401, 429, 503, described={400: "The tax id is missing."}),
    }


def _get() -> Schema:
    return {
        "operationId": "getTax",
        "summary": "Get one tax",
        "description": "An archived tax (active false) is still found.",
        "parameters": [_tax_id()],
        "responses": {
            "200": ok("The tax.", tax_schema()),
            **errors(401, 404, 429, 503, described={404: _NOT_FOUND}),
        },
    }


def _update(operation_id: str, summary: str) -> Schema:
    return {
        "operationId": operation_id,
        "summary": summary,
        "description": (
            "The fields sent change (null leaves active and appIds as they are, and clears"
            " description). A new percentage applies to invoices priced from now on: issued"
            " invoices keep their tax amounts. The percentage of a FIXED or compound demo"
            " tax cannot change (400)."
        ),
        "parameters": [_tax_id()],
        "requestBody": _body(partial=True, description="Every field optional."),
        "responses": {
            "200": ok("The changed tax.", tax_schema()),
            **errors(401, 400, 404, 413, 429, 503, described={404: _NOT_FOUND}),
        },
    }


def _delete() -> Schema:
    return {
        "operationId": "deleteTax",
        "summary": "Delete a tax",
        "description": (
            "Answers the deleted tax (the Guide's body; the API reference describes only"
            ' "Successfully deleted tax"). A tax invoices use is archived instead: kept,'
            " readable, active false."
        ),
        "parameters": [_tax_id()],
        "responses": {
            "200": ok("The tax as deleted (or archived).", tax_schema()),
            **errors(401, 404, 429, 503, described={404: _NOT_FOUND}),
        },
    }
