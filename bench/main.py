"""The benchmark, end to end (bench/run calls `python -m bench.main`).

1. A fresh PostgreSQL database and a flushed Redis database number (bench.resources).
2. In-process: migrate, seed the demo app and SEED_INVOICES invoices of 3 items, count
   SQL statements per page request and size (bench.counts). Then PostGraphile's computed
   columns (bench.peer) and the app with 10,000 invoices (bench.big_app), by SQL.
3. The gateway, the baseline and PostGraphile as real servers, one process each, on core 1.
4. Page scenarios: PostGraphile's answer checked against the gateway's (fails the run if
   they differ); statements on the wire counted through a proxy (bench.wire_count) with a
   second, short-lived set of servers; then per scenario a warm-up run of each server and
   rounds alternating gateway, baseline, PostGraphile with wrk (core 0), sampling the
   servers' CPU, the PostgreSQL backends' CPU, Redis's CPU and INFO commandstats around
   each run. A fixed-rate pass per server at half its measured rate for the first-20 page.
5. Create scenarios: the creates counted in-process (only now, so the page scenarios read
   exactly the seeded invoices), wire counts, rounds, half-load passes.
6. Peak RSS per server, then the tables (bench.report).

BENCH_ONLY selects scenarios by tag (comma-separated): page (page5, page20, page100),
bigapp, create (rest, graphql).
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
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy.engine import make_url

from bench import big_app, peer, workload
from bench.counts import SEED_INVOICES, SqlCounts, count_creates, count_page
from bench.fixed_rate import parse_template
from bench.loadgen import LoadResult, run_fixed_rate, run_wrk
from bench.report import render
from bench.resources import (
    DEFAULT_DATABASE_URL,
    DEFAULT_REDIS_URL,
    BackendCpu,
    RedisSampler,
    invoice_count,
    pg_sessions,
    postgres_database,
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
from bench.wire_count import WIRE_SAMPLE, WireCounter
from gateway.db.migrate import upgrade
from gateway.services.demo import DEMO_APP_ID
from gateway.settings import Settings

TAGS = frozenset({"page", "page5", "page20", "page100", "bigapp", "create", "rest", "graphql"})
WIRE_WARMUP = 3


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
    only: frozenset[str]
    big_invoices: int

    @classmethod
    def from_env(cls) -> Config:
        env = os.environ.get
        only = frozenset(t.strip() for t in (env("BENCH_ONLY") or "").split(",") if t.strip())
        if unknown := only - TAGS:
            raise SystemExit(f"BENCH_ONLY: unknown {sorted(unknown)}; known: {sorted(TAGS)}")
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
            only=only or TAGS,
            big_invoices=int(env("BENCH_BIG_INVOICES") or 10_000),
        )


@dataclass(frozen=True)
class Plan:
    """A scenario: per server (in round order) its label and request template file."""

    name: str
    tags: frozenset[str]
    sides: tuple[tuple[str, str, Path], ...]
    target: float | None = None  # gateway req/s / baseline req/s, at least
    half: bool = False  # fixed-rate passes at half load after the rounds
    page_size: int | None = None  # SQL counted in-process for this page size

    @property
    def servers(self) -> list[str]:
        return [server for server, _label, _template in self.sides]

    def template(self, server: str) -> Path:
        return next(template for name, _label, template in self.sides if name == server)


def page_plans(folder: Path, big_invoices: int) -> list[Plan]:
    def write(name: str, template: workload.RequestTemplate) -> Path:
        return template.write(folder / f"{name}.txt")

    plans = []
    for size in (5, 20, 100):
        sides = (
            (
                "gateway",
                "POST /graphql query",
                write(f"gql-page-{size}", workload.graphql_invoices(size)),
            ),
            (
                "baseline",
                f"bare GET /bare/invoices?first={size}",
                write(f"bare-page-{size}", workload.bare_invoices(size)),
            ),
            (
                "postgraphile",
                peer.LABEL,
                write(f"pg-page-{size}", peer.template(size, DEMO_APP_ID)),
            ),
        )
        plans.append(
            Plan(
                f"invoices(first: {size}) nested",
                frozenset({"page", f"page{size}"}),
                sides,
                target=0.5 if size == 20 else None,
                half=size == 20,
                page_size=size,
            )
        )
    big_sides = (
        (
            "gateway",
            "POST /graphql query",
            write("gql-page-big", workload.graphql_invoices(20, big_app.AUTH)),
        ),
        ("postgraphile", peer.LABEL, write("pg-page-big", peer.template(20, big_app.APP_ID))),
    )
    name = f"app with {big_invoices:,} invoices: invoices(first: 20)"
    plans.append(Plan(name, frozenset({"bigapp"}), big_sides))
    return plans


def create_plans(folder: Path) -> list[Plan]:
    def write(name: str, template: workload.RequestTemplate) -> Path:
        return template.write(folder / f"{name}.txt")

    bare = ("baseline", "bare POST /bare/invoices", write("bare-create", bare_create()))
    rest = ("gateway", "POST /api/v0/invoices", write("rest-create", workload.rest_create()))
    mutation = ("gateway", "POST /graphql mutation", write("gql-create", workload.graphql_create()))
    tags = frozenset({"create"})
    return [
        Plan("createInvoice over REST", tags | {"rest"}, (rest, bare), target=0.7, half=True),
        Plan("createInvoice over GraphQL", tags | {"graphql"}, (mutation, bare), 0.6, True),
    ]


def bare_create() -> workload.RequestTemplate:
    return workload.rest_create(workload.BARE_CREATE_PATH)


STATS_FLUSH_SECONDS = 1.2  # PostgreSQL backends report statistics about once a second


def server_command(server: str, port: int, database_url: str) -> list[str]:
    """The gateway and the baseline read DATABASE_URL from their environment."""
    if server == "gateway":
        return gateway_command(port)
    if server == "baseline":
        return baseline_command(port)
    return peer.command(port, database_url)


def send_template(url: str, template: Path, key: str) -> Any:
    """One request from a template file (KEY replaced); the JSON answer."""
    method, path, headers, body = parse_template(template.read_bytes())
    fields = dict(line.decode().split(": ", 1) for line in headers)
    fields = {name: value.replace(workload.KEY, key) for name, value in fields.items()}
    request = urllib.request.Request(  # noqa: S310 (our own servers on 127.0.0.1)
        url + path.decode(),
        data=body.replace(workload.KEY.encode(), key.encode()) or None,
        headers=fields,
        method=method.decode(),
    )
    with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
        return orjson.loads(answer.read())


class Runner:
    def __init__(
        self,
        config: Config,
        servers: dict[str, Server],
        run_id: str,
        database_url: str,
        server_env: dict[str, str],
        folder: Path,
    ) -> None:
        self.config, self.servers, self.run_id = config, servers, run_id
        self.database_url = database_url
        self.server_env, self.folder = server_env, folder
        self.load_core = "0" if config.pin else None
        self.server_core = "1" if config.pin else None
        self.backends = BackendCpu(config.database_url, database_url)
        self.redis = RedisSampler(config.redis_url)
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

    def _measured(self, server: str, template: Path, side: Side) -> LoadResult:
        time.sleep(STATS_FLUSH_SECONDS)
        sessions = pg_sessions(self.config.database_url, self.database_url)
        backends = self.backends.sample()
        before, redis_cpu = self.redis.sample()
        cpu = cpu_seconds(self.servers[server].pid)
        run = self.wrk(server, template, self.config.seconds)
        cpu = cpu_seconds(self.servers[server].pid) - cpu
        after, redis_after = self.redis.sample()
        backend_cpu = BackendCpu.delta(backends, self.backends.sample())
        side.add(run, before, after, (cpu, backend_cpu, redis_after - redis_cpu))
        time.sleep(STATS_FLUSH_SECONDS)
        side.pg_sessions += pg_sessions(self.config.database_url, self.database_url) - sessions
        return run

    def scenario(self, plan: Plan, sql: SqlCounts, log: Callable[[str], None]) -> Scenario:
        sides = [Side(server, label) for server, label, _template in plan.sides]
        if plan.page_size is not None:
            for side in sides:
                counted = {"gateway": sql.gateway_page, "baseline": sql.bare_page}
                side.sql = counted.get(side.server, {}).get(plan.page_size)
        for side in sides:
            self.wrk(side.server, plan.template(side.server), self.config.warmup)
        for number in range(self.config.rounds):
            for side in sides:
                run = self._measured(side.server, plan.template(side.server), side)
                log(f"  {plan.name} round {number + 1} {side.server}: {run.rps:.0f} req/s")
        return Scenario(plan.name, sides, plan.target)

    def half_load(self, plan: Plan, side: Side) -> None:
        url = self.servers[side.server].url
        rate = side.rps / 2
        seconds = self.config.half_seconds
        template = plan.template(side.server)
        side.half = run_fixed_rate(url, template, self._prefix(), rate, seconds, self.load_core)

    def check_peer(self, plan: Plan) -> None:
        """PostGraphile's page against the gateway's, over HTTP; raises if they differ."""
        if "postgraphile" not in plan.servers:
            return
        ours = send_template(self.servers["gateway"].url, plan.template("gateway"), "")
        theirs = send_template(self.servers["postgraphile"].url, plan.template("postgraphile"), "")
        peer.check_equal(ours, theirs, plan.name)

    def count_wire(self, plans: list[Plan], scenarios: dict[str, list[Side]]) -> None:
        """Protocol messages per request, through one counting proxy per server, with a
        second set of servers started for this only (never during the timed runs)."""
        names = list(dict.fromkeys(server for plan in plans for server in plan.servers))
        url = make_url(self.database_url)
        logs = Path(tempfile.mkdtemp(prefix="wire-", dir=self.folder))
        with ExitStack() as stack:
            proxies = {
                name: stack.enter_context(WireCounter(url.host or "127.0.0.1", url.port or 5432))
                for name in names
            }
            urls = {
                name: url.set(host="127.0.0.1", port=proxy.port).render_as_string(
                    hide_password=False
                )
                for name, proxy in proxies.items()
            }
            commands = {name: server_command(name, free_port(), urls[name]) for name in names}
            envs = {
                name: {"DATABASE_URL": urls[name], "METRICS_PORT": str(free_port())}
                for name in names
            }
            servers = stack.enter_context(
                serving_servers(commands, self.server_env, logs, self.server_core, envs)
            )
            for plan in plans:
                for side in scenarios[plan.name]:
                    template, proxy = plan.template(side.server), proxies[side.server]
                    address = servers[side.server].url
                    keys = f"{self._prefix()}-wire"  # idempotency keys of this cell only
                    for number in range(WIRE_WARMUP):
                        send_template(address, template, f"{keys}-warm-{number}")
                    time.sleep(0.3)
                    proxy.reset()
                    for number in range(WIRE_SAMPLE):
                        send_template(address, template, f"{keys}-{number}")
                    time.sleep(0.3)
                    counts = proxy.counts()
                    side.wire = Counter({k: v / WIRE_SAMPLE for k, v in counts.items()})


def _stop(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)  # unwinds: servers stopped, database dropped, Redis flushed


@contextmanager
def _timer() -> Iterator[Callable[[str], None]]:
    started = time.monotonic()

    def log(message: str) -> None:
        print(f"[{time.monotonic() - started:5.0f}s] {message}", file=sys.stderr, flush=True)

    yield log


def run_group(
    runner: Runner, plans: list[Plan], sql: SqlCounts, log: Callable[[str], None]
) -> list[Scenario]:
    """Wire counts first (with their own servers), then the timed rounds per plan."""
    if not plans:
        return []
    for plan in plans:
        runner.check_peer(plan)
    if any("postgraphile" in plan.servers for plan in plans):
        log("PostGraphile's pages equal the gateway's (normalised as docs/BENCHMARKS.md says)")
    log(f"counting statements on the wire ({WIRE_SAMPLE} requests per server and scenario)")
    wire_sides = {plan.name: [Side(s, label) for s, label, _t in plan.sides] for plan in plans}
    runner.count_wire(plans, wire_sides)
    scenarios = []
    for plan in plans:
        log(f"{plan.name}: warm-up, then {runner.config.rounds} alternating rounds")
        scenario = runner.scenario(plan, sql, log)
        for side, counted in zip(scenario.sides, wire_sides[plan.name], strict=True):
            side.wire = counted.wire
        scenarios.append(scenario)
        if plan.half and runner.config.half_seconds > 0:
            # Straight after the rounds: the page pass must see the table the page
            # rounds saw, not the one the later creates have grown.
            log(f"{plan.name}: fixed-rate passes at half of each measured maximum")
            for side in scenario.sides:
                runner.half_load(plan, side)
    return scenarios


def main() -> int:
    signal.signal(signal.SIGTERM, _stop)
    config = Config.from_env()
    started = time.monotonic()
    load_before = os.getloadavg()[0]

    with (
        _timer() as log,
        tempfile.TemporaryDirectory(prefix="bench-") as tmp,
        postgres_database(config.database_url) as database_url,
        redis_database(config.redis_url) as redis_url,
    ):
        env = {
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "RATE_LIMIT_PER_MINUTE": "100000000",
            "LOG_LEVEL": "warning",
            # One base for every server's links (payment link URLs are in the page), so
            # the gateway's answer does not depend on its port and PostGraphile's
            # computed column can write the same.
            "PUBLIC_BASE_URL": "https://invoices.bench.example",
            "METRICS_PORT": str(free_port()),  # the gateway's /metrics listener, kept on
        }
        settings = Settings.from_env(env)
        folder = Path(tmp)
        pages = [p for p in page_plans(folder, config.big_invoices) if p.tags & config.only]
        creates = [p for p in create_plans(folder) if p.tags & config.only]
        wanted = {server for plan in pages + creates for server in plan.servers}
        log(f"database {database_url.rsplit('/', 1)[1]}, redis {redis_url}: migrating")
        upgrade(database_url)
        log(f"seeding {SEED_INVOICES} invoices and counting the page's SQL in-process")
        sql = asyncio.run(count_page(settings, redis_url))
        if "postgraphile" in wanted:
            peer.install_functions(database_url, settings.public_base_url)
        if any("bigapp" in plan.tags for plan in pages):
            log(f"seeding the second app with {config.big_invoices:,} invoices (SQL)")
            big_app.seed_big_app(database_url, config.big_invoices)
        commands: dict[str, list[str]] = {}
        for name in ("gateway", "baseline", "postgraphile"):
            if name in wanted:
                commands[name] = server_command(name, free_port(), database_url)
        server_env = {**os.environ, **env, "NODE_ENV": "production"}
        core = "1" if config.pin else None
        with serving_servers(commands, server_env, folder, core) as servers:
            runner = Runner(config, servers, secrets.token_hex(4), database_url, server_env, folder)
            if pages and (found := invoice_count(database_url, DEMO_APP_ID)) != SEED_INVOICES:
                raise RuntimeError(f"the page would read {found} invoices, not {SEED_INVOICES}")
            scenarios = run_group(runner, pages, sql, log)
            if pages:
                log(f"the page scenarios read {invoice_count(database_url, DEMO_APP_ID)} invoices")
            if creates:
                log("counting the creates' SQL in-process")
                asyncio.run(count_creates(settings, redis_url, sql))
                scenarios += run_group(runner, creates, sql, log)
            rss = {name: peak_rss_mib(server.pid) for name, server in servers.items()}
            runner.redis.close()
        for scenario in scenarios:
            for side in scenario.sides:
                side.rss_mib = rss[side.server]
        if creates:
            counted = {"gateway": (sql.rest_create, sql.graphql_create), "baseline": None}
            for scenario in scenarios:
                if scenario.name.startswith("createInvoice"):
                    rest = scenario.name.endswith("REST")
                    for side in scenario.sides:
                        pair = counted[side.server]
                        side.sql = sql.bare_create if pair is None else pair[0 if rest else 1]
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
