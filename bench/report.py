"""The one table, the footnotes that say how each column was obtained, and the verdicts."""

from __future__ import annotations

import asyncio
import os
import platform
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.counts import PAGE_SIZES, SQL_SAMPLE, Counted, SqlCounts
from bench.resources import postgres_version, redis_version
from bench.results import Scenario, Side

if TYPE_CHECKING:
    from bench.main import Config

ORDER = ("createInvoice over REST", "createInvoice over GraphQL", "invoices(first: 20) nested")
HEADER = (
    "| scenario | server | req/s | p50 ms | p99 ms | ratio (per round) | CPU ms/req | SQL/req "
    "| Redis/req | peak RSS MiB | half load req/s | p50 ms | p99 ms | p99/p50 |"
)


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def wrk_version() -> str:
    done = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)  # noqa: S607
    return (done.stdout or done.stderr).split("[")[0].strip() or "unknown"


def machine(config: Config, redis_url: str, database_url: str) -> list[str]:
    pinning = "servers on core 1, load generators on core 0 (taskset)" if config.pin else "none"
    return [
        f"machine: {os.cpu_count()} cores ({cpu_model()}), Python {platform.python_version()}, "
        f"PostgreSQL {asyncio.run(postgres_version(database_url))}, "
        f"Redis {redis_version(redis_url)}, {wrk_version()}",
        f"servers: 1 uvicorn worker each (uvloop + httptools); pinning: {pinning}; "
        "PostgreSQL and Redis unpinned",
        f"load: wrk -c{config.connections} -t{config.threads}, {config.warmup} s warm-up per "
        f"server, then {config.rounds} rounds x {config.seconds} s alternating gateway/baseline",
    ]


def _sql(counted: Counted | dict[int, Counted] | None) -> str:
    if isinstance(counted, dict):
        sizes = " ".join(f"{size}:{counted[size].sql:g}" for size in PAGE_SIZES)
        return f"{_sql(counted[20])}; {sizes}"
    return "-" if counted is None else f"{counted.sql:g} ({counted.connections:g} conn)"


def _exact_redis(counted: Counted | dict[int, Counted] | None) -> str:
    if isinstance(counted, dict):
        counted = counted[20]
    return "" if counted is None else f" ({counted.redis:g})"


def _row(
    scenario: str, side: Side, ratios: tuple[str, str], counted: Counted | dict[int, Counted] | None
) -> str:
    half = side.half
    half_cells = ["-", "-", "-", "-"]
    if half is not None:
        factor = half.p99_ms / half.p50_ms if half.p50_ms else float("inf")
        half_cells = [
            f"{half.rps:.0f}",
            f"{half.p50_ms:.1f}",
            f"{half.p99_ms:.1f}",
            f"{factor:.1f}",
        ]
    redis = f"{sum(side.redis_per_request().values()):.2f}{_exact_redis(counted)}"
    cells = [scenario, side.label, f"{side.rps:.0f}", f"{side.p50:.1f}", f"{side.p99:.1f}"]
    ratio, cpu = ratios
    cells += [ratio, f"{side.cpu_ms:.1f}{cpu}", _sql(counted), redis, f"{side.rss_mib:.0f}"]
    cells += half_cells
    return "| " + " | ".join(cells) + " |"


def table(scenarios: list[Scenario], sql: SqlCounts) -> list[str]:
    counts: dict[str, tuple[Any, Any]] = {
        ORDER[0]: (sql.rest_create, sql.bare_create),
        ORDER[1]: (sql.graphql_create, sql.bare_create),
        ORDER[2]: (sql.gateway_page, sql.bare_page),
    }
    lines = [HEADER, "|" + " --- |" * HEADER.count(" | ") + " --- |"]
    for scenario in sorted(scenarios, key=lambda s: ORDER.index(s.name)):
        rounds = "/".join(f"{ratio:.2f}" for ratio in scenario.round_ratios())
        ours, theirs = counts[scenario.name]
        ratios = (f"**{scenario.ratio:.2f}** ({rounds})", f" ({scenario.cpu_ratio:.2f})")
        lines.append(_row(scenario.name, scenario.gateway, ratios, ours))
        lines.append(_row("", scenario.baseline, ("1", ""), theirs))
    return lines


