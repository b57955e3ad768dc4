"""Two OS processes share one Redis sliding log: the limit holds across them, on one
Redis server and on a Redis Cluster."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.redis

PROJECT_ROOT = Path(__file__).resolve().parents[2]
HITS_PER_PROCESS = 75
LIMIT = 100

# argv: url, cluster (0|1), key, hits, limit. Warms up (connection pool, script cache),
# prints "ready", waits for "go" on stdin, fires all hits at once and prints how many
# were allowed.
CHILD = """
import asyncio, sys
from gateway.store.factory import open_store

async def main(url: str, cluster: bool, key: str, hits: int, limit: int) -> None:
    store = open_store(url, cluster=cluster)
    try:
        await asyncio.gather(*(store.hit_rate_limit("warm-up", 1, 60) for _ in range(hits)))
        print("ready", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        decisions = await asyncio.gather(
            *(store.hit_rate_limit(key, limit, 60) for _ in range(hits))
        )
        print(sum(d.allowed for d in decisions), flush=True)
    finally:
        await store.close()

asyncio.run(
    main(sys.argv[1], sys.argv[2] == "1", sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
)
"""


async def spawn(url: str, cluster: bool) -> asyncio.subprocess.Process:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    return await asyncio.create_subprocess_exec(
        sys.executable,
        *("-c", CHILD, url, str(int(cluster)), "shared", str(HITS_PER_PROCESS), str(LIMIT)),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        env=env,
    )


async def read_line(process: asyncio.subprocess.Process) -> str:
    assert process.stdout is not None
    line = await asyncio.wait_for(process.stdout.readline(), 15)
    return line.decode().strip()


@pytest.mark.parametrize("cluster", [False, True], ids=["redis", "redis-cluster"])
async def test_two_processes_share_the_limit(cluster: bool, request: pytest.FixtureRequest) -> None:
    url: str = request.getfixturevalue("redis_cluster_url" if cluster else "clean_redis_url")
    children = [await spawn(url, cluster) for _ in range(2)]
    try:
        assert [await read_line(child) for child in children] == ["ready", "ready"]
        for child in children:
            assert child.stdin is not None
            child.stdin.write(b"go\n")
            await child.stdin.drain()
        allowed = [int(await read_line(child)) for child in children]
        assert [await child.wait() for child in children] == [0, 0]
    finally:
        for child in children:
            if child.returncode is None:
                child.kill()
                await child.wait()

    assert sum(allowed) == LIMIT
    # Whatever the interleaving, each process gets at least what the other leaves over.
    assert all(LIMIT - HITS_PER_PROCESS <= count <= HITS_PER_PROCESS for count in allowed)
