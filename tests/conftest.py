"""Shared fixtures: databases (SQLite and PostgreSQL) and Redis.

Servers (session scope), in order of preference:

* ``TEST_POSTGRES_URL`` / ``TEST_REDIS_URL`` when set (e.g. ``postgresql://u:p@host:5432``,
  ``redis://host:6379``); only the server part is used: the user needs CREATEDB and access
  to the ``postgres`` database, and the Redis database number is always chosen here;
* else the machine's own server on 127.0.0.1:5432 / 127.0.0.1:6379 if it answers;
* else a throwaway server started from local binaries (initdb + pg_ctl, redis-server) in
  a temporary directory, stopped and removed at the end of the session.

``TEST_POSTGRES_PROBE_PORT`` / ``TEST_REDIS_PROBE_PORT`` change the port probed for a
running local server; point them at a dead port (``=1``) to force the throwaway servers.

``pgbouncer_server`` is a throwaway PgBouncer (transaction pooling) in front of the
PostgreSQL server, ``redis_cluster_nodes`` a throwaway three-node Redis Cluster; both
started on first use. ``redis_cluster_url`` is a node of it, all nodes flushed.

Per test: ``postgres_url`` is a fresh database (dropped afterwards), ``redis_url`` is
database 14 (reserved for this suite) flushed before the test, ``sqlite_url`` a file in
``tmp_path``. ``database_url`` runs a test on both SQLite and PostgreSQL (select one with
``-k sqlite`` / ``-m postgres`` / ``-m "not postgres"``); ``migrated_database_url`` is the
same with ``alembic upgrade head`` applied.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from sqlalchemy.engine import make_url

try:  # tests/ as a package (tests/__init__.py present, rootdir on sys.path) ...
    from tests import pgbouncer, redis_cluster, servers
    from tests.logs.capture import logging_restored
except ImportError:  # ... or as a plain directory, which pytest puts on sys.path itself
    import pgbouncer  # type: ignore[no-redef,import-not-found,unused-ignore]
    import redis_cluster  # type: ignore[no-redef,import-not-found,unused-ignore]
    import servers  # type: ignore[no-redef,import-not-found,unused-ignore]
    from logs.capture import logging_restored  # type: ignore[no-redef,import-not-found,unused-ignore]

POSTGRES_DEFAULT_PORT = 5432
REDIS_DEFAULT_PORT = 6379
REDIS_TEST_DB = 14


# --------------------------------------------------------------------------- PostgreSQL


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """Base DSN of a PostgreSQL server, e.g. ``postgresql://postgres@127.0.0.1:5432``."""
    configured = os.environ.get("TEST_POSTGRES_URL", "").strip()
    if configured:
        yield servers.server_dsn(configured)
        return
    port = servers.probe_port("TEST_POSTGRES_PROBE_PORT", POSTGRES_DEFAULT_PORT)
    local = f"postgresql://postgres@{servers.LOCALHOST}:{port}"
    if servers.postgres_answers(servers.postgres_dsn(local, "postgres")):
        yield local
        return
    with contextlib.ExitStack() as stack:
        try:
            dsn = stack.enter_context(servers.throwaway_postgres())
        except servers.ServerError as exc:
            pytest.fail(str(exc), pytrace=False)
        yield dsn


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A fresh, empty database: ``postgresql+asyncpg://.../test_<unique>``; dropped after."""
    name = f"test_{os.getpid()}_{uuid.uuid4().hex[:12]}"
    admin = servers.postgres_dsn(postgres_server, "postgres")
    servers.postgres_execute(admin, f'CREATE DATABASE "{name}"')
    try:
        yield servers.postgres_dsn(postgres_server, name, driver="postgresql+asyncpg")
    finally:
        servers.postgres_execute(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def pgbouncer_server(postgres_server: str) -> Iterator[str]:
    """Base DSN of a throwaway PgBouncer in transaction pooling mode in front of
    ``postgres_server`` (every database forwarded under its own name)."""
    with contextlib.ExitStack() as stack:
        try:
            dsn = stack.enter_context(pgbouncer.throwaway_pgbouncer(postgres_server))
        except servers.ServerError as exc:
            pytest.fail(str(exc), pytrace=False)
        yield dsn


# --------------------------------------------------------------------------- Redis


@pytest.fixture(scope="session")
def redis_server() -> Iterator[str]:
    """Base URL of a Redis server, e.g. ``redis://127.0.0.1:6379`` (no database part)."""
    configured = os.environ.get("TEST_REDIS_URL", "").strip()
    if configured:
        yield servers.redis_base_url(configured)
        return
    port = servers.probe_port("TEST_REDIS_PROBE_PORT", REDIS_DEFAULT_PORT)
    if servers.redis_answers(servers.LOCALHOST, port):
        yield f"redis://{servers.LOCALHOST}:{port}"
        return
    with contextlib.ExitStack() as stack:
        try:
            url = stack.enter_context(servers.throwaway_redis())
        except servers.ServerError as exc:
            pytest.fail(str(exc), pytrace=False)
        yield url


@pytest.fixture
def redis_url(redis_server: str) -> str:
    """``<redis_server>/14``, flushed before the test."""
    url = f"{redis_server}/{REDIS_TEST_DB}"
    with redis.Redis.from_url(url) as client:
        client.flushdb()
    return url


@pytest.fixture(scope="session")
def redis_cluster_nodes() -> Iterator[list[str]]:
    """URLs of the nodes of a throwaway three-node Redis Cluster, started on first use."""
    with contextlib.ExitStack() as stack:
        try:
            nodes = stack.enter_context(redis_cluster.throwaway_redis_cluster())
        except servers.ServerError as exc:
            pytest.fail(str(exc), pytrace=False)
        yield nodes


@pytest.fixture
def redis_cluster_url(redis_cluster_nodes: list[str]) -> str:
    """One node's URL (the cluster client finds the others); all nodes flushed first."""
    redis_cluster.flush(redis_cluster_nodes)
    return redis_cluster_nodes[0]


# --------------------------------------------------------------------------- SQL databases


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """``sqlite+aiosqlite:///<tmp_path>/test.db`` (the file does not exist yet)."""
    return f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    ]
)
def database_url(request: pytest.FixtureRequest) -> str:
    """An empty database URL, once on SQLite and once on PostgreSQL."""
    fixture = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    url: str = request.getfixturevalue(fixture)
    return url


