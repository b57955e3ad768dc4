"""One Settings object, read from the environment once and passed in."""

from __future__ import annotations

import contextlib
import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from gateway.log_config import LOG_FORMATS, LOG_LEVELS
from gateway.secret_box import is_fernet_key
from gateway.tracing.settings import TraceSettings

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./invoice_gateway.db"


class SettingsError(ValueError):
    """An environment variable holds a value the gateway cannot use."""


def _int(env: Mapping[str, str], name: str, default: int, *, minimum: int = 1) -> int:
    """An integer of at least `minimum` (0 where it is meaningful: no overflow, off)."""
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be an integer, got {raw!r}") from exc
    if value < minimum:
        bound = "positive" if minimum == 1 else f"{minimum} or more"
        raise SettingsError(f"{name} must be {bound}, got {value}")
    return value


def _count(env: Mapping[str, str], name: str, default: int) -> int:
    return _int(env, name, default, minimum=0)


def _port(env: Mapping[str, str], name: str, default: int) -> int:
    port = _count(env, name, default)
    if port > 65535:
        raise SettingsError(f"{name} must be a TCP port (0-65535), got {port}")
    return port


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


def _choice(env: Mapping[str, str], name: str, default: str, choices: tuple[str, ...]) -> str:
    raw = (env.get(name) or default).strip().lower()
    if raw not in choices:
        raise SettingsError(f"{name} must be one of {', '.join(choices)}, got {raw!r}")
    return raw


def _keys(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    """A comma-separated list of Fernet keys (never echoed back in an error)."""
    keys = tuple(key.strip() for key in (env.get(name) or "").split(",") if key.strip())
    for position, key in enumerate(keys, start=1):
        if not is_fernet_key(key):
            raise SettingsError(
                f"{name}: key {position} is not a Fernet key (32 bytes, url-safe base64)"
            )
    return keys


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
class DatabasePool:
    """The PostgreSQL connection pool of one process (SQLite ignores it).

    One process opens at most `size + max_overflow` connections, so the sizing rule is
    replicas x workers x (size + max_overflow) + worker processes x the same
    <= the server's max_connections minus its reserved ones and some room for psql and
    migrations. The defaults (15 per process) let 2 replicas x 2 workers plus 1 worker
    process fit PostgreSQL's default of 100 with room to spare.
    """

    # A uvloop worker on one core rarely has more than ~10 requests inside the
    # database at once; the overflow absorbs bursts and is closed when returned.
    size: int = 10
    max_overflow: int = 5
    # How long a request waits for a free connection before failing.
    timeout_seconds: float = 10.0
    # Connections older than this are replaced when next checked out (0: never).
    recycle_seconds: int = 1800
    # PostgreSQL closes a session idle this long (idle_session_timeout, PostgreSQL 14+),
    # and the pool hands out its most recently used connection first, so connections a
    # burst opened die off when the load drops (0: keep them). Not sent to PgBouncer,
    # which closes idle server connections itself (server_idle_timeout).
    idle_timeout_seconds: int = 300
    # Prepared statements kept per connection (SQLAlchemy's and asyncpg's caches).
    statement_cache_size: int = 100
    # Behind PgBouncer in transaction pooling mode: no statement caches and a unique
    # name per prepared statement, since consecutive transactions of one client
    # connection may run on different server connections.
    pgbouncer: bool = False

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> DatabasePool:
        pgbouncer = _bool(env, "DB_PGBOUNCER", False)
        cache_size = _count(env, "DB_STATEMENT_CACHE_SIZE", cls.statement_cache_size)
        if pgbouncer and env.get("DB_STATEMENT_CACHE_SIZE") and cache_size:
            raise SettingsError("DB_STATEMENT_CACHE_SIZE must be 0 with DB_PGBOUNCER=true")
        return cls(
            size=_int(env, "DB_POOL_SIZE", cls.size),
            max_overflow=_count(env, "DB_MAX_OVERFLOW", cls.max_overflow),
            timeout_seconds=_float(env, "DB_POOL_TIMEOUT_SECONDS", cls.timeout_seconds),
            recycle_seconds=_count(env, "DB_POOL_RECYCLE_SECONDS", cls.recycle_seconds),
            idle_timeout_seconds=_count(env, "DB_IDLE_TIMEOUT_SECONDS", cls.idle_timeout_seconds),
            statement_cache_size=0 if pgbouncer else cache_size,
            pgbouncer=pgbouncer,
        )


_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9a-z-]+")
_HOST = re.compile(r"[a-z0-9.-]+|[0-9a-f:.]+")
_CORS_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def _list(env: Mapping[str, str], name: str) -> tuple[str, ...] | None:
    """A comma-separated list, None when the variable is unset or empty."""
    items = tuple(item.strip() for item in (env.get(name) or "").split(",") if item.strip())
    return items or None


