"""The NestJS-style error bodies gateway.http_errors writes, and the error answers."""

from __future__ import annotations

from gateway.http_errors import nest_error_body
from gateway.rest.openapi.formats import ETAG
from gateway.rest.openapi.fragments import (
    Schema,
    header,
    json_content,
    ref,
    response_object,
    string,
)
from gateway.rest.openapi.responses import rate_limit_headers


def error_schemas() -> dict[str, Schema]:
    """The error bodies, by component name."""
    return {
        "Error": response_object(_error_properties(), description="NestJS-style error body."),
        "RateLimitError": response_object(
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
        "error": string(description="The HTTP reason phrase."),
    }


def _error(status: int, description: str, *, limited: bool = True, schema: str = "Error") -> Schema:
    """An error response; `limited`: it passed the rate limiter, so it has its headers."""
    fixed = nest_error_body(status, "")
    body = {
        "allOf": [
            ref(schema),
            {
                "properties": {
                    "statusCode": {"const": fixed["statusCode"]},
                    "error": {"const": fixed["error"]},
                }
            },
        ]
    }
    response: Schema = {"description": description, "content": json_content(body)}
    if limited:
        response["headers"] = rate_limit_headers()
    return response


def errors(*statuses: int, described: dict[int, str] | None = None) -> dict[str, Schema]:
    """The error responses of `statuses`; `described` words some for one operation."""
    known = {
        400: _error(400, "Invalid input (message is a list) or a broken business rule."),
        401: _error(401, "Missing or invalid x-client-key / x-client-secret.", limited=False),
        404: _error(404, "Customer, wallet, tax or invoice not found (in this app)."),
        409: _error(409, "A request with this idempotency key is still in flight."),
        412: {
            **_error(
                412,
                "If-Match names no current version of the invoice: it changed since. Nothing"
                " was changed; the ETag header names the current version.",
            ),
            "headers": {
                "ETag": header("The invoice's current version.", string(pattern=ETAG)),
                **rate_limit_headers(),
            },
        },
        410: _error(
            410,
            "The cursor has expired: events after it are no longer kept. The message names"
            " the cursor to restart from.",
        ),
        413: _error(413, "Request body too large."),
        415: _error(415, "multipart/form-data is not accepted: send application/json."),
        422: _error(422, "Idempotency key reused with a different request body."),
        429: {
            **_error(429, "Rate limit exceeded.", schema="RateLimitError"),
            "headers": {
                "Retry-After": header("Seconds until the window resets.", {"type": "integer"}),
                **rate_limit_headers(),
            },
        },
        503: {
            **_error(
                503,
                "The database or the idempotency/rate-limit store is unreachable; nothing "
                "was done. Retry after Retry-After seconds (with the same idempotency key).",
                limited=False,
            ),
            "headers": {
                "Retry-After": header("Seconds to wait before retrying.", {"type": "integer"}),
            },
        },
    }
    for status, description in (described or {}).items():
        known[status] = {**known[status], "description": description}
    return {str(status): known[status] for status in statuses}
