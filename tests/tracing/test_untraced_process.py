"""Off (no OTEL_* switch), a process that serves a request and delivers its webhook
imports nothing of the OpenTelemetry trace SDK, exporters or instrumentations, and its
tracer provider is the API's no-op proxy; on, all of it is there."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
INSTALLED = [
    "opentelemetry.instrumentation.asgi",
    "opentelemetry.instrumentation.httpx",
    "opentelemetry.instrumentation.redis",
    "opentelemetry.instrumentation.sqlalchemy",
    "opentelemetry.sdk.trace",
]


def loaded(database_url: str, env: dict[str, str]) -> tuple[list[str], str]:
    """The tracing modules the process imported, and its tracer provider's class."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    path = os.pathsep.join(filter(None, [str(REPO_ROOT), inherited.get("PYTHONPATH")]))
    result = subprocess.run(
        [sys.executable, "-m", "tests.tracing.process_modules"],
        env={**inherited, "PYTHONPATH": path, "DATABASE_URL": database_url, **env},
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    [line] = [line for line in result.stdout.splitlines() if line.startswith("LOADED ")]
    answer = json.loads(line.removeprefix("LOADED "))
    return answer["modules"], answer["provider"]


def test_off_nothing_is_imported(migrated_database_url: str) -> None:
    assert loaded(migrated_database_url, {}) == ([], "ProxyTracerProvider")


@pytest.mark.parametrize(
    "env",
    [
        {"OTEL_TRACES_EXPORTER": "console"},
        {"OTEL_TRACES_EXPORTER": "console", "OTEL_GRAPHQL_RESOLVER_SPANS": "true"},
    ],
)
def test_on_the_sdk_and_instrumentations_are(
    migrated_database_url: str, env: dict[str, str]
) -> None:
    modules, provider = loaded(migrated_database_url, env)
    assert [name for name in INSTALLED if name not in modules] == []
    # The exporter named, and only it.
    assert "opentelemetry.exporter.otlp.proto.http.trace_exporter" not in modules
    assert provider == "TracerProvider"