def _is_origin(value: str) -> bool:
    parts = urlsplit(value)
    try:
        parts.port  # noqa: B018  (raises on a port that is not a number in range)
    except ValueError:
        return False
    return (
        parts.scheme in {"http", "https"}
        and _HOST.fullmatch(parts.hostname or "") is not None
        and "@" not in parts.netloc
        and f"{parts.scheme}://{parts.netloc}" == value
    )


def _origin(name: str, value: str) -> str:
    """An origin as a browser sends it: scheme://host[:port], nothing after."""
    origin = value.lower()
    if not _is_origin(origin):
        raise SettingsError(
            f"{name}: {value!r} is not an origin (scheme://host[:port], no path, no wildcard)"
        )
    return origin


@dataclass(frozen=True)
class CorsPolicy:
    """Which browser origins may call the API (gateway.cors); no origins: CORS is off.

    Origins are exact: a wildcard would hand every site's pages the answers to requests
    their visitors' browsers make. Clients authenticate with headers, never cookies, so
    credentialed requests are not allowed."""

    allow_origins: tuple[str, ...] = ()
    allow_methods: tuple[str, ...] = ("GET", "POST", "PUT", "PATCH", "DELETE")
    allow_headers: tuple[str, ...] = (
        "x-client-key",
        "x-client-secret",
        "idempotency-key",
        "x-idempotency-key",
        "content-type",
        "if-match",
        "x-request-id",
    )
    # How long a browser may reuse a preflight answer.
    max_age_seconds: int = 600

    @property
    def enabled(self) -> bool:
        return bool(self.allow_origins)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> CorsPolicy:
        origins = tuple(
            _origin("CORS_ALLOW_ORIGINS", o) for o in _list(env, "CORS_ALLOW_ORIGINS") or ()
        )
        methods = tuple(m.upper() for m in _list(env, "CORS_ALLOW_METHODS") or cls.allow_methods)
        for method in methods:
            if method not in _CORS_METHODS:
                raise SettingsError(
                    f"CORS_ALLOW_METHODS: {method!r} is not one of {', '.join(_CORS_METHODS)}"
                )
        headers = tuple(h.lower() for h in _list(env, "CORS_ALLOW_HEADERS") or cls.allow_headers)
        for header in headers:
            if not _HEADER_NAME.fullmatch(header) or header == "*":
                raise SettingsError(f"CORS_ALLOW_HEADERS: {header!r} is not a header name")
        return cls(
            allow_origins=origins,
            allow_methods=methods,
            allow_headers=headers,
            max_age_seconds=_count(env, "CORS_MAX_AGE", cls.max_age_seconds),
        )


