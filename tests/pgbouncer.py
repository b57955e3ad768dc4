"""A throwaway PgBouncer in transaction pooling mode in front of the test PostgreSQL.

Started from the local binary (Debian's `pgbouncer` package; scripts/test installs it),
configured in a temporary directory, stopped and removed at the end.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from tests.servers import (
    LOCALHOST,
    RunAs,
    ServerError,
    free_port,
    normalize_postgres_url,
    postgres_answers,
    stop_process,
    world_traversable,
)

# Server connections PgBouncer opens per database: fewer than the gateway's client
# connections, so transactions of different clients share server connections.
SERVER_POOL_SIZE = 2


def find_pgbouncer() -> str | None:
    found = shutil.which("pgbouncer")
    if found:
        return found
    for candidate in ("/usr/sbin/pgbouncer", "/usr/local/sbin/pgbouncer"):
        if os.access(candidate, os.X_OK):
            return candidate
    return None


def _config(server: URL, port: int, root: Path) -> str:
    target = f"host={server.host or LOCALHOST} port={server.port or 5432}"
    target += f" user={server.username or 'postgres'}"
    if server.password:
        target += f" password={server.password}"
    return "\n".join(
        [
            "[databases]",
            f"* = {target}",  # any database name, forwarded under the same name
            "[pgbouncer]",
            f"listen_addr = {LOCALHOST}",
            f"listen_port = {port}",
            "unix_socket_dir =",
            "auth_type = trust",
            f"auth_file = {root / 'userlist.txt'}",
            "pool_mode = transaction",
            f"default_pool_size = {SERVER_POOL_SIZE}",
            "max_client_conn = 200",
            "server_idle_timeout = 10",
            f"logfile = {root / 'pgbouncer.log'}",
            f"pidfile = {root / 'pgbouncer.pid'}",
            "",
        ]
    )


@contextlib.contextmanager
def throwaway_pgbouncer(postgres_server: str) -> Iterator[str]:
    """Yield PgBouncer's base DSN (``postgresql://user@127.0.0.1:<port>``), which
    forwards every database of ``postgres_server`` in transaction pooling mode."""
    binary = find_pgbouncer()
    if binary is None:
        raise ServerError("pgbouncer is not installed; run scripts/test, which installs it")
    server = make_url(normalize_postgres_url(postgres_server))
    user = server.username or "postgres"
    run_as = RunAs.pick()  # PgBouncer refuses to run as root
    parent = Path(tempfile.gettempdir())
    if run_as.uid is not None and not world_traversable(parent):
        parent = Path("/tmp")
    root = Path(tempfile.mkdtemp(prefix="gateway-tests-pgbouncer-", dir=parent))
    try:
        last_log = ""
        for _attempt in range(3):  # a free port can be taken before PgBouncer binds it
            port = free_port()
            ini = root / "pgbouncer.ini"
            ini.write_text(_config(server, port, root))
            (root / "userlist.txt").write_text(f'"{user}" ""\n')
            for path in (root, ini, root / "userlist.txt"):
                run_as.chown(path)
            proc = subprocess.Popen(
                [binary, str(ini)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                **run_as.popen_kwargs(),
            )
            try:
                dsn = f"postgresql://{user}@{LOCALHOST}:{port}"
                deadline = time.monotonic() + 15
                while proc.poll() is None and time.monotonic() < deadline:
                    if postgres_answers(f"{dsn}/postgres", timeout=1):
                        break
                    time.sleep(0.1)
                else:
                    log = root / "pgbouncer.log"
                    last_log = log.read_text(errors="replace") if log.exists() else ""
                    continue
                yield dsn
                return
            finally:
                stop_process(proc)
        raise ServerError(f"could not start a throwaway pgbouncer:\n{last_log}")
    finally:
        shutil.rmtree(root, ignore_errors=True)
