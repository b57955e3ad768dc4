"""The tables, the footnotes that say how each column was obtained, and the verdicts."""

from __future__ import annotations

import asyncio
import os
import platform
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

from bench.counts import PAGE_SIZES, SQL_SAMPLE, Counted, SqlCounts
from bench.resources import postgres_version, redis_version
from bench.results import Scenario, Side
from bench.wire_count import WIRE_SAMPLE

if TYPE_CHECKING:
    from bench.main import Config

HEADER = (
    "| scenario | server | req/s | p50 ms | p99 ms | server CPU ms/req | PG CPU ms/req "
    "| Redis CPU ms/req | total CPU ms/req | statements/req (wire) "
    "| / PostGraphile: server CPU, total CPU, req/s | / baseline: req/s (per round), CPU "
    "| SQL/req (in-process) | Redis cmds/req | peak RSS MiB |"
)
HALF_HEADER = "| scenario | server | rate req/s | p50 ms | p99 ms | p99/p50 | failed |"


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def wrk_version() -> str:
    done = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)  # noqa: S607
    return (done.stdout or done.stderr).split("[")[0].strip() or "unknown"


def node_version() -> str:
    done = subprocess.run(["node", "--version"], capture_output=True, text=True, check=False)  # noqa: S607
    return done.stdout.strip() or "unknown"


def machine(config: Config, redis_url: str, database_url: str) -> list[str]:
    pinning = "servers on core 1, load generators on core 0 (taskset)" if config.pin else "none"
    return [
        f"machine: {os.cpu_count()} cores ({cpu_model()}), Python {platform.python_version()}, "
        f"node {node_version()}, "
        f"PostgreSQL {asyncio.run(postgres_version(database_url))}, "
        f"Redis {redis_version(redis_url)}, {wrk_version()}",
        "servers: the gateway and the baseline 1 uvicorn worker each (uvloop + httptools), "
        f"PostGraphile 4 one node process; pinning: {pinning}; PostgreSQL and Redis unpinned",
        f"load: wrk -c{config.connections} -t{config.threads}, {config.warmup} s warm-up per "
        f"server, then {config.rounds} rounds x {config.seconds} s alternating the servers",
    ]


