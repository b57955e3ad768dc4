"""Real gateway processes (`invoice-gateway serve`) for end-to-end tests."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from tests.servers import free_port

REPO_ROOT = Path(__file__).resolve().parents[2]


def process_environment(env: dict[str, str]) -> dict[str, str]:
    """The test's environment without gateway settings, plus `env`."""
    settings = ("DATABASE_URL", "REDIS_URL", "PUBLIC_BASE_URL")
    inherited = {k: v for k, v in os.environ.items() if k not in settings}
    # The project importable from any working directory, installed or not.
    path = os.pathsep.join(filter(None, [str(REPO_ROOT), inherited.get("PYTHONPATH")]))
    return {**inherited, "PYTHONPATH": path, **env}


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
    cli(env, "migrate")
    credentials: dict[str, str] = json.loads(cli(env, "seed-demo", "--json"))
    return credentials


@contextlib.contextmanager
def gateway_processes(
    env: dict[str, str], count: int, cwd: Path | None = None
) -> Iterator[list[str]]:
    """`count` gateway servers on free ports; yields their base URLs."""
    procs: list[subprocess.Popen[bytes]] = []
    urls: list[str] = []
    try:
        for _ in range(count):
            port = free_port()
            procs.append(
                subprocess.Popen(
                    [sys.executable, "-m", "gateway.cli", "serve", "--port", str(port)],
                    env={**process_environment(env), "LOG_LEVEL": "warning"},
                    cwd=cwd,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            urls.append(f"http://127.0.0.1:{port}")
        for url, proc in zip(urls, procs, strict=True):
            _wait_healthy(url, proc)
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
