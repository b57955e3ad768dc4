"""The fingerprint an idempotency key is bound to: surface + operation + canonical input."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Any

import orjson


def _exact(value: Any) -> Any:
    if isinstance(value, Decimal):
        return orjson.Fragment(format(value, "f"))
    raise TypeError(f"{type(value).__name__} cannot be fingerprinted")


def request_fingerprint(surface: str, operation: str, payload: object) -> str:
    """SHA-256 over "<surface> <operation>" and the payload as JSON with sorted keys.

    Including the surface keeps one key from being replayed across surfaces: the same
    key sent to REST and then to GraphQL is another request (IDEMPOTENCY_KEY_REUSED).
    """
    body = orjson.dumps(payload, default=_exact, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(f"{surface} {operation}\n".encode() + body).hexdigest()
