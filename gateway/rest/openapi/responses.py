"""What every answer that passed the rate limiter carries, and the successful answers."""

from __future__ import annotations

from gateway.rest.openapi.fragments import Schema, header, json_content

_RATE_LIMIT_HEADERS: dict[str, tuple[str, Schema]] = {
    "X-RateLimit-Limit": ("Requests allowed per window.", {"type": "integer", "minimum": 0}),
    "X-RateLimit-Remaining": ("Requests left in this window.", {"type": "integer", "minimum": 0}),
    "X-RateLimit-Reset": ("Unix time (seconds) the window resets.", {"type": "integer"}),
    "RateLimit-Policy": ('IETF draft policy, e.g. `"default";q=100;w=60`.', {"type": "string"}),
    "RateLimit": ('IETF draft state, e.g. `"default";r=99;t=60`.', {"type": "string"}),
}


def rate_limit_headers() -> dict[str, Schema]:
    return {
        name: header(description, schema)
        for name, (description, schema) in _RATE_LIMIT_HEADERS.items()
    }


def ok(description: str, schema: Schema, **headers: Schema) -> Schema:
    """A successful JSON answer of `schema`, with `headers` besides the rate-limit ones."""
    return {
        "description": description,
        "headers": {**headers, **rate_limit_headers()},
        "content": json_content(schema),
    }
