"""Which OTEL_* variables switch traces on, and what the gateway refuses."""

from __future__ import annotations

import pytest

from gateway.settings import Settings
from gateway.tracing.settings import GraphQLSpans, TraceSettings, TraceSettingsError


@pytest.mark.parametrize(
    ("env", "exporters"),
    [
        ({}, set()),
        ({"OTEL_SERVICE_NAME": "billing"}, set()),
        ({"OTEL_TRACES_EXPORTER": "none"}, set()),
        ({"OTEL_TRACES_EXPORTER": "otlp"}, {"otlp"}),
        ({"OTEL_TRACES_EXPORTER": "console, OTLP"}, {"otlp", "console"}),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}, {"otlp"}),
        ({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://c:4318/v1/traces"}, {"otlp"}),
        ({"OTEL_TRACES_EXPORTER": "none", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://c"}, set()),
        ({"OTEL_TRACES_EXPORTER": "otlp", "OTEL_SDK_DISABLED": "true"}, set()),
    ],
)
def test_the_switch(env: dict[str, str], exporters: set[str]) -> None:
    tracing = Settings.from_env(env).tracing
    assert (tracing.exporters, tracing.enabled) == (exporters, bool(exporters))


def test_service_name_and_resolver_spans() -> None:
    assert Settings.from_env({}).tracing == TraceSettings()
    tracing = TraceSettings.from_env(
        {
            "OTEL_TRACES_EXPORTER": "otlp",
            "OTEL_SERVICE_NAME": " billing ",
            "OTEL_GRAPHQL_RESOLVER_SPANS": "true",
        }
    )
    assert tracing == TraceSettings(frozenset({"otlp"}), "billing", resolver_spans=True)
    assert tracing.graphql_spans is GraphQLSpans.RESOLVERS
    assert TraceSettings(frozenset({"otlp"})).graphql_spans is GraphQLSpans.OPERATION
    # Resolver spans asked for while tracing is off: nothing.
    off = TraceSettings.from_env({"OTEL_GRAPHQL_RESOLVER_SPANS": "true"})
    assert off.graphql_spans is GraphQLSpans.NONE


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"OTEL_TRACES_EXPORTER": "zipkin,otlp"},
            "OTEL_TRACES_EXPORTER: zipkin is not one of none, otlp, console",
        ),
        (
            {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4317", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"},
            "OTEL_EXPORTER_OTLP_PROTOCOL must be http/protobuf (the exporter installed), "
            "got 'grpc'",
        ),
        (
            {"OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/json"},
            "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL must be http/protobuf (the exporter installed), "
            "got 'http/json'",
        ),
    ],
)
def test_refused(env: dict[str, str], message: str) -> None:
    with pytest.raises(TraceSettingsError) as caught:
        Settings.from_env(env)
    assert str(caught.value) == message


def test_a_protocol_without_otlp_is_not_checked() -> None:
    env = {"OTEL_TRACES_EXPORTER": "console", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"}
    assert TraceSettings.from_env(env).exporters == {"console"}
