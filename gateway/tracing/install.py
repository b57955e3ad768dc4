"""Installs the OpenTelemetry SDK and the official instrumentations, once a process.

Imported only when TraceSettings turn traces on: an untraced process loads none of it.
A process that already has an SDK tracer provider (one set up by `opentelemetry-instrument`,
or a test's) keeps it; otherwise one is built from TraceSettings and the OTEL_* variables
the SDK reads itself, and set as the global provider.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import httpx
from opentelemetry import trace
from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor, RequestInfo
from opentelemetry.instrumentation.redis import RedisInstrumentor
from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    ConsoleSpanExporter,
    SpanExporter,
)
from opentelemetry.trace import Span
from starlette.middleware import Middleware
from starlette.types import Scope

from gateway.log_redaction import REDACTED, redact_tokens
from gateway.tracing.settings import TraceSettings

DEFAULT_SERVICE_NAMES = {"gateway": "invoice-gateway", "worker": "invoice-gateway-worker"}
_SERVER_URL_ATTRIBUTES = ("http.target", "http.url", "url.path", "url.full")
_CLIENT_URL_ATTRIBUTES = ("http.url", "url.full")


def install_tracing(settings: TraceSettings, component: str) -> None:
    """The tracer provider (unless the process has one) and the client instrumentations
    (unless already installed). `component` ("gateway", "worker") names the default
    service."""
    if not isinstance(trace.get_tracer_provider(), TracerProvider):
        trace.set_tracer_provider(_provider(settings, component))
    if not HTTPXClientInstrumentor().is_instrumented_by_opentelemetry:
        HTTPXClientInstrumentor().instrument(async_request_hook=_hide_client_path)
    if not RedisInstrumentor().is_instrumented_by_opentelemetry:
        RedisInstrumentor().instrument()
    if not SQLAlchemyInstrumentor().is_instrumented_by_opentelemetry:
        # Wraps create_async_engine: engines created from now on are traced. Its declared
        # range stops below SQLAlchemy 2.1, whose engine events it uses are unchanged
        # (tests/tracing checks its spans on both databases).
        SQLAlchemyInstrumentor().instrument(skip_dep_check=True)


def server_middleware() -> Middleware:
    """A server span per HTTP request, continuing an incoming traceparent; payment and
    tracking tokens kept out of its name and attributes."""
    return Middleware(
        OpenTelemetryMiddleware,
        default_span_details=_span_details,
        server_request_hook=_hide_server_tokens,
    )


def _provider(settings: TraceSettings, component: str) -> TracerProvider:
    name = settings.service_name or DEFAULT_SERVICE_NAMES[component]
    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: name}))
    for exporter in sorted(settings.exporters):
        provider.add_span_processor(BatchSpanProcessor(_exporter(exporter)))
    return provider


def _exporter(name: str) -> SpanExporter:
    if name == "console":
        return ConsoleSpanExporter()
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    return OTLPSpanExporter()


def _span_details(scope: Scope) -> tuple[str, dict[str, str]]:
    method = str(scope.get("method") or "HTTP")
    return f"{method} {redact_tokens(str(scope.get('path') or '/'))}", {}


def _hide_server_tokens(span: Span, scope: Mapping[str, object]) -> None:
    path = str(scope.get("path") or "")
    if redact_tokens(path) != path:
        _rewrite(span, _SERVER_URL_ATTRIBUTES, redact_tokens)


async def _hide_client_path(span: Span, request: RequestInfo) -> None:
    # A webhook URL's path or query may carry the receiver's token: keep its origin only.
    url = request.url if isinstance(request.url, httpx.URL) else None
    hidden = f"{url.scheme}://{url.netloc.decode()}/{REDACTED}" if url else REDACTED
    _rewrite(span, _CLIENT_URL_ATTRIBUTES, lambda _value: hidden)


def _rewrite(span: Span, keys: tuple[str, ...], rewrite: Callable[[str], str]) -> None:
    """Replaces these string attributes of a recording SDK span, where it has them."""
    attributes = getattr(span, "attributes", None) or {}
    for key in keys:
        value = attributes.get(key)
        if isinstance(value, str):
            span.set_attribute(key, rewrite(value))
