"""GraphQL subscriptions under load: N subscribers spread over two gateway processes (on
PostgreSQL and Redis) and several apps, events made over REST at a fixed rate on both
processes; every subscriber must receive every event of its app, in order, once. Prints
the figures, among them the memory an idle subscription costs a gateway process.

    PYTHONPATH=. .venv/bin/python -m bench.subscription_load

    BENCH_SUBSCRIBERS (500), BENCH_APPS (5), BENCH_RATE (50 events/s), BENCH_SECONDS (30),
    BENCH_POSTGRES_DSN (postgresql://postgres@127.0.0.1:5432), BENCH_REDIS_URL
    (redis://127.0.0.1:6379/13)

tests/e2e/test_subscription_load.py runs `measure` small (100 subscribers, 5 s).
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from websockets.asyncio.client import ClientConnection, connect

from tests.subscription_client import PROTOCOL, SUBSCRIPTION, socket_url

TAXES = "/api/v0/taxes"
OPEN_BATCH = 50


@dataclass
class Subscriber:
    url: str
    credentials: dict[str, str]
    app: int
    cursors: list[int] = field(default_factory=list)
    arrived: list[float] = field(default_factory=list)
    closed: str | None = None
    ready: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass(frozen=True)
class Figures:
    subscribers: int
    apps: int
    events: int
    seconds: float
    refused: int  # creates answered 503 (and made again): the machine was overloaded
    delivered: int
    complete: int  # subscribers that got exactly their app's events, in order
    closed: int
    lag_p50_ms: float
    lag_p99_ms: float
    rss_before_mib: float
    rss_subscribed_mib: float
    rss_after_mib: float

    @property
    def kib_per_idle_subscription(self) -> float:
        return (self.rss_subscribed_mib - self.rss_before_mib) * 1024 / self.subscribers

    def lines(self) -> list[str]:
        return [
            f"{self.subscribers} subscribers over 2 processes and {self.apps} apps; "
            f"{self.events} events in {self.seconds:.1f} s ({self.refused} creates refused "
            "with 503 and made again)",
            f"delivered {self.delivered} messages; {self.complete}/{self.subscribers} "
            f"subscribers got every event of their app once, in order; {self.closed} closed",
            f"lag from the REST answer to delivery: p50 {self.lag_p50_ms:.1f} ms, "
            f"p99 {self.lag_p99_ms:.1f} ms",
            f"gateway RSS (both processes): {self.rss_before_mib:.1f} MiB before, "
            f"{self.rss_subscribed_mib:.1f} MiB with every subscriber idle, "
            f"{self.rss_after_mib:.1f} MiB after the run",
            f"memory per idle subscription: {self.kib_per_idle_subscription:.1f} KiB",
        ]


def rss_mib(pids: Sequence[int]) -> float:
    total = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


async def _follow(subscriber: Subscriber, stop: asyncio.Event) -> None:
    query = SUBSCRIPTION % "cursor"
    init = {"type": "connection_init", "payload": subscriber.credentials}
    subscribe = {"id": "1", "type": "subscribe", "payload": {"query": query, "variables": {}}}
    subscribe["payload"]["variables"] = {"after": "0"}
    socket: ClientConnection
    async with connect(socket_url(subscriber.url), subprotocols=[PROTOCOL]) as socket:
        await socket.send(json.dumps(init))
        ack = json.loads(await socket.recv())
        assert ack["type"] == "connection_ack", ack
        await socket.send(json.dumps(subscribe))
        subscriber.ready.set()
        receiving = asyncio.ensure_future(socket.recv())
        stopping = asyncio.ensure_future(stop.wait())
        try:
            while True:
                done, _ = await asyncio.wait(
                    {receiving, stopping}, return_when=asyncio.FIRST_COMPLETED
                )
                if receiving not in done:
                    return
                message = json.loads(receiving.result())
                if message["type"] != "next":
                    subscriber.closed = str(message)
                    return
                cursor = message["payload"]["data"]["invoiceEvents"]["cursor"]
                subscriber.cursors.append(int(cursor))
                subscriber.arrived.append(time.monotonic())
                receiving = asyncio.ensure_future(socket.recv())
        except Exception as exc:
            subscriber.closed = repr(exc)
        finally:
            receiving.cancel()
            stopping.cancel()


async def _make_events(
    client: httpx.AsyncClient,
    urls: Sequence[str],
    apps: Sequence[dict[str, str]],
    rate: float,
    seconds: float,
) -> tuple[list[list[float]], int, int]:
    """Taxes created at `rate` per second, apps and processes in turn; per app, the time
    each create was answered (in the order of the events)."""
    answered: list[list[tuple[int, float]]] = [[] for _ in apps]
    total = int(rate * seconds)
    refused = 0
    started = time.monotonic()

    async def create(n: int) -> None:
        nonlocal refused
        app = n % len(apps)
        body = {"name": f"Tax {n}", "percentage": 5, "description": "load"}
        while True:
            url = f"{urls[n % len(urls)]}{TAXES}"
            response = await client.post(url, json=body, headers=apps[app])
            if response.status_code != 503:  # an overloaded machine: try again
                break
            refused += 1
            await asyncio.sleep(0.5)
        assert response.status_code == 201, response.text
        answered[app].append((n, time.monotonic()))

    tasks = []
    for n in range(total):
        await asyncio.sleep(max(0.0, started + n / rate - time.monotonic()))
        tasks.append(asyncio.create_task(create(n)))
    await asyncio.gather(*tasks)
    return [[at for _n, at in sorted(times)] for times in answered], total, refused


async def _feed(client: httpx.AsyncClient, url: str, credentials: dict[str, str]) -> list[int]:
    """Every cursor of the app's pull feed."""
    cursors: list[int] = []
    after = "0"
    query = "query P($after: String) { events(first: 100, after: $after) { edges { cursor } } }"
    while True:
        body = {"query": query, "variables": {"after": after}}
        response = await client.post(f"{url}/graphql", json=body, headers=credentials)
        edges = response.json()["data"]["events"]["edges"]
        if not edges:
            return cursors
        cursors.extend(int(edge["cursor"]) for edge in edges)
        after = edges[-1]["cursor"]


