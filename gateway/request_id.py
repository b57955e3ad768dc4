"""A request's id: the caller's `X-Request-Id` when it is usable, else the trace id of
its W3C `traceparent`, else a new one. Every log line of the request carries it and the
response returns it in `X-Request-Id`, so a caller can quote it and an operator find it."""

from __future__ import annotations

import re
import uuid

from starlette.datastructures import Headers

# Printable ASCII without spaces, as proxies and tracing tools send it (uuids, hex, ULIDs).
_USABLE_ID = re.compile(r"[!-~]{1,128}")
# version-traceid-parentid-flags; version ff and all-zero ids are invalid (W3C Trace Context).
_TRACEPARENT = re.compile(
    r"(?!ff)[0-9a-f]{2}-(?!0{32})([0-9a-f]{32})-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}(?:$|-)"
)


def new_request_id() -> str:
    return uuid.uuid4().hex


def request_id_for(headers: Headers) -> str:
    given = headers.get("x-request-id")
    if given is not None and _USABLE_ID.fullmatch(given):
        return given
    traceparent = headers.get("traceparent")
    if traceparent is not None:
        trace = _TRACEPARENT.match(traceparent.strip())
        if trace is not None:
            return trace.group(1)
    return new_request_id()
