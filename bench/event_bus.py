"""Redis pub/sub against PostgreSQL LISTEN/NOTIFY as the wake-up bus between gateway
processes (gateway.event_bus): latency from publish to delivery, and the CPU the
publishing and listening process, and the server (Redis, or the two PostgreSQL backends),
spend per message. Servers on this machine: their CPU is read from /proc. Not a test;
prints one table.

    BENCH_REDIS_URL (redis://127.0.0.1:6379/13), BENCH_POSTGRES_DSN
    (postgresql://postgres@127.0.0.1:5432/postgres), BENCH_MESSAGES (2000),
    BENCH_RATE (500 messages per second)

    PYTHONPATH=. .venv/bin/python -m bench.event_bus
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import asyncpg
from redis.asyncio import Redis

CHANNEL = "igw_bench_events"


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU of any local process (a server's), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _drive(
    publish: Callable[[str], Awaitable[None]],
    received: asyncio.Queue[tuple[str, float]],
    count: int,
    rate: float,
    server_pids: list[int],
) -> tuple[list[float], float, float]:
    latencies: list[float] = []
    server_start = sum(process_cpu_seconds(pid) for pid in server_pids)
    cpu_start = time.process_time()
    interval = 1 / rate
    started = time.perf_counter()
    for n in range(count):
        await asyncio.sleep(max(0.0, started + n * interval - time.perf_counter()))
        await publish(f"app_bench {n} {time.perf_counter()}")
    while len(latencies) < count:
        text, arrived = await asyncio.wait_for(received.get(), timeout=10)
        latencies.append(arrived - float(text.split(" ")[2]))
    client = time.process_time() - cpu_start
    return latencies, client, sum(process_cpu_seconds(pid) for pid in server_pids) - server_start


async def redis_bus(url: str, count: int, rate: float) -> tuple[list[float], float, float]:
    publisher: Redis = Redis.from_url(url)
    listener: Redis = Redis.from_url(url)
    server_pid = int((await publisher.info("server"))["process_id"])
    received: asyncio.Queue[tuple[str, float]] = asyncio.Queue()
    async with listener.pubsub(ignore_subscribe_messages=True) as pubsub:
        await pubsub.subscribe(CHANNEL)

        async def listen() -> None:
            async for message in pubsub.listen():
                received.put_nowait((message["data"].decode(), time.perf_counter()))

        task = asyncio.create_task(listen())

        async def publish(text: str) -> None:
            await publisher.publish(CHANNEL, text)

        try:
            return await _drive(publish, received, count, rate, [server_pid])
        finally:
            task.cancel()
            await publisher.aclose()
            await listener.aclose()


async def postgres_bus(dsn: str, count: int, rate: float) -> tuple[list[float], float, float]:
    publisher = await asyncpg.connect(dsn)
    listener = await asyncpg.connect(dsn)
    backends = [await c.fetchval("SELECT pg_backend_pid()") for c in (publisher, listener)]
    received: asyncio.Queue[tuple[str, float]] = asyncio.Queue()

    def on_notify(_connection: object, _pid: int, _channel: str, payload: str) -> None:
        received.put_nowait((payload, time.perf_counter()))

    await listener.add_listener(CHANNEL, on_notify)

    async def publish(text: str) -> None:
        await publisher.execute("SELECT pg_notify($1, $2)", CHANNEL, text)

    try:
        return await _drive(publish, received, count, rate, backends)
    finally:
        await listener.close()
        await publisher.close()


def _row(name: str, latencies: list[float], client: float, server: float) -> str:
    ms = sorted(x * 1000 for x in latencies)
    p99 = ms[int(len(ms) * 0.99) - 1]
    per_thousand = 1000 * 1000 / len(ms)  # milliseconds per 1000 messages
    return (
        f"| {name} | {statistics.median(ms):.2f} | {p99:.2f} | {max(ms):.2f} "
        f"| {client * per_thousand:.0f} | {server * per_thousand:.0f} |"
    )


async def main() -> None:
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
    dsn = os.environ.get("BENCH_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
    count = int(os.environ.get("BENCH_MESSAGES", "2000"))
    rate = float(os.environ.get("BENCH_RATE", "500"))
    print(f"{count} wake-ups at {rate:.0f}/s; load average {os.getloadavg()[0]:.1f}")
    print("| bus | p50 ms | p99 ms | max ms | client CPU ms / 1000 | server CPU ms / 1000 |")
    print("| --- | --- | --- | --- | --- | --- |")
    for _round in range(2):
        print(_row("Redis pub/sub", *await redis_bus(redis_url, count, rate)))
        print(_row("PostgreSQL NOTIFY", *await postgres_bus(dsn, count, rate)))


if __name__ == "__main__":
    asyncio.run(main())
