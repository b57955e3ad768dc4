"""Find or start the PostgreSQL and Redis servers the test suite talks to.

Nothing here is a fixture: tests/conftest.py decides which server to use and when
to clean up.  Everything is synchronous on purpose: whatever needs asyncio (asyncpg)
runs in a worker thread with its own event loop, so it never touches the loop that
pytest-asyncio runs the tests on, whatever the fixture order.
"""

from __future__ import annotations

import asyncio
import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
from sqlalchemy.engine import URL, make_url

T = TypeVar("T")

LOCALHOST = "127.0.0.1"


class ServerError(RuntimeError):
    """A test server could not be found or started."""


# --------------------------------------------------------------------------- helpers


def run_in_thread(fn: Callable[..., T], *args: Any) -> T:
    """Run a blocking callable in a fresh thread and return its result.

    Used for anything that calls asyncio.run() (asyncpg probes, alembic's async env):
    asyncio.run() on the main thread would replace the thread's current event loop
    behind pytest-asyncio's back.
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="tests-servers") as pool:
        return pool.submit(fn, *args).result()


def run_coroutine(factory: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run the coroutine made by ``factory`` to completion on a private event loop."""
    return run_in_thread(lambda: asyncio.run(factory()))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOCALHOST, 0))
        port: int = sock.getsockname()[1]
        return port


def probe_port(env_var: str, default: int) -> int:
    """The port to look for an already running server on (overridable for tests)."""
    raw = os.environ.get(env_var, "").strip()
    return int(raw) if raw else default


# --------------------------------------------------------------------------- PostgreSQL


def postgres_dsn(base: str, database: str | None = None, *, driver: str = "postgresql") -> str:
    """``base`` with the given driver and database, password kept (for connecting)."""
    url: URL = make_url(normalize_postgres_url(base)).set(drivername=driver)
    if database is not None:
        url = url.set(database=database)
    return url.render_as_string(hide_password=False)


def normalize_postgres_url(url: str) -> str:
    for prefix in ("postgres://", "postgresql+asyncpg://", "postgresql+psycopg://"):
        if url.startswith(prefix):
            return "postgresql://" + url[len(prefix) :]
    return url


def server_dsn(base: str) -> str:
    """``base`` without its database part: the form the postgres_server fixture yields."""
    url = make_url(normalize_postgres_url(base))
    without_database = URL.create(
        url.drivername,
        username=url.username,
        password=url.password,
        host=url.host,
        port=url.port,
        query=url.query,
    )
    return without_database.render_as_string(hide_password=False)


def postgres_answers(dsn: str, timeout: float = 3.0) -> bool:
    """Whether a PostgreSQL server accepts a connection at ``dsn``."""

    async def probe() -> bool:
        try:
            conn = await asyncpg.connect(dsn, timeout=timeout)
        except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError):
            return False
        try:
            await conn.fetchval("SELECT 1")
        finally:
            await conn.close()
        return True

    return run_coroutine(probe)


def postgres_execute(dsn: str, *statements: str) -> None:
    """Run statements one by one, outside a transaction (CREATE/DROP DATABASE)."""

    async def execute() -> None:
        conn = await asyncpg.connect(dsn, timeout=10)
        try:
            for statement in statements:
                await conn.execute(statement)
        finally:
            await conn.close()

    run_coroutine(execute)


def find_postgres_bindir() -> Path | None:
    """A directory holding initdb, pg_ctl and postgres (PATH first, then Debian's)."""
    candidates: list[Path] = []
    for tool in ("pg_ctl", "initdb"):
        found = shutil.which(tool)
        if found:
            candidates.append(Path(found).resolve().parent)
            candidates.append(Path(found).parent)

    def version_key(path: str) -> tuple[int, ...]:
        version = Path(path).parent.name
        return tuple(int(part) for part in version.split(".") if part.isdigit())

    debian = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=version_key, reverse=True)
    candidates.extend(Path(path) for path in debian)
    candidates.append(Path("/usr/local/pgsql/bin"))
    for bindir in candidates:
        if all(os.access(bindir / tool, os.X_OK) for tool in ("initdb", "pg_ctl", "postgres")):
            return bindir
    return None


@dataclass(frozen=True)
class RunAs:
    """The OS user the throwaway PostgreSQL runs as (root may not run it)."""

    uid: int | None = None
    gid: int | None = None

    @classmethod
    def pick(cls) -> RunAs:
        if os.geteuid() != 0:
            return cls()
        for name in ("postgres", "nobody"):
            try:
                entry = pwd.getpwnam(name)
            except KeyError:
                continue
            if entry.pw_uid != 0:
                return cls(entry.pw_uid, entry.pw_gid)
        raise ServerError("running as root and found no 'postgres' or 'nobody' user to run initdb")

    def popen_kwargs(self) -> dict[str, Any]:
        if self.uid is None:
            return {}
        # Popen switches user itself (like runuser) and drops root's extra groups.
        return {"user": self.uid, "group": self.gid, "extra_groups": []}

    def chown(self, path: Path) -> None:
        if self.uid is not None and self.gid is not None:
            os.chown(path, self.uid, self.gid)


def world_traversable(path: Path) -> bool:
    return all(part.stat().st_mode & 0o001 for part in [path, *path.parents])