def _num(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _sql(counted: Counted | None) -> str:
    return "-" if counted is None else f"{counted.sql:g} ({counted.connections:g} conn)"


def _wire(side: Side) -> str:
    if side.wire is None or side.statements is None:
        return "-"
    q, e, p = (side.wire.get(kind, 0.0) for kind in "QEP")
    return f"{side.statements:g} (Q {q:g}, E {e:g}; P {p:g})"


def _peer_ratios(scenario: Scenario, side: Side) -> str:
    them = scenario.peer
    if them is None:
        return "-"
    if side is them:
        return "1"
    cells = (
        side.cpu_ms / them.cpu_ms,
        side.total_cpu_ms / them.total_cpu_ms,
        side.rps / them.rps,
    )
    return " / ".join(f"{value:.2f}" for value in cells)


def _baseline_ratios(scenario: Scenario, side: Side) -> str:
    if scenario.baseline is None or side.server == "postgraphile":
        return "-"
    if side is scenario.baseline:
        return "1"
    rounds = "/".join(f"{ratio:.2f}" for ratio in scenario.round_ratios())
    return f"**{_num(scenario.ratio)}** ({rounds}), CPU {_num(scenario.cpu_ratio)}"


def _redis(side: Side) -> str:
    total = f"{sum(side.redis_per_request().values()):.2f}"
    return total if side.sql is None else f"{total} ({side.sql.redis:g})"


def _row(scenario: Scenario, side: Side, first: bool) -> str:
    cells = [
        scenario.name if first else "",
        side.label,
        f"{side.rps:.0f}",
        f"{side.p50:.1f}",
        f"{side.p99:.1f}",
        f"{side.cpu_ms:.2f}",
        _num(side.pg_cpu_ms),
        f"{side.redis_cpu_ms:.2f}",
        f"{side.total_cpu_ms:.2f}",
        _wire(side),
        _peer_ratios(scenario, side),
        _baseline_ratios(scenario, side),
        _sql(side.sql),
        _redis(side),
        f"{side.rss_mib:.0f}",
    ]
    return "| " + " | ".join(cells) + " |"


def _rule(header: str) -> str:
    return "|" + " --- |" * (header.count(" | ") + 1)


def table(scenarios: list[Scenario]) -> list[str]:
    lines = [HEADER, _rule(HEADER)]
    for scenario in scenarios:
        lines += [_row(scenario, side, n == 0) for n, side in enumerate(scenario.sides)]
    return lines


def half_table(scenarios: list[Scenario]) -> list[str]:
    lines = [HALF_HEADER, _rule(HALF_HEADER)]
    for scenario in scenarios:
        first = True
        for side in scenario.sides:
            half = side.half
            if half is None:
                continue
            factor = half.p99_ms / half.p50_ms if half.p50_ms else float("inf")
            cells = [scenario.name if first else "", side.label, f"{half.rps:.0f}"]
            cells += [f"{half.p50_ms:.1f}", f"{half.p99_ms:.1f}", f"{factor:.1f}"]
            cells.append(str(half.errors))
            lines.append("| " + " | ".join(cells) + " |")
            first = False
    return lines if len(lines) > 2 else []


def redis_notes(scenarios: list[Scenario]) -> list[str]:
    notes = []
    for scenario in scenarios:
        for side in scenario.sides:
            trips = ", ".join(f"{k} {v:.2f}" for k, v in side.redis_per_request().items())
            inner = ", ".join(f"{k} {v:.2f}" for k, v in side.redis_per_request(True).items())
            notes.append(f"  {scenario.name} / {side.label}: {trips}; inside scripts: {inner}")
    return notes


def pg_notes(scenarios: list[Scenario]) -> list[str]:
    notes = []
    for scenario in scenarios:
        shown = ", ".join(
            f"{s.label} {s.pg_sessions / max(s.requests, 1):.2f}" for s in scenario.sides
        )
        notes.append(f"  {scenario.name}: {shown}")
    return notes


def wire_notes(scenarios: list[Scenario]) -> list[str]:
    notes = []
    for scenario in scenarios:
        for side in scenario.sides:
            if side.wire:
                kinds = ", ".join(f"{k} {v:g}" for k, v in sorted(side.wire.items()))
                notes.append(f"  {scenario.name} / {side.label}: {kinds}")
    return notes


def verdicts(scenarios: list[Scenario], sql: SqlCounts) -> list[str]:
    lines = []
    for scenario in scenarios:
        ratio, target = scenario.ratio, scenario.target
        if ratio is None or target is None:
            continue
        gap = ratio - target
        state = "MET" if gap >= 0 else f"MISSED by {-gap:.2f} ({-gap / target:.0%} short)"
        lines.append(
            f"- {scenario.name}: {ratio:.2f} of the baseline's req/s "
            f"(target >= {target}): {state}; CPU-time ratio {_num(scenario.cpu_ratio)}"
        )
    if sql.gateway_page:
        constant = len({counted.sql for counted in sql.gateway_page.values()}) == 1
        pages = ", ".join(f"first {k}: {v.sql:g}" for k, v in sql.gateway_page.items())
        state = "MET" if constant else "MISSED"
        lines.append(f"- SQL per request constant in the page size ({pages}): {state}")
    for scenario in scenarios:
        for side in scenario.sides:
            if side.half is None or side.server != "gateway":
                continue
            factor = side.half.p99_ms / max(side.half.p50_ms, 1e-9)
            state = "MET" if factor <= 3 else "MISSED"
            lines.append(
                f"- p99 <= 3x p50 at half load, {scenario.name} / {side.label}: "
                f"{factor:.1f}x at {side.half.rps:.0f} req/s: {state}"
            )
    errors = [(s.name, side.label, side.errors) for s in scenarios for side in s.sides]
    lines += [f"- WARNING: {n} / {label}: {e} failed requests" for n, label, e in errors if e]
    return lines


def render(
    scenarios: list[Scenario], sql: SqlCounts, config: Config, urls: tuple[str, str], load: str
) -> str:
    half = half_table(scenarios)
    lines = [*machine(config, *urls), load, "", *table(scenarios), ""]
    if half:
        lines += ["half load (bench/fixed_rate.py, open loop at half the row's req/s):", ""]
        lines += [*half, ""]
    lines += [
        "req/s, p50, p99: mean over the rounds (wrk). CPU ms/req, over the measured rounds / "
        "requests: server = the server process's user+system time (/proc/<pid>/stat); PG = "
        "the bench database's client backends (/proc/<pid>/stat of the pids "
        "pg_stat_activity lists, before and after each run; a backend new at the end counts "
        "with all its CPU); Redis = INFO cpu used_cpu_user+used_cpu_sys (whole server); "
        "total = the three. PostGraphile does no authentication and no rate limiting here; "
        "the gateway and the baseline pay for both on every request (a SHA-256 compare of the "
        "secret against credentials cached for CREDENTIAL_CACHE_SECONDS, read by a SELECT "
        "when not cached, and a Redis script).",
        f"statements/req (wire): simple queries (Q) + executes (E) per request, counted "
        f"over {WIRE_SAMPLE} requests per cell by a proxy between a separately started server and "
        "PostgreSQL (bench/wire_count.py), never during the timed runs; P = parses.",
        "/ PostGraphile: the row's server CPU, total CPU and req/s over PostGraphile's in the "
        "same scenario. / baseline: gateway req/s over baseline req/s of the rounds "
        "alternated with it (per-round ratios in brackets) and, after CPU, baseline CPU "
        "ms/req over the gateway's.",
        f"SQL/req (in-process): counted over {SQL_SAMPLE} requests per cell (httpx "
        "ASGITransport, gateway.db.statements.count_statements(), each side); conn: pool "
        f"checkouts per request; page sizes {', '.join(map(str, PAGE_SIZES))}.",
        "Redis cmds/req: top-level commands (round trips) per request from INFO commandstats "
        "deltas over the measured wrk runs / wrk's request count; server-wide. In brackets: "
        "the exact count on the bench's database, in-process (MONITOR). Per command:",
        *redis_notes(scenarios),
        "Protocol messages per request on the wire, by type:",
        *wire_notes(scenarios),
        "PostgreSQL connections opened per request during the measured runs "
        "(pg_stat_database.sessions of the bench database; a pool that overflows opens and "
        "closes connections):",
        *pg_notes(scenarios),
        "peak RSS: VmHWM of each server process after all runs.",
        *sql.notes,
        "",
        "targets:",
        *verdicts(scenarios, sql),
    ]
    return "\n".join(lines)
