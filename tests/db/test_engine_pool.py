"""The PostgreSQL pool: bounded by its settings, idle connections closed, settings parsed."""

from __future__ import annotations

import asyncio
import time

import pytest
from sqlalchemy import exc, text

from gateway.db.engine import build_engine
from gateway.settings import DatabasePool, Settings, SettingsError

COUNT_SESSIONS = text(
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
    " AND backend_type = 'client backend'"
)


async def test_a_process_never_opens_more_than_size_plus_overflow(postgres_url: str) -> None:
    engine = build_engine(postgres_url, DatabasePool(size=2, max_overflow=1, timeout_seconds=30))

    async def busy_query() -> int:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT pg_sleep(0.2)"))
            return int((await conn.execute(COUNT_SESSIONS)).scalar_one())

    try:
        seen = await asyncio.gather(*(busy_query() for _ in range(9)))
    finally:
        await engine.dispose()

    # Nine queries, three connections: every query ran, and never beside more than two.
    assert max(seen) == 3


async def test_a_request_that_cannot_get_a_connection_fails_after_the_pool_timeout(
    postgres_url: str,
) -> None:
    engine = build_engine(postgres_url, DatabasePool(size=1, max_overflow=0, timeout_seconds=0.5))
    try:
        async with engine.connect() as held:
            await held.execute(text("SELECT 1"))
            started = time.monotonic()
            with pytest.raises(exc.TimeoutError):
                async with engine.connect() as conn:
                    await conn.execute(text("SELECT 1"))
            assert 0.4 < time.monotonic() - started < 5
    finally:
        await engine.dispose()


async def test_idle_connections_are_closed_and_replaced_transparently(postgres_url: str) -> None:
    engine = build_engine(postgres_url, DatabasePool(size=3, idle_timeout_seconds=1))
    observer = build_engine(postgres_url, DatabasePool(size=1))

    async def one_query() -> None:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT pg_sleep(0.1)"))

    try:
        await asyncio.gather(*(one_query() for _ in range(3)))
        deadline = time.monotonic() + 10
        async with observer.connect() as conn:
            while (sessions := (await conn.execute(COUNT_SESSIONS)).scalar_one()) > 1:
                assert time.monotonic() < deadline, f"{sessions - 1} idle connections stay open"
                await conn.rollback()  # a fresh snapshot of pg_stat_activity
                await asyncio.sleep(0.2)
        # The pool still holds the closed connections: the next checkout replaces one.
        async with engine.connect() as conn:
            assert (await conn.execute(text("SELECT 42"))).scalar_one() == 42
    finally:
        await engine.dispose()
        await observer.dispose()


async def test_only_a_connection_idle_for_a_while_is_pinged(postgres_url: str) -> None:
    engine = build_engine(postgres_url, DatabasePool(size=2, idle_timeout_seconds=1))
    pings = [0]
    ping = engine.dialect.do_ping

    def counted(dbapi_connection: object) -> bool:
        pings[0] += 1
        return ping(dbapi_connection)  # type: ignore[arg-type]

    engine.dialect.do_ping = counted  # type: ignore[method-assign]
    try:
        for _ in range(5):  # back to back: no ping, not even for the new connection
            async with engine.connect() as conn:
                assert (await conn.execute(text("SELECT 1"))).scalar_one() == 1
        assert pings == [0]
        await asyncio.sleep(0.6)  # idle past half the server's idle timeout
        async with engine.connect() as conn:
            assert (await conn.execute(text("SELECT 2"))).scalar_one() == 2
        assert pings == [1]
    finally:
        await engine.dispose()


# ---------------------------------------------------------------- settings


def test_pool_settings_come_from_the_environment() -> None:
    pool = Settings.from_env(
        {
            "DB_POOL_SIZE": "4",
            "DB_MAX_OVERFLOW": "0",
            "DB_POOL_TIMEOUT_SECONDS": "2.5",
            "DB_POOL_RECYCLE_SECONDS": "0",
            "DB_IDLE_TIMEOUT_SECONDS": "60",
            "DB_STATEMENT_CACHE_SIZE": "0",
        }
    ).database_pool
    assert pool == DatabasePool(
        size=4,
        max_overflow=0,
        timeout_seconds=2.5,
        recycle_seconds=0,
        idle_timeout_seconds=60,
        statement_cache_size=0,
        pgbouncer=False,
    )
    assert Settings.from_env({}).database_pool == DatabasePool()
    default = DatabasePool()
    assert default.size + default.max_overflow <= 15  # 2 replicas x 2 workers + 1 < 100


def test_pgbouncer_turns_the_statement_caches_off() -> None:
    pool = Settings.from_env({"DB_PGBOUNCER": "true"}).database_pool
    assert pool.pgbouncer
    assert pool.statement_cache_size == 0
    with pytest.raises(SettingsError, match="DB_STATEMENT_CACHE_SIZE must be 0"):
        Settings.from_env({"DB_PGBOUNCER": "true", "DB_STATEMENT_CACHE_SIZE": "100"})


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DB_POOL_SIZE", "0", "DB_POOL_SIZE must be positive"),
        ("DB_MAX_OVERFLOW", "-1", "DB_MAX_OVERFLOW must be 0 or more"),
        ("DB_IDLE_TIMEOUT_SECONDS", "soon", "DB_IDLE_TIMEOUT_SECONDS must be an integer"),
        ("DB_POOL_TIMEOUT_SECONDS", "0", "DB_POOL_TIMEOUT_SECONDS must be positive"),
    ],
)
def test_bad_pool_settings_are_refused(name: str, value: str, message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings.from_env({name: value})
