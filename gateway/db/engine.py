"""The async engine and session factory, built once per app from Settings."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext import asyncio as sqlalchemy_asyncio
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.metrics.pool import MeasuredQueuePool
from gateway.settings import DatabasePool

SessionFactory = async_sessionmaker[AsyncSession]

CONNECT_TIMEOUT_SECONDS = 10.0


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL roughly halves commit latency; busy_timeout makes concurrent writers wait
    # for the lock instead of failing with "database is locked".
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _unique_statement_name() -> str:
    return f"__igw_{uuid.uuid4().hex}__"


def connect_args(pool: DatabasePool) -> dict[str, Any]:
    """What asyncpg (and SQLAlchemy's asyncpg adapter) get on every new connection."""
    args: dict[str, Any] = {
        # Bounds a request's wait on a server that does not answer (a restart, a dead host).
        "timeout": CONNECT_TIMEOUT_SECONDS,
        "statement_cache_size": pool.statement_cache_size,  # asyncpg's own cache
        "prepared_statement_cache_size": pool.statement_cache_size,  # SQLAlchemy's
    }
    if pool.pgbouncer:
        # asyncpg numbers its statements per client connection; behind transaction
        # pooling two clients share a server connection, so the names must be unique.
        args["prepared_statement_name_func"] = _unique_statement_name
    return args


def _idle_session_timeout(seconds: int) -> Callable[[Any, Any], None]:
    statement = f"SET idle_session_timeout = {seconds * 1000}"  # milliseconds

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # A SET rather than a startup parameter, which PgBouncer (any mode) refuses;
        # on the driver's connection, outside any transaction that could undo it.
        dbapi_connection.run_async(lambda connection: connection.execute(statement))

    return on_connect


def build_engine(database_url: str, pool: DatabasePool | None = None) -> AsyncEngine:
    # create_async_engine is looked up when called: OpenTelemetry's SQLAlchemy
    # instrumentation (gateway.tracing) wraps it there to trace the engines it creates.
    # hide_parameters: a failing statement's error (logged, e.g. by the 500 handler)
    # shows the SQL but not the values bound to it (emails, tokens, secrets).
    if database_url.startswith("sqlite"):
        engine = sqlalchemy_asyncio.create_async_engine(
            database_url, connect_args={"timeout": 30}, hide_parameters=True
        )
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    pool = pool or DatabasePool()
    # A nested GraphQL page takes several connections at once (auth, the page, loaders
    # running side by side): a pool that keeps them avoids reconnecting per request.
    # pool_pre_ping drops connections a database restart killed before a request uses them.
    engine = sqlalchemy_asyncio.create_async_engine(
        database_url,
        pool_size=pool.size,
        max_overflow=pool.max_overflow,
        pool_timeout=pool.timeout_seconds,
        pool_recycle=pool.recycle_seconds or -1,
        # Most recently used first: the surplus of a burst stays idle at the back until
        # the server's idle_session_timeout closes it; the ping on checkout of a
        # connection idle for a while notices and replaces it (_ping_when_idle).
        poolclass=MeasuredQueuePool,
        pool_use_lifo=True,
        hide_parameters=True,
        connect_args=connect_args(pool),
    )
    _ping_when_idle(engine, ping_after_idle_seconds(pool))
    # Not behind transaction pooling: the setting would stay on a shared server connection.
    if pool.idle_timeout_seconds and not pool.pgbouncer:
        on_connect = _idle_session_timeout(pool.idle_timeout_seconds)
        event.listen(engine.sync_engine, "connect", on_connect)
    return engine


PING_AFTER_IDLE_SECONDS = 1.0
_RETURNED_AT = "gateway_returned_at"


def ping_after_idle_seconds(pool: DatabasePool) -> float:
    """A connection idle at least this long is pinged before use: well inside the
    server's idle_session_timeout, which closes idle connections."""
    idle_timeout = pool.idle_timeout_seconds if not pool.pgbouncer else 0
    return (
        min(PING_AFTER_IDLE_SECONDS, idle_timeout / 2) if idle_timeout else PING_AFTER_IDLE_SECONDS
    )


def _ping_when_idle(engine: AsyncEngine, after_seconds: float) -> None:
    """pool_pre_ping pings on every checkout: a round trip per session, several per
    request. A connection that was in use a moment ago is alive unless the server has
    just gone away (which fails the statement, invalidates the pool and answers 503,
    as a restart between ping and statement always could); only one idle for
    `after_seconds` or more is pinged, and replaced if the ping finds it dead (the
    pool's documented DisconnectionError protocol: it retries with a fresh one)."""
    dialect = engine.dialect

    def returned(_dbapi_connection: Any, record: Any, *_args: Any) -> None:
        record.info[_RETURNED_AT] = time.monotonic()

    def checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle = time.monotonic() - record.info.get(_RETURNED_AT, 0.0)
        if idle < after_seconds:
            return
        try:
            alive = dialect.do_ping(dbapi_connection)
        except Exception as exc:
            if dialect.is_disconnect(exc, dbapi_connection, None):  # type: ignore[arg-type]
                raise DisconnectionError("idle connection found closed") from exc
            raise
        if not alive:
            raise DisconnectionError("idle connection found closed")

    pool = engine.sync_engine.pool
    event.listen(pool, "connect", returned)
    event.listen(pool, "checkin", returned)
    event.listen(pool, "checkout", checkout)


def build_session_factory(
    engine: AsyncEngine, info: dict[str, Any] | None = None
) -> SessionFactory:
    """Sessions on `engine`; each starts with a copy of `info` in its `info`."""
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False, info=info)
