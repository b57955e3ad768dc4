"""JSON encoding with orjson; Decimals are written as exact JSON numbers, and request
bodies are read with their numbers exact (`loads_exact`)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import orjson

# The integers orjson reads and writes as such.
_INT_MIN = -(2**63)
_UINT_MAX = 2**64 - 1


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return orjson.Fragment(format(value, "f"))
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def dumps(value: Any) -> bytes:
    return orjson.dumps(value, default=_default)


def loads(data: bytes | str) -> Any:
    return orjson.loads(data)


def loads_exact(data: bytes | str) -> Any:
    """JSON whose every number is exact: a number a float holds exactly stays a float, an
    integer orjson can write stays an int; any other (2712.4999999999999999 would be 2712.5;
    orjson reads an integer past 64 bits as a float) is a Decimal of its digits.

    orjson judges the syntax (invalid JSON raises orjson.JSONDecodeError) and parses the
    usual body, which has no such number; only a body with a float is parsed again."""
    value = orjson.loads(data)
    if not _has_float(value):
        return value
    try:
        return json.loads(data, parse_float=_exact_number, parse_int=_exact_integer)
    except RecursionError:  # as deep as orjson allows (1024), deeper than Python recurses
        raise orjson.JSONDecodeError("JSON nested too deeply", "", 0) from None


def _has_float(value: Any) -> bool:
    pending = [value]
    while pending:  # not recursive: a body may nest as deep as orjson allows
        item = pending.pop()
        if isinstance(item, float):
            return True
        if isinstance(item, dict):
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def _exact_integer(digits: str) -> int | Decimal:
    number = int(digits)  # at most 310 digits: orjson refused larger numbers as infinite
    return number if _INT_MIN <= number <= _UINT_MAX else Decimal(digits)


def _exact_number(digits: str) -> float | Decimal:
    number = float(digits)
    exact = Decimal(digits)
    # A finite float's repr is the shortest string that reads back as it (0.1, not 0.1000...).
    return number if Decimal(repr(number)) == exact else exact
