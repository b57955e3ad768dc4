"""The benchmark, end to end (bench/run calls `python -m bench.main`).

1. A fresh PostgreSQL database and a flushed Redis database number (bench.resources).
2. In-process: migrate, seed the demo app and 60 invoices of 3 items, count SQL
   statements per request for every scenario and page size (bench.counts).
3. The gateway and the baseline as real uvicorn servers, 1 worker each, on core 1.
4. Per scenario: a warm-up run of each, then rounds alternating gateway, baseline, ...
   with wrk (16 connections, 2 threads, core 0); INFO commandstats around each run.
5. One fixed-rate pass per scenario and server at half its measured rate.
6. Peak RSS per worker, then one table (bench.report).
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench import workload
from bench.counts import SEED_INVOICES, count_sql
from bench.loadgen import LoadResult, run_fixed_rate, run_wrk
from bench.report import render
from bench.resources import (
    DEFAULT_DATABASE_URL,
    DEFAULT_REDIS_URL,
    pg_sessions,
    postgres_database,
    redis_commands,
    redis_database,
)
from bench.results import Scenario, Side
from bench.servers import (
    Server,
    baseline_command,
    cpu_seconds,
    free_port,
    gateway_command,
    peak_rss_mib,
)
from bench.servers import serving as serving_servers
from gateway.db.migrate import upgrade
from gateway.settings import Settings


@dataclass(frozen=True)
class Config:
    database_url: str
    redis_url: str
    seconds: int
    rounds: int
    warmup: int
    half_seconds: int
    connections: int
    threads: int
    pin: bool

    @classmethod
    def from_env(cls) -> Config:
        env = os.environ.get
        return cls(
            database_url=env("BENCH_DATABASE_URL") or DEFAULT_DATABASE_URL,
            redis_url=env("BENCH_REDIS_URL") or DEFAULT_REDIS_URL,
            seconds=int(env("BENCH_SECONDS") or 6),
            rounds=int(env("BENCH_ROUNDS") or 3),
            warmup=int(env("BENCH_WARMUP") or 3),
            half_seconds=int(env("BENCH_HALF_SECONDS") or 12),
            connections=int(env("BENCH_CONNECTIONS") or 16),
            threads=int(env("BENCH_THREADS") or 2),
            pin=(os.cpu_count() or 1) >= 2 and shutil.which("taskset") is not None,
        )


@dataclass(frozen=True)
class Plan:
    """A scenario: the template files for each server and the throughput target."""

    name: str
    gateway_label: str
    gateway: Path
    baseline_label: str
    baseline: Path
    target: float


def plans(folder: Path) -> list[Plan]:
    def write(name: str, template: workload.RequestTemplate) -> Path:
        return template.write(folder / f"{name}.txt")

    bare_create = write("bare-create", workload.rest_create(workload.BARE_CREATE_PATH))
    page = write("gql-page", workload.graphql_invoices())
    bare_page = write("bare-page", workload.bare_invoices())
    rest = write("rest-create", workload.rest_create())
    mutation = write("gql-create", workload.graphql_create())
    bare = "bare POST /bare/invoices"
    bare_get = "bare GET /bare/invoices?first=20"
    return [
        Plan("invoices(first: 20) nested", "POST /graphql query", page, bare_get, bare_page, 0.5),
        Plan("createInvoice over REST", "POST /api/v0/invoices", rest, bare, bare_create, 0.7),
        Plan(
            "createInvoice over GraphQL", "POST /graphql mutation", mutation, bare, bare_create, 0.6
        ),
    ]


STATS_FLUSH_SECONDS = 1.2  # PostgreSQL backends report statistics about once a second


class Runner:
    def __init__(
        self, config: Config, servers: dict[str, Server], run_id: str, database_url: str
    ) -> None:
        self.config, self.servers, self.run_id = config, servers, run_id
        self.database_url = database_url
        self.load_core = "0" if config.pin else None
        self.runs = 0

    def _prefix(self) -> str:
        self.runs += 1
        return f"{self.run_id}-{self.runs}"

    def wrk(self, server: str, template: Path, seconds: int) -> LoadResult:
        c = self.config
        url = self.servers[server].url
        return run_wrk(
            url, template, self._prefix(), seconds, c.connections, c.threads, self.load_core
        )

    def scenario(self, plan: Plan, log: Callable[[str], None]) -> Scenario:
        gateway, baseline = Side(plan.gateway_label), Side(plan.baseline_label)
        sides = (("gateway", plan.gateway, gateway), ("baseline", plan.baseline, baseline))
        for server, template, _side in sides:
            self.wrk(server, template, self.config.warmup)
        for number in range(self.config.rounds):
            for server, template, side in sides:
                time.sleep(STATS_FLUSH_SECONDS)
                sessions = pg_sessions(self.config.database_url, self.database_url)
                before = redis_commands(self.config.redis_url)
                cpu = cpu_seconds(self.servers[server].pid)
                run = self.wrk(server, template, self.config.seconds)
                cpu = cpu_seconds(self.servers[server].pid) - cpu
                side.add(run, before, redis_commands(self.config.redis_url), cpu)
                time.sleep(STATS_FLUSH_SECONDS)
                side.pg_sessions += pg_sessions(self.config.database_url, self.database_url)
                side.pg_sessions -= sessions
                log(f"  {plan.name} round {number + 1} {server}: {run.rps:.0f} req/s")
        return Scenario(plan.name, gateway, baseline, plan.target)

    def half_load(self, server: str, template: Path, side: Side) -> None:
        url = self.servers[server].url
        rate = side.rps / 2
        seconds = self.config.half_seconds
        side.half = run_fixed_rate(url, template, self._prefix(), rate, seconds, self.load_core)


def _stop(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)  # unwinds: servers stopped, database dropped, Redis flushed


def main() -> int:
    signal.signal(signal.SIGTERM, _stop)
    config = Config.from_env()
    started = time.monotonic()
    load_before = os.getloadavg()[0]

    def log(message: str) -> None:
        print(f"[{time.monotonic() - started:5.0f}s] {message}", file=sys.stderr, flush=True)

    with (
        tempfile.TemporaryDirectory(prefix="bench-") as tmp,
        postgres_database(config.database_url) as database_url,
        redis_database(config.redis_url) as redis_url,
    ):
        env = {
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "RATE_LIMIT_PER_MINUTE": "100000000",
            "LOG_LEVEL": "warning",
        }
        log(f"database {database_url.rsplit('/', 1)[1]}, redis {redis_url}: migrating")
        upgrade(database_url)
        log(f"seeding {SEED_INVOICES} invoices and counting SQL in-process")
        sql = asyncio.run(count_sql(Settings.from_env(env), redis_url))
        folder = Path(tmp)
        commands = {
            "gateway": gateway_command(free_port()),
            "baseline": baseline_command(free_port()),
        }
        server_env = {**os.environ, **env}
        core = "1" if config.pin else None
        with serving_servers(commands, server_env, folder, core) as servers:
            runner = Runner(config, servers, secrets.token_hex(4), database_url)
            scenarios = []
            for plan in plans(folder):
                log(f"{plan.name}: warm-up, then {config.rounds} alternating rounds")
                scenario = runner.scenario(plan, log)
                scenarios.append(scenario)
                if config.half_seconds > 0:
                    # Straight after the rounds: the page pass must see the table the page
                    # rounds saw, not the one the later creates have grown.
                    log(f"{plan.name}: fixed-rate passes at half of each measured maximum")
                    runner.half_load("gateway", plan.gateway, scenario.gateway)
                    runner.half_load("baseline", plan.baseline, scenario.baseline)
            rss = {name: peak_rss_mib(server.pid) for name, server in servers.items()}
        for scenario in scenarios:
            scenario.gateway.rss_mib, scenario.baseline.rss_mib = rss["gateway"], rss["baseline"]
        load = (
            f"other load: 1-min load average {load_before:.1f} at the start, "
            f"{os.getloadavg()[0]:.1f} at the end (2 cores; the bench itself adds about 2); "
            f"run time {time.monotonic() - started:.0f} s"
        )
        print(render(scenarios, sql, config, (redis_url, database_url), load))
    log("done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
