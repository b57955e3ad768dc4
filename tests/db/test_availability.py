"""Which errors mean "the database cannot be reached", and the one-line-per-outage log."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy import exc as sa
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from gateway.db.availability import DatabaseAvailability, is_unreachable
from tests.servers import free_port


async def _error_of(url: str, statement: str, **engine_options: object) -> BaseException:
    engine = create_async_engine(url, **engine_options)
    try:
        async with engine.connect() as conn:
            await conn.execute(text(statement))
    except Exception as exc:
        return exc
    finally:
        await engine.dispose()
    raise AssertionError(f"{statement!r} did not fail")


async def test_connection_refused_is_unreachable() -> None:
    url = f"postgresql+asyncpg://gateway@127.0.0.1:{free_port()}/x"
    assert is_unreachable(await _error_of(url, "SELECT 1"))


async def test_pool_timeout_is_unreachable(tmp_path: Path) -> None:
    engine = create_async_engine(
        f"sqlite+aiosqlite:///{tmp_path / 'pool.db'}", pool_size=1, max_overflow=0, pool_timeout=0.1
    )
    try:
        async with engine.connect():
            with pytest.raises(sa.TimeoutError) as caught:
                async with engine.connect():
                    pass
    finally:
        await engine.dispose()
    assert is_unreachable(caught.value)


@pytest.mark.postgres
async def test_integrity_and_programming_errors_are_not(postgres_url: str) -> None:
    division_by_zero = "SELECT 1 / (SELECT 0)"
    assert not is_unreachable(await _error_of(postgres_url, division_by_zero))
    assert not is_unreachable(await _error_of(postgres_url, "SELEC 1"))
    engine = create_async_engine(postgres_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("CREATE TABLE t (id int PRIMARY KEY)"))
            await conn.execute(text("INSERT INTO t VALUES (1)"))
        with pytest.raises(sa.IntegrityError) as caught:
            async with engine.begin() as conn:
                await conn.execute(text("INSERT INTO t VALUES (1)"))
    finally:
        await engine.dispose()
    assert not is_unreachable(caught.value)


async def test_sqlite_missing_table_is_a_bug_not_an_outage(sqlite_url: str) -> None:
    assert not is_unreachable(await _error_of(sqlite_url, "SELECT * FROM nowhere"))


def test_other_errors_are_not() -> None:
    assert not is_unreachable(ValueError("no"))
    assert not is_unreachable(FileNotFoundError(2, "No such file"))
    assert not is_unreachable(RuntimeError("bug"))


async def test_one_line_when_an_outage_begins_and_one_when_it_ends(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="gateway.database")
    refused = await _error_of(f"postgresql+asyncpg://gateway@127.0.0.1:{free_port()}/x", "SELECT 1")
    engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'up.db'}")
    database = DatabaseAvailability()
    database.watch(engine)
    try:
        for _ in range(5):
            database.report_failure(refused)
        assert not database.reachable
        assert database.reason == "ConnectionRefusedError"
        for _ in range(3):  # the pool hands out a connection: the database answers
            async with engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        assert database.reachable
    finally:
        await engine.dispose()
    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 2, messages
    assert messages[0].startswith("database unreachable (ConnectionRefusedError)")
    assert messages[1].startswith("database reachable again after")
    assert "(5 failed operations)" in messages[1]
    assert all(record.exc_info is None for record in caplog.records)
