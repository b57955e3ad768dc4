"""The servers under test, each one process pinned to core 1 when taskset exists: the
gateway through its own `serve` command and the bare baseline through uvicorn with the
same options (uvicorn, uvloop + httptools, 1 worker each), and PostGraphile's own node
server (bench.peer)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.error import URLError

from bench.loadgen import pinned

SERVER_CORE = "1"


@dataclass(frozen=True)
class Server:
    name: str
    url: str
    pid: int


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def gateway_command(port: int) -> list[str]:
    cli = [sys.executable, "-m", "gateway.cli", "serve", "--host", "127.0.0.1"]
    return [*cli, "--port", str(port), "--workers", "1"]


def baseline_command(port: int) -> list[str]:
    return [
        *(sys.executable, "-m", "uvicorn", "bench.baseline:app_from_env", "--factory"),
        *("--host", "127.0.0.1", "--port", str(port), "--workers", "1"),
        *("--loop", "uvloop", "--http", "httptools", "--log-level", "warning"),
        "--proxy-headers",
    ]


def peak_rss_mib(pid: int) -> float:
    """VmHWM (peak resident set size) of the process, in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for pid {pid}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far (/proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# PostGraphile has no health route: a trivial query answers once its schema is built.
HEALTH = {"postgraphile": ("/graphql", b'{"query": "{ __typename }"}')}
DEFAULT_HEALTH: tuple[str, bytes | None] = ("/healthz", None)


def _wait_healthy(
    url: str, proc: subprocess.Popen[bytes], log: Path, probe: tuple[str, bytes | None]
) -> None:
    path, body = probe
    headers = {"content-type": "application/json"} if body else {}
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{url} exited with {proc.returncode}:\n{log.read_text()}")
        request = urllib.request.Request(f"{url}{path}", data=body, headers=headers)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=1) as answer:  # noqa: S310
                if answer.status == 200:
                    return
        except (URLError, OSError):
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer {path} within 60 s:\n{log.read_text()}")


@contextmanager
def serving(
    commands: dict[str, list[str]],
    env: dict[str, str],
    logs: Path,
    core: str | None,
    envs: dict[str, dict[str, str]] | None = None,
) -> Iterator[dict[str, Server]]:
    """Starts every {name: command} (with `envs[name]` over `env`, if given); yields
    {name: Server}; stops them at the end."""
    procs: dict[str, subprocess.Popen[bytes]] = {}
    servers: dict[str, Server] = {}
    try:
        for name, command in commands.items():
            log = logs / f"{name}.log"
            with log.open("wb") as out:
                proc = subprocess.Popen(  # noqa: S603 (our own arguments, no shell)
                    pinned(command, core),
                    env={**env, **(envs or {}).get(name, {})},
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            procs[name] = proc
            port = command[command.index("--port") + 1]
            servers[name] = Server(name, f"http://127.0.0.1:{port}", proc.pid)
            _wait_healthy(servers[name].url, proc, log, HEALTH.get(name, DEFAULT_HEALTH))
        yield servers
    finally:
        for proc in procs.values():
            proc.terminate()
        for proc in procs.values():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