def _seconds_or_off(env: Mapping[str, str], name: str, default: float) -> float:
    """A duration in seconds, or 0 for off."""
    raw = (env.get(name) or "").strip()
    with contextlib.suppress(ValueError):
        if raw and float(raw) == 0:
            return 0.0
    return _float(env, name, default)


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    database_pool: DatabasePool = DatabasePool()
    redis_url: str | None = None
    # REDIS_URL names one node of a Redis Cluster; the client discovers the rest.
    redis_cluster: bool = False
    public_base_url: str = "http://127.0.0.1:8000"
    smtp_url: str | None = None
    rate_limit_per_minute: int = 100
    rate_limit_window_seconds: int = 60
    idempotency_ttl_seconds: int = 24 * 60 * 60
    idempotency_lease_seconds: int = 30
    max_body_bytes: int = 256 * 1024
    # From the first read of a request body to its last byte; a slower client gets 408.
    body_read_timeout_seconds: float = 10.0
    graphql_introspection: bool = True
    # The most an operation may cost (schema.cost) before it runs.
    graphql_max_cost: int = 10_000
    # schema.execution's in-place resolution of plain leaf fields; off runs Strawberry's
    # stock execution (same answers, more CPU), e.g. to rule the override out.
    graphql_execution_shortcut: bool = True
    # Automatic persisted queries (schema.persisted_queries): a document registered by
    # its SHA-256 is forgotten this long after its last use (the client then sends it
    # once more), and none longer than PERSISTED_QUERY_MAX_BYTES (UTF-8) is accepted.
    persisted_query_ttl_seconds: int = 24 * 60 * 60
    persisted_query_max_bytes: int = 64 * 1024
    # LOG_LEVEL and LOG_FORMAT (gateway.log_config): JSON lines, or `console` for a person.
    log_level: str = "info"
    log_format: str = "json"
    # Webhook URLs on private, loopback or link-local addresses are refused (SSRF)
    # unless this is set; for local development and tests only.
    allow_private_webhook_urls: bool = False
    webhook_timeout_seconds: float = 10.0
    # Fernet keys for webhook signing secrets at rest: the first encrypts, all decrypt.
    # None: the public development key (gateway.secret_box), with a warning.
    webhook_secret_keys: tuple[str, ...] = ()
    # After a secret rotation, deliveries carry signatures by both secrets this long.
    webhook_secret_overlap_seconds: float = 86400.0
    # An endpoint whose every attempt has failed for this long is disabled by the worker.
    webhook_disable_after_seconds: float = 3 * 86400.0
    worker_poll_interval_seconds: float = 1.0
    # Outbox retries: base * 2^(attempt - 1), jittered, capped at an hour; then dead.
    outbox_retry_base_seconds: float = 5.0
    outbox_max_attempts: int = 8
    # A worker's hold on the messages it delivers, renewed every third of it while it
    # lives: a dead worker's messages go to another one within about this long.
    outbox_lease_seconds: float = 30.0
    # How long the event log keeps an event (the pull feed reads from it); the worker
    # deletes older ones.
    event_retention_days: int = 30
    cors: CorsPolicy = CorsPolicy()
    # OpenTelemetry traces: off unless OTEL_TRACES_EXPORTER or an OTLP endpoint is set.
    tracing: TraceSettings = field(default_factory=TraceSettings)
    # Where the PDF fonts are (gateway.delivery.fonts); None: the system's font directories.
    pdf_font_dir: str | None = None
    # The Prometheus listener (gateway.metrics.exposition), never the API's port; port 0:
    # none. The directory where serve's processes add up their values (unset: a
    # temporary one per serve).
    metrics_host: str = "127.0.0.1"
    metrics_port: int = 9100
    metrics_multiproc_dir: str | None = None
    # GraphQL subscriptions: events waiting for one subscriber before it counts as too
    # slow and is disconnected, and how often a process checks the event log for events
    # whose wake-up it missed (a Redis outage; another process on SQLite).
    subscription_queue_size: int = 256
    subscription_poll_seconds: float = 2.0
    # How long a process reuses a credential it read (gateway.credential_cache; 0: reads
    # it for every request) and how many it keeps. A change to a credential or its app
    # reaches every process at once over Redis; the cache is bypassed while that
    # channel is down.
    credential_cache_seconds: float = 10.0
    credential_cache_size: int = 10_000

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        return cls(
            database_url=normalize_database_url(env.get("DATABASE_URL") or DEFAULT_DATABASE_URL),
            database_pool=DatabasePool.from_env(env),
            redis_url=env.get("REDIS_URL") or None,
            redis_cluster=_bool(env, "REDIS_CLUSTER", False),
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
            body_read_timeout_seconds=_float(
                env, "BODY_READ_TIMEOUT_SECONDS", cls.body_read_timeout_seconds
            ),
            graphql_introspection=_bool(env, "GRAPHQL_INTROSPECTION", True),
            graphql_max_cost=_int(env, "GRAPHQL_MAX_COST", cls.graphql_max_cost),
            graphql_execution_shortcut=_bool(env, "GRAPHQL_EXECUTION_SHORTCUT", True),
            persisted_query_ttl_seconds=_int(
                env, "PERSISTED_QUERY_TTL_SECONDS", cls.persisted_query_ttl_seconds
            ),
            persisted_query_max_bytes=_int(
                env, "PERSISTED_QUERY_MAX_BYTES", cls.persisted_query_max_bytes
            ),
            log_level=_choice(env, "LOG_LEVEL", cls.log_level, LOG_LEVELS),
            log_format=_choice(env, "LOG_FORMAT", cls.log_format, LOG_FORMATS),
            allow_private_webhook_urls=_bool(env, "ALLOW_PRIVATE_WEBHOOK_URLS", False),
            webhook_timeout_seconds=_float(
                env, "WEBHOOK_TIMEOUT_SECONDS", cls.webhook_timeout_seconds
            ),
            webhook_secret_keys=_keys(env, "WEBHOOK_SECRET_KEYS"),
            webhook_secret_overlap_seconds=_float(
                env, "WEBHOOK_SECRET_OVERLAP_SECONDS", cls.webhook_secret_overlap_seconds
            ),
            webhook_disable_after_seconds=_float(
                env, "WEBHOOK_DISABLE_AFTER_SECONDS", cls.webhook_disable_after_seconds
            ),
            worker_poll_interval_seconds=_float(
                env, "WORKER_POLL_INTERVAL_SECONDS", cls.worker_poll_interval_seconds
            ),
            outbox_retry_base_seconds=_float(
                env, "OUTBOX_RETRY_BASE_SECONDS", cls.outbox_retry_base_seconds
            ),
            outbox_max_attempts=_int(env, "OUTBOX_MAX_ATTEMPTS", cls.outbox_max_attempts),
            outbox_lease_seconds=_float(env, "OUTBOX_LEASE_SECONDS", cls.outbox_lease_seconds),
            event_retention_days=_int(env, "EVENT_RETENTION_DAYS", cls.event_retention_days),
            cors=CorsPolicy.from_env(env),
            tracing=TraceSettings.from_env(env),
            pdf_font_dir=env.get("PDF_FONT_DIR") or None,
            metrics_host=env.get("METRICS_HOST") or cls.metrics_host,
            metrics_port=_port(env, "METRICS_PORT", cls.metrics_port),
            metrics_multiproc_dir=env.get("PROMETHEUS_MULTIPROC_DIR") or None,
            subscription_queue_size=_int(
                env, "SUBSCRIPTION_QUEUE_SIZE", cls.subscription_queue_size
            ),
            subscription_poll_seconds=_float(
                env, "SUBSCRIPTION_POLL_SECONDS", cls.subscription_poll_seconds
            ),
            credential_cache_seconds=_seconds_or_off(
                env, "CREDENTIAL_CACHE_SECONDS", cls.credential_cache_seconds
            ),
            credential_cache_size=_int(env, "CREDENTIAL_CACHE_SIZE", cls.credential_cache_size),
        )

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
