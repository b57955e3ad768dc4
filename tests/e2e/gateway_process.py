"""Real gateway processes (`invoice-gateway serve`) for end-to-end tests."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO

import httpx

from gateway.db.migrate import upgrade
from gateway.runtime import Runtime
from gateway.services.demo import DemoCredentials, seed_demo
from gateway.settings import DatabasePool, Settings
from tests.servers import free_port, run_coroutine, run_in_thread

REPO_ROOT = Path(__file__).resolve().parents[2]


# The suite shares its PostgreSQL (100 connections) with whoever else uses it: each
# gateway process it starts keeps at most 2 connections, 4 under a burst.
SMALL_POOL = {"DB_POOL_SIZE": "2", "DB_MAX_OVERFLOW": "2"}
# Several servers (and other test runs) at once: no metrics listener unless a test asks.
NO_METRICS = {"METRICS_PORT": "0"}


def process_environment(env: dict[str, str]) -> dict[str, str]:
    """The test's environment without gateway settings, plus a small pool and `env`."""
    inherited = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "REDIS_CLUSTER", "PUBLIC_BASE_URL")
        and not k.startswith(("DB_", "METRICS_", "PROMETHEUS_"))
    }
    # The project importable from any working directory, installed or not.
    path = os.pathsep.join(filter(None, [str(REPO_ROOT), inherited.get("PYTHONPATH")]))
    return {**inherited, "PYTHONPATH": path, **SMALL_POOL, **NO_METRICS, **env}


def cli(env: dict[str, str], *args: str, cwd: Path | None = None) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "gateway.cli", *args],
        env=process_environment(env),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def seed(env: dict[str, str]) -> dict[str, str]:
    """`invoice-gateway migrate` and `seed-demo --json` run as the commands."""
    cli(env, "migrate")
    credentials: dict[str, str] = json.loads(cli(env, "seed-demo", "--json"))
    return credentials


def seed_in_process(database_url: str) -> dict[str, str]:
    """`invoice-gateway migrate` and `seed-demo --json`, without starting two interpreters
    (seconds each on a busy machine); tests/e2e/test_cli_embedded.py runs the commands."""
    settings = Settings(database_url=database_url, database_pool=DatabasePool(size=1))
    run_in_thread(upgrade, database_url)

    async def seeded() -> DemoCredentials:
        runtime = Runtime.open(settings)
        try:
            return await seed_demo(runtime)
        finally:
            await runtime.close()

    demo = run_coroutine(seeded)
    return {"client_key": demo.client_key, "client_secret": demo.client_secret}


@contextlib.contextmanager
def gateway_processes(
    env: dict[str, str],
    count: int,
    cwd: Path | None = None,
    log: Path | None = None,
    log_level: str = "warning",
    serve_args: Sequence[str] = (),
    pids: list[int] | None = None,
) -> Iterator[list[str]]:
    """`count` gateway servers on free ports; yields their base URLs. With `log`, their
    output (warnings and errors, or down to `log_level`) is appended to that file;
    `serve_args` go to each `serve` command (`--workers 2`); `pids` gets their ids."""
    with _output(log) as sink:
        procs: list[subprocess.Popen[bytes]] = []
        urls: list[str] = []
        try:
            for _ in range(count):
                port = free_port()
                procs.append(
                    subprocess.Popen(
                        [
                            sys.executable,
                            "-m",
                            "gateway.cli",
                            "serve",
                            "--port",
                            str(port),
                            *serve_args,
                        ],
                        env={**process_environment(env), "LOG_LEVEL": log_level},
                        cwd=cwd,
                        stdout=sink,
                        stderr=sink,
                    )
                )
                urls.append(f"http://127.0.0.1:{port}")
            for url, proc in zip(urls, procs, strict=True):
                _wait_healthy(url, proc)
            if pids is not None:
                pids.extend(proc.pid for proc in procs)
            yield urls
        finally:
            for proc in procs:
                proc.terminate()
            for proc in procs:
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


@contextlib.contextmanager
def _output(log: Path | None) -> Iterator[IO[bytes] | int]:
    if log is None:
        yield subprocess.DEVNULL
        return
    with open(log, "ab") as sink:
        yield sink


def _wait_healthy(url: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gateway at {url} exited with {proc.returncode}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"gateway at {url} did not become healthy")
