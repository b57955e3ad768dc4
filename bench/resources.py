"""What a run owns: a fresh PostgreSQL database `bench_<random>` (dropped at the end) and
one Redis database number (flushed before and after; no other is touched)."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import asyncpg
import redis
from sqlalchemy.engine import make_url

from gateway.settings import normalize_database_url

DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/13"


@dataclass(frozen=True)
class Resources:
    database_url: str  # postgresql+asyncpg://.../bench_<random>
    redis_url: str  # redis://host:port/<db>


def _plain(url: str) -> str:
    """An asyncpg DSN (no +driver part)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _admin(server_url: str, sql: str) -> None:
    conn = await asyncpg.connect(_plain(server_url))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@contextmanager
def postgres_database(server_url: str) -> Iterator[str]:
    """A new, empty database on the server of `server_url`; yields its asyncpg URL."""
    name = f"bench_{secrets.token_hex(4)}"
    asyncio.run(_admin(server_url, f'CREATE DATABASE "{name}"'))
    try:
        url = make_url(normalize_database_url(server_url)).set(database=name)
        yield url.render_as_string(hide_password=False)
    finally:
        asyncio.run(_admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _sessions(server_url: str, name: str) -> int:
    conn = await asyncpg.connect(_plain(server_url))
    try:
        sql = "SELECT sessions FROM pg_stat_database WHERE datname = $1"
        return int(await conn.fetchval(sql, name) or 0)
    finally:
        await conn.close()


def pg_sessions(server_url: str, database_url: str) -> int:
    """Connections ever opened to the bench database (pg_stat_database.sessions; read
    through the server's own database so that reading does not count)."""
    return asyncio.run(_sessions(server_url, str(make_url(database_url).database)))


@contextmanager
def redis_database(url: str) -> Iterator[str]:
    """The Redis database `url` names (db 13 by default), flushed before and after."""
    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
        yield url
    finally:
        client.flushdb()
        client.close()


def redis_commands(url: str) -> dict[str, int]:
    """Calls per command since the server started (INFO commandstats, server-wide)."""
    client = redis.Redis.from_url(url)
    try:
        stats = client.info("commandstats")
    finally:
        client.close()
    return {name.removeprefix("cmdstat_"): int(value["calls"]) for name, value in stats.items()}


def redis_version(url: str) -> str:
    client = redis.Redis.from_url(url)
    try:
        return str(client.info("server")["redis_version"])
    finally:
        client.close()


async def postgres_version(database_url: str) -> str:
    conn = await asyncpg.connect(_plain(database_url))
    try:
        return str(await conn.fetchval("SHOW server_version"))
    finally:
        await conn.close()
