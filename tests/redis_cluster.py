"""A throwaway three-node Redis Cluster (three primaries, no replicas) for the test suite.

Started from the local binaries (`redis-server --cluster-enabled yes` on three free ports,
joined with `redis-cli --cluster create`), in a temporary directory, without persistence;
stopped and removed at the end.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import redis

from tests.servers import LOCALHOST, ServerError, free_port, redis_answers, stop_process

NODES = 3


def _start_node(binary: str, workdir: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    node_dir = workdir / str(port)
    node_dir.mkdir()
    log = open(node_dir / "redis.log", "wb")  # noqa: SIM115 (the process owns it)
    with log:
        proc = subprocess.Popen(
            [
                binary,
                *("--port", str(port), "--bind", LOCALHOST),
                # The cluster bus on a port of its own, not port + 10000 (which a free
                # port near the top of the range does not have).
                *("--cluster-enabled", "yes", "--cluster-port", str(free_port())),
                *("--cluster-config-file", str(node_dir / "nodes.conf")),
                *("--save", "", "--appendonly", "no", "--dir", str(node_dir)),
            ],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    return proc, port


def _wait(condition: str, check: Callable[[], bool], deadline: float) -> None:
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise ServerError(f"redis cluster: timed out waiting until {condition}")


def _cluster_ok(ports: list[int]) -> bool:
    for port in ports:
        with redis.Redis(host=LOCALHOST, port=port, socket_timeout=1) as client:
            info = client.execute_command("CLUSTER INFO")  # parsed into a dict
            if info.get("cluster_state") != "ok":
                return False
            if int(info.get("cluster_known_nodes", 0)) != len(ports):
                return False
    return True


@contextlib.contextmanager
def throwaway_redis_cluster() -> Iterator[list[str]]:
    """Yield the nodes' URLs (``redis://127.0.0.1:<port>``), all slots assigned."""
    server, cli = shutil.which("redis-server"), shutil.which("redis-cli")
    if server is None or cli is None:
        raise ServerError(
            "redis-server and redis-cli are needed for the Redis Cluster tests; run "
            "scripts/test, which installs them"
        )
    workdir = Path(tempfile.mkdtemp(prefix="gateway-tests-redis-cluster-"))
    procs: list[subprocess.Popen[bytes]] = []
    try:
        ports: list[int] = []
        for _ in range(NODES):
            proc, port = _start_node(server, workdir)
            procs.append(proc)
            ports.append(port)
        deadline = time.monotonic() + 30
        for proc, port in zip(procs, ports, strict=True):
            if proc.poll() is not None:
                raise ServerError(f"redis-server on {port} exited with {proc.returncode}")
            _wait(
                f"the node on {port} answers",
                lambda port=port: redis_answers(LOCALHOST, port, timeout=0.5),  # type: ignore[misc]
                deadline,
            )
        created = subprocess.run(
            [
                cli,
                "--cluster",
                "create",
                *(f"{LOCALHOST}:{port}" for port in ports),
                *("--cluster-replicas", "0", "--cluster-yes"),
            ],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if created.returncode != 0:
            raise ServerError(f"redis-cli --cluster create failed:\n{created.stdout}")
        _wait("every node sees the cluster as ok", lambda: _cluster_ok(ports), deadline)
        yield [f"redis://{LOCALHOST}:{port}" for port in ports]
    finally:
        for proc in procs:
            stop_process(proc)
        shutil.rmtree(workdir, ignore_errors=True)


def flush(node_urls: list[str]) -> None:
    """Empty every node (each holds its own slots)."""
    for url in node_urls:
        with redis.Redis.from_url(url) as client:
            client.flushall()