def redis_notes(scenarios: list[Scenario]) -> list[str]:
    notes = []
    for scenario in sorted(scenarios, key=lambda s: ORDER.index(s.name)):
        for side in (scenario.gateway, scenario.baseline):
            trips = ", ".join(f"{k} {v:.2f}" for k, v in side.redis_per_request().items())
            inner = ", ".join(f"{k} {v:.2f}" for k, v in side.redis_per_request(True).items())
            notes.append(f"  {scenario.name} / {side.label}: {trips}; inside scripts: {inner}")
    return notes


def pg_notes(scenarios: list[Scenario]) -> list[str]:
    notes = []
    for scenario in sorted(scenarios, key=lambda s: ORDER.index(s.name)):
        sides = (scenario.gateway, scenario.baseline)
        shown = ", ".join(f"{s.label} {s.pg_sessions / max(s.requests, 1):.2f}" for s in sides)
        notes.append(f"  {scenario.name}: {shown}")
    return notes


def verdicts(scenarios: list[Scenario], sql: SqlCounts) -> list[str]:
    lines = []
    for scenario in sorted(scenarios, key=lambda s: ORDER.index(s.name)):
        gap = scenario.ratio - scenario.target
        state = "MET" if gap >= 0 else f"MISSED by {-gap:.2f} ({-gap / scenario.target:.0%} short)"
        lines.append(
            f"- {scenario.name}: {scenario.ratio:.2f} of the baseline's req/s "
            f"(target >= {scenario.target}): {state}; CPU-time ratio {scenario.cpu_ratio:.2f}"
        )
    constant = len({counted.sql for counted in sql.gateway_page.values()}) == 1
    pages = ", ".join(f"first {k}: {v.sql:g}" for k, v in sql.gateway_page.items())
    state = "MET" if constant else "MISSED"
    lines.append(f"- SQL per request constant in the page size ({pages}): {state}")
    for scenario in sorted(scenarios, key=lambda s: ORDER.index(s.name)):
        for side in (scenario.gateway, scenario.baseline):
            if side.half is None:
                continue
            factor = side.half.p99_ms / max(side.half.p50_ms, 1e-9)
            state = "MET" if factor <= 3 else "MISSED"
            lines.append(
                f"- p99 <= 3x p50 at half load, {scenario.name} / {side.label}: "
                f"{factor:.1f}x at {side.half.rps:.0f} req/s: {state}"
            )
    errors = [
        (s.name, side.label, side.errors) for s in scenarios for side in (s.gateway, s.baseline)
    ]
    lines += [f"- WARNING: {n} / {label}: {e} failed requests" for n, label, e in errors if e]
    return lines


def render(
    scenarios: list[Scenario], sql: SqlCounts, config: Config, urls: tuple[str, str], load: str
) -> str:
    lines = [*machine(config, *urls), load, "", *table(scenarios, sql), ""]
    lines += [
        "req/s, p50, p99: mean over the rounds (wrk). ratio: gateway req/s / baseline req/s of "
        "the rounds alternated with it (per-round ratios in brackets). CPU ms/req: the server "
        "process's user+system time (/proc/<pid>/stat) over the measured rounds / requests; in "
        "brackets baseline/gateway, the same ratio in CPU terms, less sensitive to other load.",
        f"SQL/req: counted in-process over {SQL_SAMPLE} requests per cell (httpx ASGITransport, "
        "gateway.db.statements.count_statements(), each side); conn: pool checkouts per "
        "request; nested rows: first 20, then first 5 / 20 / 50.",
        "Redis/req: top-level commands (round trips) per request from INFO commandstats deltas "
        "over the measured wrk runs / wrk's request count; server-wide, so other clients of "
        "the same server add to it. In brackets: the exact count on the bench's database, "
        "in-process (MONITOR). Per command:",
        *redis_notes(scenarios),
        "PostgreSQL connections opened per request during the measured runs "
        "(pg_stat_database.sessions of the bench database; a pool that overflows opens and "
        "closes connections):",
        *pg_notes(scenarios),
        "half load: bench/fixed_rate.py, open loop at half the row's req/s (latency from each "
        "request's scheduled time); peak RSS: VmHWM of the worker after all runs.",
        *sql.notes,
        "",
        "targets:",
        *verdicts(scenarios, sql),
    ]
    return "\n".join(lines)
