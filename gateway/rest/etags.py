"""Invoice versions as HTTP entity tags (RFC 9110 8.8.3, 13.1.1): the ETag of an invoice's
responses, and the versions an If-Match header accepts.

The tag is strong, "<invoice id>-<version>". If-Match compares it ignoring a W/ prefix
(a proxy that compresses a response may weaken its ETag; the version still names the
invoice's state exactly). `*` accepts any version of an existing invoice; a header that
names no version of this invoice accepts none, so the change is refused (412). A header
that is neither `*` nor a list of entity tags is a 400.
"""

from __future__ import annotations

import re

from starlette.datastructures import Headers

from gateway.domain.errors import InvalidInput
from gateway.domain.problems import Problem
from gateway.domain.versions import Expected

ETAG = "ETag"
IF_MATCH = "If-Match"

_TAG = r'(?:W/)?"([\x21\x23-\x7e]*)"'  # RFC 9110 entity-tag, ASCII etagc
_TAGS = re.compile(rf"\*|{_TAG}(?:[ \t]*,[ \t]*{_TAG})*")
_ENTITY_TAG = re.compile(_TAG)
_MALFORMED = Problem(
    (), "INVALID_IF_MATCH", 'If-Match must be * or a comma-separated list of entity tags ("...")'
)
_MAX_VERSION_DIGITS = 18


def etag(invoice_id: str, version: int) -> str:
    return f'"{invoice_id}-{version}"'


def if_match(headers: Headers, invoice_id: str) -> Expected:
    """The versions of `invoice_id` the request's If-Match accepts; None: any (no
    If-Match, or `*`)."""
    fields = headers.getlist(IF_MATCH)
    if not fields:
        return None
    value = ", ".join(field.strip() for field in fields)
    if not _TAGS.fullmatch(value):
        raise InvalidInput([_MALFORMED])
    if value == "*":
        return None
    prefix = f"{invoice_id}-"
    versions: set[int] = set()
    for opaque in _ENTITY_TAG.findall(value):
        number = opaque.removeprefix(prefix) if opaque.startswith(prefix) else ""
        if number.isascii() and number.isdigit() and len(number) <= _MAX_VERSION_DIGITS:
            versions.add(int(number))
    return frozenset(versions)