@dataclass
class ThrowawayPostgres:
    bindir: Path
    root: Path
    port: int
    run_as: RunAs

    @property
    def datadir(self) -> Path:
        return self.root / "data"

    @property
    def dsn(self) -> str:
        return f"postgresql://postgres@{LOCALHOST}:{self.port}"

    def _run(self, *args: str, log: str) -> None:
        log_path = self.root / log
        with open(log_path, "ab") as out:
            result = subprocess.run(
                args,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=self.root,
                env={**os.environ, "LC_ALL": "C", "LANG": "C"},
                timeout=120,
                check=False,
                **self.run_as.popen_kwargs(),
            )
        if result.returncode != 0:
            output = log_path.read_text(errors="replace")
            server_log = self.root / "server.log"
            if server_log.exists():
                output += "\n--- server.log ---\n" + server_log.read_text(errors="replace")
            raise ServerError(f"{' '.join(args)} failed ({result.returncode}):\n{output}")

    def start(self) -> None:
        self._run(
            str(self.bindir / "initdb"),
            "--pgdata",
            str(self.datadir),
            "--username",
            "postgres",
            "--auth",
            "trust",
            "--encoding",
            "UTF8",
            "--no-locale",
            "--no-sync",
            log="initdb.log",
        )
        settings = {
            "listen_addresses": f"'{LOCALHOST}'",
            "port": str(self.port),
            "unix_socket_directories": f"'{self.root}'",
            "max_connections": "100",
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "dynamic_shared_memory_type": "mmap",
        }
        with open(self.datadir / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write("\n# throwaway test server (tests/servers.py)\n")
            conf.writelines(f"{key} = {value}\n" for key, value in settings.items())
        self.launch()

    def launch(self) -> None:
        """Start the initialised server (again, after stop())."""
        self._run(
            str(self.bindir / "pg_ctl"),
            "start",
            "--pgdata",
            str(self.datadir),
            "--log",
            str(self.root / "server.log"),
            "--wait",
            "--timeout",
            "60",
            log="pg_ctl.log",
        )

    def stop(self) -> None:
        if (self.datadir / "postmaster.pid").exists():
            self._run(
                str(self.bindir / "pg_ctl"),
                "stop",
                "--pgdata",
                str(self.datadir),
                "--mode",
                "fast",
                "--wait",
                "--timeout",
                "60",
                log="pg_ctl.log",
            )


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[str]:
    """Start a PostgreSQL server from local binaries in a temp dir; yield its DSN."""
    with throwaway_postgres_server() as server:
        yield server.dsn


@contextlib.contextmanager
def throwaway_postgres_server() -> Iterator[ThrowawayPostgres]:
    """Like throwaway_postgres, yielding the server itself (to stop and launch it)."""
    bindir = find_postgres_bindir()
    if bindir is None:
        raise ServerError(
            "no PostgreSQL server is reachable and no initdb/pg_ctl/postgres binaries were "
            "found (PATH, /usr/lib/postgresql/*/bin); run scripts/test, which installs them, "
            "or set TEST_POSTGRES_URL"
        )
    run_as = RunAs.pick()
    parent = Path(tempfile.gettempdir())
    if run_as.uid is not None and not world_traversable(parent):
        parent = Path("/tmp")
    last_error: ServerError | None = None
    for _attempt in range(3):  # a free port can be taken before the server binds it
        root = Path(tempfile.mkdtemp(prefix="gateway-tests-pg-", dir=parent))
        run_as.chown(root)
        server = ThrowawayPostgres(bindir=bindir, root=root, port=free_port(), run_as=run_as)
        try:
            server.start()
        except ServerError as exc:
            last_error = exc
            with contextlib.suppress(ServerError):
                server.stop()
            shutil.rmtree(root, ignore_errors=True)
            continue
        try:
            if not postgres_answers(server.dsn + "/postgres", timeout=10):
                raise ServerError(f"throwaway PostgreSQL at {server.dsn} does not answer")
            yield server
        finally:
            try:
                server.stop()
            finally:
                shutil.rmtree(root, ignore_errors=True)
        return
    raise ServerError(f"could not start a throwaway PostgreSQL:\n{last_error}")


# --------------------------------------------------------------------------- Redis


def redis_answers(host: str, port: int, timeout: float = 1.0) -> bool:
    """Whether a Redis server answers PING (without auth) at host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.sendall(b"*1\r\n$4\r\nPING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def redis_base_url(url: str) -> str:
    """``url`` without a database path: ``redis://[auth@]host:port``."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise ServerError(f"not a redis URL: {url!r}")
    netloc = rest.split("/", 1)[0].split("?", 1)[0]
    return f"{scheme}://{netloc}"


@contextlib.contextmanager
def throwaway_redis() -> Iterator[str]:
    """Start ``redis-server`` on a free port without persistence; yield its URL."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise ServerError(
            "no Redis server answers and redis-server is not on PATH; run scripts/test, "
            "which installs it, or set TEST_REDIS_URL"
        )
    workdir = Path(tempfile.mkdtemp(prefix="gateway-tests-redis-"))
    try:
        last_output = ""
        for _attempt in range(3):
            port = free_port()
            log_path = workdir / "redis.log"
            with open(log_path, "wb") as log:
                proc = subprocess.Popen(
                    [
                        binary,
                        "--port",
                        str(port),
                        "--bind",
                        LOCALHOST,
                        "--save",
                        "",
                        "--appendonly",
                        "no",
                        "--dir",
                        str(workdir),
                    ],
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            try:
                deadline = time.monotonic() + 15
                while proc.poll() is None and time.monotonic() < deadline:
                    if redis_answers(LOCALHOST, port, timeout=0.5):
                        break
                    time.sleep(0.05)
                else:
                    last_output = log_path.read_text(errors="replace")
                    continue
                yield f"redis://{LOCALHOST}:{port}"
                return
            finally:
                stop_process(proc)
        raise ServerError(f"could not start a throwaway redis-server:\n{last_output}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def stop_process(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    proc.wait()
