"""The trace context an outbox message carries: taken from the request that writes the
row, continued by the worker that delivers it, so the delivery joins the request's trace.

Stored as JSON, {"traceparent": ..., "tracestate": ...} (W3C Trace Context), in
OutboxMessage.trace_context; None when no span was recording (tracing off).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.trace import Span, SpanKind, Status, StatusCode
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from gateway.db.tables import OutboxMessage

# The column's size; a longer tracestate is dropped (it is optional, the trace goes on).
MAX_LENGTH = 512
_W3C = TraceContextTextMapPropagator()
_tracer = trace.get_tracer("gateway.delivery")


def current_trace_context() -> str | None:
    """The current span's traceparent (and tracestate), or None without one."""
    if not trace.get_current_span().get_span_context().is_valid:
        return None
    carrier: dict[str, str] = {}
    _W3C.inject(carrier)
    text = json.dumps(carrier, separators=(",", ":"))
    if len(text) > MAX_LENGTH:
        carrier.pop("tracestate", None)
        text = json.dumps(carrier, separators=(",", ":"))
    return text


def _parent(trace_context: str | None) -> Context | None:
    if not trace_context:
        return None
    try:
        carrier = json.loads(trace_context)
    except ValueError:
        return None
    if not isinstance(carrier, dict):
        return None
    return _W3C.extract({str(key): str(value) for key, value in carrier.items()})


@contextmanager
def delivery_span(message: OutboxMessage) -> Iterator[Span]:
    """A span for one delivery attempt, a child of the span that wrote the message (a new
    trace when it carries none). The caller records the outcome (`failed`)."""
    with _tracer.start_as_current_span(
        f"deliver {message.channel} {message.event_type}",
        context=_parent(message.trace_context),
        kind=SpanKind.CONSUMER,
        attributes={
            "outbox.message_id": message.id,
            "outbox.channel": message.channel,
            "outbox.event_type": message.event_type,
            "outbox.attempt": message.attempts + 1,
        },
    ) as span:
        yield span


def failed(span: Span, reason: str) -> None:
    span.set_status(Status(StatusCode.ERROR, reason))
