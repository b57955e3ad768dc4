"""RedisStore when Redis is down: every call fails fast, and it recovers by itself."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from gateway.store.base import StoredResponse, StoreUnavailableError
from gateway.store.redis_store import RedisStore

REDIS_SERVER = Path("/usr/bin/redis-server")
FAST_FAILURE_SECONDS = 2.0

pytestmark = pytest.mark.redis

Operation = Callable[[RedisStore], Awaitable[object]]

OPERATIONS: dict[str, Operation] = {
    "hit_rate_limit": lambda s: s.hit_rate_limit("k", 10, 60),
    "claim_idempotency": lambda s: s.claim_idempotency("k", "fp", 30),
    "complete_idempotency": lambda s: s.complete_idempotency(
        "k", "owner", StoredResponse(200, b"x"), 60
    ),
    "release_idempotency": lambda s: s.release_idempotency("k", "owner"),
    "ping": lambda s: s.ping(),
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def assert_unavailable_fast(store: RedisStore, operation: Operation) -> None:
    started = time.monotonic()
    with pytest.raises(StoreUnavailableError):
        await operation(store)
    assert time.monotonic() - started < FAST_FAILURE_SECONDS


@pytest.mark.parametrize("cluster", [False, True], ids=["redis", "redis-cluster"])
@pytest.mark.parametrize("name", OPERATIONS)
async def test_closed_port_fails_fast(name: str, cluster: bool) -> None:
    url = f"redis://127.0.0.1:{free_port()}/0"
    store = RedisStore.from_cluster_url(url) if cluster else RedisStore.from_url(url)
    try:
        await assert_unavailable_fast(store, OPERATIONS[name])
        await assert_unavailable_fast(store, OPERATIONS[name])  # and again, no state left
    finally:
        await store.close()


class ThrowawayRedis:
    """A redis-server child process on a fixed port, without persistence."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self._process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self._process = await asyncio.create_subprocess_exec(
            str(REDIS_SERVER),
            *("--port", str(self.port), "--bind", "127.0.0.1"),
            *("--save", "", "--appendonly", "no"),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not await self._answers():
            if self._process.returncode is not None or time.monotonic() > deadline:
                await self.kill()
                pytest.fail(f"redis-server did not start on port {self.port}")
            await asyncio.sleep(0.02)

    async def _answers(self) -> bool:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        except OSError:
            return False
        try:
            writer.write(b"PING\r\n")
            await writer.drain()
            return await asyncio.wait_for(reader.readline(), 1) == b"+PONG\r\n"
        except (OSError, TimeoutError):
            return False
        finally:
            writer.close()
            await writer.wait_closed()

    async def kill(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.returncode is None:
            process.kill()
        if process is not None:
            await process.wait()


@pytest.fixture
async def throwaway_redis() -> AsyncIterator[ThrowawayRedis]:
    server = ThrowawayRedis(free_port())
    await server.start()
    try:
        yield server
    finally:
        await server.kill()


@pytest.mark.skipif(not REDIS_SERVER.exists(), reason=f"{REDIS_SERVER} is not installed")
async def test_same_instance_recovers_after_a_restart(throwaway_redis: ThrowawayRedis) -> None:
    store = RedisStore.from_url(throwaway_redis.url)
    try:
        await store.ping()
        assert (await store.hit_rate_limit("k", 5, 60)).remaining == 4
        # A few pooled connections, so stale ones are in the pool after the restart.
        await asyncio.gather(*(store.hit_rate_limit("burst", 100, 60) for _ in range(20)))

        await throwaway_redis.kill()
        for operation in OPERATIONS.values():
            await assert_unavailable_fast(store, operation)

        await throwaway_redis.start()  # same port, empty data, empty script cache
        await store.ping()
        assert (await store.hit_rate_limit("k", 5, 60)).remaining == 4
        decisions = await asyncio.gather(
            *(store.hit_rate_limit("burst", 100, 60) for _ in range(20))
        )
        assert all(d.allowed for d in decisions)
        claim = await store.claim_idempotency("idem", "fp", 30)
        assert claim.owner is not None
    finally:
        await store.close()


@pytest.mark.parametrize("name", OPERATIONS)
async def test_an_unanswered_command_fails_at_its_deadline_and_leaves_no_stale_reply(
    name: str, redis_url: str
) -> None:
    """A Redis that stops answering (paused): the call fails at the deadline, and once
    Redis answers again the next call gets its own reply, not the late one."""
    import redis.asyncio as aioredis

    store = RedisStore.from_url(redis_url, command_timeout=0.3)
    admin = aioredis.Redis.from_url(redis_url)
    try:
        await store.hit_rate_limit("paused", 10, 60)  # connected, script loaded
        await admin.execute_command("CLIENT", "PAUSE", "1000", "ALL")
        started = time.monotonic()
        with pytest.raises(StoreUnavailableError):
            await OPERATIONS[name](store)
        assert 0.25 < time.monotonic() - started < 0.9
        await admin.execute_command("CLIENT", "UNPAUSE")
        decision = await store.hit_rate_limit("paused", 10, 60)
        assert decision.allowed
        assert decision.remaining in (8, 7)  # the cut-short hit may have counted once
        claim = await store.claim_idempotency("paused-claim", "fp", 30)
        assert claim.owner is not None
    finally:
        await admin.aclose()
        await store.close()
