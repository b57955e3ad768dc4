"""Maps the gateway's error tree onto NestJS-style JSON bodies, once."""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from starlette.responses import Response

from gateway.domain.errors import (
    GatewayError,
    InvalidInput,
    RateLimited,
    RequestTimeout,
    ServiceUnavailable,
)
from gateway.encoding import dumps

# Where NestJS names a status differently from the RFC phrase Python knows.
_NEST_PHRASES = {413: "Payload Too Large"}


def nest_error_body(status: int, message: str | list[str]) -> dict[str, Any]:
    phrase = _NEST_PHRASES.get(status) or HTTPStatus(status).phrase
    return {"statusCode": status, "message": message, "error": phrase}


def error_body(exc: GatewayError) -> dict[str, Any]:
    message: str | list[str] = exc.messages if isinstance(exc, InvalidInput) else exc.message
    body = nest_error_body(exc.status_code, message)
    if isinstance(exc, RateLimited):
        body["retryAfter"] = exc.retry_after
    return body


def json_response(status: int, content: Any, headers: Mapping[str, str] | None = None) -> Response:
    return Response(dumps(content), status, headers, media_type="application/json")


def error_response(exc: GatewayError) -> Response:
    headers: dict[str, str] | None = None
    if isinstance(exc, RateLimited | ServiceUnavailable):
        headers = {"Retry-After": str(exc.retry_after)}
    elif isinstance(exc, RequestTimeout):
        # The rest of the body may still arrive: the connection cannot carry another request.
        headers = {"Connection": "close"}
    return json_response(exc.status_code, error_body(exc), headers)
