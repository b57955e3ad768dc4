"""The image's start command (the Dockerfile's CMD, run as a process with the image's
environment) on an empty database: it migrates, once when replicas start together, and
/readyz keeps traffic off a process whose database schema is behind."""

from __future__ import annotations

import json
import re
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from gateway.db.migrate import alembic_config, upgrade
from tests import servers
from tests.apptest import basic_invoice
from tests.e2e.gateway_process import cli, gateway_processes, process_environment
from tests.e2e.image import image_start, with_option

READY_WITHIN_SECONDS = 90.0
SCRIPTS = ScriptDirectory.from_config(alembic_config(""))
HEAD = SCRIPTS.get_current_head()
BASE = SCRIPTS.get_base()


class Replica:
    def __init__(self, proc: subprocess.Popen[bytes], url: str, log: Path) -> None:
        self.proc, self.url, self.log = proc, url, log

    def wait_ready(self) -> None:
        deadline = time.monotonic() + READY_WITHIN_SECONDS
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"exited {self.proc.returncode}:\n{self.output()}"
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"not ready within {READY_WITHIN_SECONDS}s:\n{self.output()}")

    def output(self) -> str:
        return self.log.read_text()


StartReplica = Callable[[dict[str, str]], Replica]


@pytest.fixture
def start_replica(tmp_path: Path) -> Iterator[StartReplica]:
    """start_replica(env) runs the image's CMD in tmp_path (its WORKDIR) on a free port."""
    replicas: list[Replica] = []
    image = image_start()

    def start(env: dict[str, str]) -> Replica:
        port = servers.free_port()
        # The image's command, on loopback and a free port of this shared machine.
        assert image.argv[image.argv.index("--port") + 1] == str(image.port)
        argv = with_option(with_option(image.argv, "--port", str(port)), "--host", "127.0.0.1")
        log = tmp_path / f"replica-{len(replicas)}.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                argv,
                env={**process_environment(env), **image.env},
                cwd=tmp_path,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        replicas.append(Replica(proc, f"http://127.0.0.1:{port}", log))
        return replicas[-1]

    yield start
    for replica in replicas:
        replica.proc.terminate()
    for replica in replicas:
        try:
            replica.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            replica.proc.kill()
            replica.proc.wait()


def _versions(database_url: str) -> list[str]:
    async def read() -> list[str]:
        engine = create_async_engine(database_url, poolclass=NullPool)
        try:
            async with engine.connect() as conn:
                rows = await conn.execute(text("SELECT version_num FROM alembic_version"))
                return [row[0] for row in rows]
        finally:
            await engine.dispose()

    return servers.run_coroutine(read)


def _migrations_run(output: str) -> int:
    """How many times this process applied the first migration."""
    return len(re.findall(rf"Running upgrade\s+->\s+{BASE}\b", output))


@pytest.mark.parametrize(
    "database", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_the_image_migrates_an_empty_database_and_serves(
    database: str, start_replica: StartReplica, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if database == "postgres":
        database_url = request.getfixturevalue("postgres_url")
        env = {"DATABASE_URL": database_url}
    else:  # the image's default: an SQLite file in its working directory
        database_url = f"sqlite+aiosqlite:///{tmp_path / 'invoice_gateway.db'}"
        env = {}

    replica = start_replica(env)
    replica.wait_ready()

    assert _migrations_run(replica.output()) == 1
    # It names where it listens (not the image's port: the test moved it).
    assert f"GraphiQL at {replica.url}/graphql" in replica.output()
    assert _versions(database_url) == [HEAD]
    credentials = json.loads(cli(env, "seed-demo", "--json", cwd=tmp_path))
    headers = {
        "x-client-key": credentials["client_key"],
        "x-client-secret": credentials["client_secret"],
    }
    created = httpx.post(
        f"{replica.url}/api/v0/invoices", json=basic_invoice(), headers=headers, timeout=10
    )
    assert created.status_code == 201, created.text


def test_replicas_starting_at_once_migrate_once(
    postgres_url: str, start_replica: StartReplica
) -> None:
    env = {"DATABASE_URL": postgres_url}
    replicas = [start_replica(env), start_replica(env)]
    for replica in replicas:
        replica.wait_ready()

    outputs = [replica.output() for replica in replicas]
    assert sorted(_migrations_run(output) for output in outputs) == [0, 1], outputs
    assert not any("Traceback" in output or "ERROR" in output for output in outputs), outputs
    assert _versions(postgres_url) == [HEAD]


def _ready(url: str) -> httpx.Response:
    return httpx.get(f"{url}/readyz", timeout=5)


def _eventually(url: str, status: int, reason: str | None) -> httpx.Response:
    """/readyz once it answers `status` with `reason` (its schema check is cached)."""
    deadline = time.monotonic() + 30
    while True:
        ready = _ready(url)
        if ready.status_code == status and ready.json().get("reason") == reason:
            return ready
        assert time.monotonic() < deadline, ready.text
        time.sleep(0.5)


def test_readyz_is_503_while_the_schema_is_behind(database_url: str) -> None:
    env = {"DATABASE_URL": database_url}
    previous = SCRIPTS.get_revision(HEAD).down_revision
    assert isinstance(previous, str)

    with gateway_processes(env, 1) as [url]:
        empty = _ready(url)
        assert empty.status_code == 503
        assert empty.json() == {
            "status": "unavailable",
            "reason": f"database schema is not at head: none != {HEAD}",
            "checks": {"database": "schema not at head", "store": "ok"},
        }

        servers.run_in_thread(upgrade, database_url, previous)
        behind = _eventually(url, 503, f"database schema is not at head: {previous} != {HEAD}")
        assert behind.json()["checks"]["database"] == "schema not at head"

        cli(env, "migrate")
        ready = _eventually(url, 200, None)
        assert ready.json() == {"status": "ready", "checks": {"database": "ok", "store": "ok"}}
