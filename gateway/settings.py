"""One Settings object, read from the environment once and passed in."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./invoice_gateway.db"


class SettingsError(ValueError):
    """An environment variable holds a value the gateway cannot use."""


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be an integer, got {raw!r}") from exc
    if value <= 0:
        raise SettingsError(f"{name} must be positive, got {value}")
    return value


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be a number, got {raw!r}") from exc
    if not value > 0 or value == float("inf"):
        raise SettingsError(f"{name} must be positive, got {raw!r}")
    return value


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def normalize_database_url(url: str) -> str:
    """Map plain driver URLs onto the async drivers the gateway uses."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        return "postgresql+asyncpg://" + url[len("postgresql://") :]
    if url.startswith("sqlite:///"):
        return "sqlite+aiosqlite:///" + url[len("sqlite:///") :]
    return url


_ANY_ADDRESS = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}  # noqa: S104


def local_base_url(host: str, port: int) -> str:
    """The URL of a server listening on `host`:`port`, as this machine reaches it: the
    default PUBLIC_BASE_URL of `invoice-gateway serve` (a wildcard host becomes loopback)."""
    host = _ANY_ADDRESS.get(host, host)
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


def is_loopback_host(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    redis_url: str | None = None
    public_base_url: str = "http://127.0.0.1:8000"
    smtp_url: str | None = None
    rate_limit_per_minute: int = 100
    rate_limit_window_seconds: int = 60
    idempotency_ttl_seconds: int = 24 * 60 * 60
    idempotency_lease_seconds: int = 30
    max_body_bytes: int = 256 * 1024
    graphql_introspection: bool = True
    # schema.execution's in-place resolution of plain leaf fields; off runs Strawberry's
    # stock execution (same answers, more CPU), e.g. to rule the override out.
    graphql_execution_shortcut: bool = True
    log_level: str = "info"
    # Webhook URLs on private, loopback or link-local addresses are refused (SSRF)
    # unless this is set; for local development and tests only.
    allow_private_webhook_urls: bool = False
    webhook_timeout_seconds: float = 10.0
    worker_poll_interval_seconds: float = 1.0
    # Outbox retries: base * 2^(attempt - 1), jittered, capped at an hour; then dead.
    outbox_retry_base_seconds: float = 5.0
    outbox_max_attempts: int = 8

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        return cls(
            database_url=normalize_database_url(env.get("DATABASE_URL") or DEFAULT_DATABASE_URL),
            redis_url=env.get("REDIS_URL") or None,
            public_base_url=(env.get("PUBLIC_BASE_URL") or cls.public_base_url).rstrip("/"),
            smtp_url=env.get("SMTP_URL") or None,
            rate_limit_per_minute=_int(env, "RATE_LIMIT_PER_MINUTE", cls.rate_limit_per_minute),
            rate_limit_window_seconds=_int(
                env, "RATE_LIMIT_WINDOW_SECONDS", cls.rate_limit_window_seconds
            ),
            idempotency_ttl_seconds=_int(
                env, "IDEMPOTENCY_TTL_SECONDS", cls.idempotency_ttl_seconds
            ),
            idempotency_lease_seconds=_int(
                env, "IDEMPOTENCY_LEASE_SECONDS", cls.idempotency_lease_seconds
            ),
            max_body_bytes=_int(env, "MAX_BODY_BYTES", cls.max_body_bytes),
            graphql_introspection=_bool(env, "GRAPHQL_INTROSPECTION", True),
            graphql_execution_shortcut=_bool(env, "GRAPHQL_EXECUTION_SHORTCUT", True),
            log_level=env.get("LOG_LEVEL") or cls.log_level,
            allow_private_webhook_urls=_bool(env, "ALLOW_PRIVATE_WEBHOOK_URLS", False),
            webhook_timeout_seconds=_float(
                env, "WEBHOOK_TIMEOUT_SECONDS", cls.webhook_timeout_seconds
            ),
            worker_poll_interval_seconds=_float(
                env, "WORKER_POLL_INTERVAL_SECONDS", cls.worker_poll_interval_seconds
            ),
            outbox_retry_base_seconds=_float(
                env, "OUTBOX_RETRY_BASE_SECONDS", cls.outbox_retry_base_seconds
            ),
            outbox_max_attempts=_int(env, "OUTBOX_MAX_ATTEMPTS", cls.outbox_max_attempts),
        )

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
