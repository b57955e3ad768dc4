"""Identifier formats: canonical UUIDs and the opaque ids the v0 API uses."""

from __future__ import annotations

import re

IDENTIFIER_PATTERN = "^[A-Za-z0-9_-]{1,64}$"

UUID_PATTERN = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"

_UUID = re.compile(UUID_PATTERN)
_IDENTIFIER = re.compile(IDENTIFIER_PATTERN)


def is_uuid(value: str) -> bool:
    return _UUID.fullmatch(value) is not None


def is_identifier(value: str) -> bool:
    """Opaque ids such as 'prod_123456789' or 'abcd1234-5678-90ef-ghij-klmnopqrstuv'."""
    return _IDENTIFIER.fullmatch(value) is not None