def _upgrade(url: str) -> None:
    from gateway.db.migrate import upgrade

    # upgrade() is sync and may call asyncio.run() itself: keep it off this thread so it
    # can't disturb the event loop pytest-asyncio runs the test on.
    servers.run_in_thread(upgrade, url)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head once per session; tests get copies of it."""
    path = tmp_path_factory.mktemp("template") / "migrated.db"
    _upgrade(f"sqlite+aiosqlite:///{path}")
    with contextlib.closing(sqlite3.connect(path)) as connection:
        # Everything into the main file, so that one file is the whole database.
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture(scope="session")
def postgres_template(postgres_server: str) -> Iterator[str]:
    """The name of a database migrated to head once per session; tests' databases are
    created from it (``CREATE DATABASE ... TEMPLATE``, a file copy)."""
    name = f"template_{os.getpid()}_{uuid.uuid4().hex[:12]}"
    admin = servers.postgres_dsn(postgres_server, "postgres")
    servers.postgres_execute(admin, f'CREATE DATABASE "{name}"')
    try:
        _upgrade(servers.postgres_dsn(postgres_server, name, driver="postgresql+asyncpg"))
        yield name
    finally:
        servers.postgres_execute(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def migrated_database_url(database_url: str, request: pytest.FixtureRequest) -> str:
    """``database_url`` with the migrations applied up to head.

    Running the migrations takes longer than most tests, so they run once per session
    into a template, and each test's database starts as a copy of it. The migrations
    themselves are tested from an empty database in tests/db/test_migrations.py.
    """
    if database_url.startswith("sqlite"):
        template: Path = request.getfixturevalue("sqlite_template")
        shutil.copyfile(template, make_url(database_url).database or "")
        return database_url
    template_name: str = request.getfixturevalue("postgres_template")
    server: str = request.getfixturevalue("postgres_server")
    name = make_url(database_url).database
    admin = servers.postgres_dsn(server, "postgres")
    servers.postgres_execute(
        admin,
        f'DROP DATABASE "{name}"',
        f'CREATE DATABASE "{name}" TEMPLATE "{template_name}"',
    )
    return database_url


# --------------------------------------------------------------------------- logging


@pytest.fixture(autouse=True)
def _logging_restored() -> Iterator[None]:
    """A test that runs the CLI's main() in-process configures the process's logging
    (gateway.log_config); the next test finds it as it was."""
    with logging_restored():
        yield


# --------------------------------------------------------------------------- markers


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark tests that use a server directly, so ``-m "not postgres"`` etc. work."""
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if names & {"postgres_server", "postgres_url", "pgbouncer_server"}:
            item.add_marker(pytest.mark.postgres)
        if names & {"redis_server", "redis_url", "redis_cluster_nodes", "redis_cluster_url"}:
            item.add_marker(pytest.mark.redis)
