"""What a run owns: a fresh PostgreSQL database `bench_<random>` (dropped at the end) and
one Redis database number (flushed before and after; no other is touched)."""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

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


class RedisSampler:
    """Calls per command (INFO commandstats) and the server's user + system CPU time
    (INFO cpu) so far, in one INFO call on one connection kept for the whole run, so the
    sampling adds one INFO per sample and no connection set-up. Both are server-wide."""

    def __init__(self, url: str) -> None:
        self._client = redis.Redis.from_url(url)

    def sample(self) -> tuple[dict[str, int], float]:
        info = self._client.info("cpu", "commandstats")
        commands = {
            name.removeprefix("cmdstat_"): int(value["calls"])
            for name, value in info.items()
            if name.startswith("cmdstat_")
        }
        return commands, float(info["used_cpu_user"]) + float(info["used_cpu_sys"])

    def close(self) -> None:
        self._client.close()


async def _backend_pids(server_url: str, name: str) -> list[int]:
    conn = await asyncpg.connect(_plain(server_url))
    try:
        sql = (
            "SELECT pid FROM pg_stat_activity "
            "WHERE datname = $1 AND backend_type = 'client backend'"
        )
        return [int(row["pid"]) for row in await conn.fetch(sql, name)]
    finally:
        await conn.close()


class BackendCpu:
    """CPU time of the PostgreSQL backends serving the bench database, from
    /proc/<pid>/stat (utime + stime) of the pids pg_stat_activity lists for it (client
    backends only; read through the server's own database, so reading adds no backend to
    the list). Only where PostgreSQL runs on this machine: otherwise `local` is False and
    every figure is None."""

    def __init__(self, server_url: str, database_url: str) -> None:
        self.server_url = server_url
        self.name = str(make_url(database_url).database)
        host = make_url(server_url).host
        self.local = host in (None, "", "127.0.0.1", "localhost", "::1")

    def sample(self) -> dict[int, float] | None:
        if not self.local:
            return None
        pids = asyncio.run(_backend_pids(self.server_url, self.name))
        seen = {pid: _cpu(pid) for pid in pids}
        return {pid: cpu for pid, cpu in seen.items() if cpu is not None}

    @staticmethod
    def delta(before: dict[int, float] | None, after: dict[int, float] | None) -> float | None:
        """CPU used between two samples: the growth of every backend in both, plus the
        whole CPU time of a backend that appeared in between (a conservative estimate:
        it may have done some work before the run). A backend that exited in between
        is lost (its last slice)."""
        if before is None or after is None:
            return None
        return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())


def _cpu(pid: int) -> float | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _invoice_count(database_url: str, app_id: str) -> int:
    conn = await asyncpg.connect(_plain(database_url))
    try:
        return int(await conn.fetchval("SELECT count(*) FROM invoice WHERE app_id = $1", app_id))
    finally:
        await conn.close()


def invoice_count(database_url: str, app_id: str) -> int:
    return asyncio.run(_invoice_count(database_url, app_id))