async def _settled(followers: Sequence[Subscriber], expected: list[list[int]]) -> None:
    """Until every subscriber has as many events as its app's feed, or one minute."""
    deadline = time.monotonic() + 60
    for follower in followers:
        while len(follower.cursors) < len(expected[follower.app]) and follower.closed is None:
            if time.monotonic() > deadline:
                return
            await asyncio.sleep(0.2)


async def measure(
    urls: Sequence[str],
    pids: Sequence[int],
    apps: Sequence[dict[str, str]],
    *,
    subscribers: int,
    rate: float,
    seconds: float,
) -> Figures:
    followers = [
        Subscriber(urls[n % len(urls)], apps[n % len(apps)], n % len(apps))
        for n in range(subscribers)
    ]
    stop = asyncio.Event()
    limits = httpx.Limits(max_connections=64)
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:
        await asyncio.sleep(1)
        before = rss_mib(pids)
        tasks = []
        for start in range(0, subscribers, OPEN_BATCH):
            batch = followers[start : start + OPEN_BATCH]
            tasks.extend(asyncio.create_task(_follow(s, stop)) for s in batch)
            await asyncio.wait_for(asyncio.gather(*(s.ready.wait() for s in batch)), 60)
        await asyncio.sleep(2)  # every subscription reached its hub
        subscribed = rss_mib(pids)
        answered, total, refused = await _make_events(client, urls, apps, rate, seconds)
        expected = [await _feed(client, urls[0], credentials) for credentials in apps]
        await _settled(followers, expected)
        after = rss_mib(pids)
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
    lags = [
        (arrived - answered[s.app][k]) * 1000
        for s in followers
        for k, arrived in enumerate(s.arrived[: len(answered[s.app])])
    ]
    lags.sort()
    return Figures(
        subscribers=subscribers,
        apps=len(apps),
        events=total,
        seconds=seconds,
        refused=refused,
        delivered=sum(len(s.cursors) for s in followers),
        complete=sum(s.cursors == expected[s.app] for s in followers),
        closed=sum(s.closed is not None for s in followers),
        lag_p50_ms=statistics.median(lags) if lags else 0.0,
        lag_p99_ms=lags[int(len(lags) * 0.99) - 1] if lags else 0.0,
        rss_before_mib=before,
        rss_subscribed_mib=subscribed,
        rss_after_mib=after,
    )


async def new_apps(database_url: str, count: int) -> list[dict[str, str]]:
    """`count` fresh apps (no events yet); their credentials as request headers."""
    from gateway.runtime import Runtime
    from gateway.services.tenants import create_app_with_credential
    from gateway.settings import DatabasePool, Settings

    settings = Settings(database_url=database_url, database_pool=DatabasePool(size=1))
    runtime = Runtime.open(settings)
    try:
        made = [
            await create_app_with_credential(runtime, f"Load {uuid.uuid4().hex[:8]}")
            for _ in range(count)
        ]
    finally:
        await runtime.close()
    return [
        {"x-client-key": m.credential.client_key, "x-client-secret": m.credential.client_secret}
        for m in made
    ]


def main() -> None:
    from gateway.db.migrate import upgrade
    from tests import servers
    from tests.e2e.gateway_process import gateway_processes

    server = os.environ.get("BENCH_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432")
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
    name = f"bench_{uuid.uuid4().hex[:12]}"
    admin = servers.postgres_dsn(server, "postgres")
    servers.postgres_execute(admin, f'CREATE DATABASE "{name}"')
    database_url = servers.postgres_dsn(server, name, driver="postgresql+asyncpg")
    env = {"DATABASE_URL": database_url, "REDIS_URL": redis_url, "RATE_LIMIT_PER_MINUTE": "100000"}
    try:
        servers.run_in_thread(upgrade, database_url)
        apps = asyncio.run(new_apps(database_url, int(os.environ.get("BENCH_APPS", "5"))))
        pids: list[int] = []
        with gateway_processes({**env, "DB_POOL_SIZE": "5"}, 2, pids=pids) as urls:
            figures = asyncio.run(
                measure(
                    urls,
                    pids,
                    apps,
                    subscribers=int(os.environ.get("BENCH_SUBSCRIBERS", "500")),
                    rate=float(os.environ.get("BENCH_RATE", "50")),
                    seconds=float(os.environ.get("BENCH_SECONDS", "30")),
                )
            )
        print(f"load average {os.getloadavg()[0]:.1f}")
        print("\n".join(figures.lines()))
    finally:
        servers.postgres_execute(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
