"""Reading a JSON request body with a size cap and exact numbers (gateway.encoding); every
failure is a 400 or 413."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request

from gateway.domain.errors import InvalidInput, PayloadTooLarge
from gateway.encoding import loads_exact


async def read_json(
    request: Request, max_bytes: int, *, optional: bool = False
) -> tuple[Any, bytes]:
    """The parsed JSON body and its bytes; `optional`: no body at all (only whitespace)
    is (None, b"") rather than invalid JSON."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise PayloadTooLarge(f"Request body must not exceed {max_bytes} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise PayloadTooLarge(f"Request body must not exceed {max_bytes} bytes")
        chunks.append(chunk)
    raw = b"".join(chunks)
    if optional and not raw.strip():
        return None, b""
    try:
        return loads_exact(raw), raw
    except orjson.JSONDecodeError:
        raise InvalidInput(["request body must be valid JSON"]) from None
