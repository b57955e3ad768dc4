"""OpenTelemetry traces, off unless the OTEL_* environment turns them on (settings.py).

On, `start_tracing` sets up the SDK and the official instrumentations (httpx, Redis,
SQLAlchemy; ASGI through `server_middleware`); off, nothing of the SDK is imported.
"""

from __future__ import annotations

from starlette.middleware import Middleware

from gateway.tracing.settings import TraceSettings


def start_tracing(settings: TraceSettings, component: str) -> bool:
    """Installs tracing in this process if `settings` turn it on; whether they do.
    `component` ("gateway", "worker") names the default service."""
    if not settings.enabled:
        return False
    from gateway.tracing.install import install_tracing

    install_tracing(settings, component)
    return True


def server_middleware(settings: TraceSettings) -> list[Middleware]:
    """The ASGI middleware that opens a span per request; none when tracing is off."""
    if not settings.enabled:
        return []
    from gateway.tracing.install import server_middleware as traced_requests

    return [traced_requests()]
