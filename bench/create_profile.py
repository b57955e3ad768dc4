"""CPU per create, in one process: the gateway's REST and GraphQL creates against the
bare create, alternately, on a fresh PostgreSQL database and a flushed Redis database.

    PYTHONPATH=. .venv/bin/python -m bench.create_profile [-n 300] [--block 10]
        [--profile rest|graphql] [--database-url URL] [--redis-url URL]

Every request goes through httpx's ASGITransport (no server, no socket), so the CPU
measured (time.process_time around each request) is the app's and the client's. The
client's share is measured too: a no-op ASGI app that reads the request and answers
with the same bytes the real app answered (status, headers, body) takes the same
requests, and its CPU per request is subtracted from each side's. What remains is the
app's own CPU, without PostgreSQL's and Redis's (other processes), as the bench's
per-server CPU figure is. Blocks of `--block` requests alternate noop, bare, REST,
GraphQL, so a noisy minute falls on all of them; each block ends with a short sleep
inside its timing, so work an app leaves to tasks after answering is counted as its own.

--profile runs pyinstrument over the REST, GraphQL or bare creates only (after the
measured rounds) and prints its text report.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from starlette.types import Receive, Scope, Send

from bench import workload
from bench.baseline import create_bare_app
from bench.counts import in_process, send
from bench.resources import DEFAULT_DATABASE_URL, postgres_database, redis_database
from bench.workload import KEY, RequestTemplate
from gateway.app import create_app
from gateway.db.migrate import upgrade
from gateway.services.demo import seed_demo
from gateway.settings import Settings

SIDES = ("noop-rest", "noop-graphql", "bare", "rest", "graphql")


class Canned:
    """An ASGI app that reads the request body and answers with recorded bytes."""

    def __init__(self) -> None:
        self.status = 200
        self.headers: list[tuple[bytes, bytes]] = []
        self.body = b""

    def record(self, answer: httpx.Response) -> None:
        self.status = answer.status_code
        self.headers = [(k.encode(), v.encode()) for k, v in answer.headers.items()]
        self.body = answer.content

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        more = True
        while more:
            message = await receive()
            more = message.get("more_body", False)
        await send({"type": "http.response.start", "status": self.status, "headers": self.headers})
        await send({"type": "http.response.body", "body": self.body})


@dataclass
class Tally:
    seconds: list[float] = field(default_factory=list)  # CPU per block
    requests: int = 0

    def per_request_ms(self) -> float:
        return 1000 * sum(self.seconds) / self.requests

    def block_medians_ms(self, block: int) -> float:
        return 1000 * statistics.median(self.seconds) / block


async def timed_block(
    call: Callable[[str], Awaitable[Any]], prefix: str, count: int, tally: Tally
) -> None:
    start = time.process_time()
    for number in range(count):
        await call(f"{prefix}-{number}")
    await asyncio.sleep(0.002)  # tasks an app started after answering finish in its time
    tally.seconds.append(time.process_time() - start)
    tally.requests += count


def sender(client: httpx.AsyncClient, template: RequestTemplate) -> Callable[[str], Awaitable[Any]]:
    async def call(key: str) -> Any:
        return await send(client, template, key)

    return call


async def recorded(
    client: httpx.AsyncClient, template: RequestTemplate, key: str, canned: Canned
) -> None:
    headers = {name: value.replace(KEY, key) for name, value in template.headers.items()}
    body = template.body.replace(KEY.encode(), key.encode())
    answer = await client.request(template.method, template.path, headers=headers, content=body)
    canned.record(answer)


async def run(args: argparse.Namespace, database_url: str, redis_url: str) -> int:
    env = {
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "RATE_LIMIT_PER_MINUTE": "100000000",
        "LOG_LEVEL": "warning",
    }
    settings = Settings.from_env(env)
    rest_t, gql_t = workload.rest_create(), workload.graphql_create()
    bare_t = workload.rest_create(workload.BARE_CREATE_PATH)
    canned_rest, canned_gql = Canned(), Canned()
    transport_rest = httpx.ASGITransport(app=canned_rest)
    transport_gql = httpx.ASGITransport(app=canned_gql)
    async with (
        in_process(create_app(settings)) as (gateway, state),
        in_process(create_bare_app(settings)) as (bare, _own),
        httpx.AsyncClient(transport=transport_rest, base_url="http://bench.local") as noop_r,
        httpx.AsyncClient(transport=transport_gql, base_url="http://bench.local") as noop_g,
    ):
        await seed_demo(state["runtime"])
        await recorded(gateway, rest_t, "canned-r", canned_rest)
        await recorded(gateway, gql_t, "canned-g", canned_gql)
        calls = {
            "noop-rest": sender(noop_r, rest_t),
            "noop-graphql": sender(noop_g, gql_t),
            "bare": sender(bare, bare_t),
            "rest": sender(gateway, rest_t),
            "graphql": sender(gateway, gql_t),
        }
        for side in SIDES:  # warm-up: caches, pools, prepared statements
            await timed_block(calls[side], f"warm-{side}", args.warmup, Tally())
        tallies = {side: Tally() for side in SIDES}
        blocks = max(1, args.n // args.block)
        for number in range(blocks):
            for side in SIDES:
                await timed_block(calls[side], f"{side}-{number}", args.block, tallies[side])
        report(tallies, args)
        if args.profile:
            await profile(calls[args.profile], args)
    return 0


def report(tallies: dict[str, Tally], args: argparse.Namespace) -> None:
    ms = {side: tally.per_request_ms() for side, tally in tallies.items()}
    med = {side: tally.block_medians_ms(args.block) for side, tally in tallies.items()}
    own = {
        "bare": (ms["bare"] - ms["noop-rest"], med["bare"] - med["noop-rest"]),
        "rest": (ms["rest"] - ms["noop-rest"], med["rest"] - med["noop-rest"]),
        "graphql": (ms["graphql"] - ms["noop-graphql"], med["graphql"] - med["noop-graphql"]),
    }
    count = tallies["bare"].requests
    print(f"{count} requests per side, blocks of {args.block}, load {os.getloadavg()[0]:.1f}")
    print("side           CPU ms/req (mean)  (median block)  app's own (mean, median block)")
    for side in SIDES:
        extra = ""
        if side in own:
            extra = f"{own[side][0]:8.2f} {own[side][1]:8.2f}"
        print(f"{side:14s} {ms[side]:17.2f} {med[side]:15.2f}   {extra}")
    for side in ("rest", "graphql"):
        mean = own["bare"][0] / own[side][0]
        median = own["bare"][1] / own[side][1]
        raw = ms["bare"] / ms[side]
        print(
            f"ratio bare/{side}: {mean:.2f} (app's own CPU, means), {median:.2f} (medians); "
            f"{raw:.2f} with the client's CPU"
        )


async def profile(call: Callable[[str], Awaitable[Any]], args: argparse.Namespace) -> None:
    from pyinstrument import Profiler
    from pyinstrument.stack_sampler import get_stack_sampler

    # Samples in CPU time: waits on PostgreSQL and Redis (other processes) take none.
    get_stack_sampler().timer_func = time.process_time
    profiler = Profiler(interval=0.0005, async_mode="disabled")
    profiler.start()
    for number in range(args.profile_n):
        await call(f"profile-{number}")
    profiler.stop()
    show_all = bool(os.environ.get("PROFILE_ALL"))  # the library frames too
    print(profiler.output_text(unicode=False, color=False, show_all=show_all))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=300, help="measured requests per side")
    parser.add_argument("--block", type=int, default=10, help="requests per timed block")
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--profile", choices=("rest", "graphql", "bare"))
    parser.add_argument("--profile-n", type=int, default=300)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    args = parser.parse_args()
    with (
        postgres_database(args.database_url) as database_url,
        redis_database(args.redis_url) as redis_url,
    ):
        upgrade(database_url)
        return asyncio.run(run(args, database_url, redis_url))


if __name__ == "__main__":
    sys.exit(main())
