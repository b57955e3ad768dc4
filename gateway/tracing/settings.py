"""TraceSettings: which OTEL_* variables switch traces on, read with the other settings.

Traces are on when an exporter is named (OTEL_TRACES_EXPORTER other than `none`) or an
OTLP endpoint is given (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT),
and OTEL_SDK_DISABLED is not true. The SDK reads the other OTEL_* variables itself when
tracing is installed (sampler, resource attributes, exporter headers and timeouts).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

EXPORTERS = frozenset({"otlp", "console"})
# The OTLP exporter installed is the HTTP one (protobuf bodies), not gRPC.
OTLP_PROTOCOL = "http/protobuf"
_ENDPOINTS = ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT")
_PROTOCOLS = ("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL")
_TRUE = {"1", "true", "yes", "on"}


class GraphQLSpans(StrEnum):
    """What a GraphQL operation adds to a trace."""

    NONE = "none"
    OPERATION = "operation"  # one span per operation, named after it
    RESOLVERS = "resolvers"  # and one per resolver call under it


class TraceSettingsError(ValueError):
    """An OTEL_* variable holds a value the gateway cannot use."""


@dataclass(frozen=True)
class TraceSettings:
    # Where spans go: "otlp" (OTLP over HTTP), "console" (stdout), or both. Empty: off.
    exporters: frozenset[str] = frozenset()
    # OTEL_SERVICE_NAME; None: "invoice-gateway", or "invoice-gateway-worker" for the worker.
    service_name: str | None = None
    # A span per resolver call (not per plain field) under the operation's span.
    resolver_spans: bool = False

    @property
    def enabled(self) -> bool:
        return bool(self.exporters)

    @property
    def graphql_spans(self) -> GraphQLSpans:
        if not self.enabled:
            return GraphQLSpans.NONE
        return GraphQLSpans.RESOLVERS if self.resolver_spans else GraphQLSpans.OPERATION

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> TraceSettings:
        resolver_spans = _flag(env, "OTEL_GRAPHQL_RESOLVER_SPANS")
        if _flag(env, "OTEL_SDK_DISABLED"):
            return cls(resolver_spans=resolver_spans)
        named = [
            name.strip().lower()
            for name in (env.get("OTEL_TRACES_EXPORTER") or "").split(",")
            if name.strip()
        ]
        unknown = sorted(set(named) - EXPORTERS - {"none"})
        if unknown:
            raise TraceSettingsError(
                f"OTEL_TRACES_EXPORTER: {', '.join(unknown)} is not one of none, otlp, console"
            )
        if "none" in named:
            exporters: frozenset[str] = frozenset()
        elif named:
            exporters = frozenset(named)
        else:
            exporters = frozenset({"otlp"}) if any(env.get(n) for n in _ENDPOINTS) else frozenset()
        if "otlp" in exporters:
            for name in _PROTOCOLS:
                protocol = (env.get(name) or OTLP_PROTOCOL).strip()
                if protocol != OTLP_PROTOCOL:
                    raise TraceSettingsError(
                        f"{name} must be {OTLP_PROTOCOL} (the exporter installed), got {protocol!r}"
                    )
        return cls(
            exporters=exporters,
            service_name=(env.get("OTEL_SERVICE_NAME") or "").strip() or None,
            resolver_spans=resolver_spans,
        )


def _flag(env: Mapping[str, str], name: str) -> bool:
    return (env.get(name) or "").strip().lower() in _TRUE
