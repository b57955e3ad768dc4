"""What a run measured, per scenario and server, and the arithmetic on it."""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass, field
from statistics import mean

from bench.loadgen import LoadResult
from gateway.store import redis_store

# Commands the gateway's Lua scripts call: INFO commandstats counts them as well as the
# EVALSHA that ran them; the rest are round trips.
IN_SCRIPTS = frozenset(
    name.lower() for name in re.findall(r"redis\.call\('(\w+)'", inspect.getsource(redis_store))
)


@dataclass
class Side:
    """One server in one scenario: its measured wrk rounds and the Redis deltas."""

    label: str
    runs: list[LoadResult] = field(default_factory=list)
    redis: dict[str, int] = field(default_factory=dict)
    sql: str = ""
    half: LoadResult | None = None
    rss_mib: float = 0.0
    cpu_seconds: float = 0.0
    pg_sessions: int = 0

    def add(
        self, run: LoadResult, before: dict[str, int], after: dict[str, int], cpu: float
    ) -> None:
        self.runs.append(run)
        self.cpu_seconds += cpu
        for name, calls in after.items():
            delta = calls - before.get(name, 0)
            if delta:
                self.redis[name] = self.redis.get(name, 0) + delta

    @property
    def requests(self) -> int:
        return sum(run.requests for run in self.runs)

    @property
    def rps(self) -> float:
        return mean(run.rps for run in self.runs)

    @property
    def p50(self) -> float:
        return mean(run.p50_ms for run in self.runs)

    @property
    def p99(self) -> float:
        return mean(run.p99_ms for run in self.runs)

    @property
    def cpu_ms(self) -> float:
        """The server's CPU time per request over the measured runs."""
        return 1000 * self.cpu_seconds / max(self.requests, 1)

    @property
    def errors(self) -> int:
        return sum(run.errors for run in self.runs)

    def redis_per_request(self, inside_scripts: bool = False) -> dict[str, float]:
        count = max(self.requests, 1)
        return {
            name: calls / count
            for name, calls in sorted(self.redis.items())
            if (name in IN_SCRIPTS) == inside_scripts
        }


@dataclass
class Scenario:
    name: str
    gateway: Side
    baseline: Side
    target: float

    @property
    def ratio(self) -> float:
        return self.gateway.rps / self.baseline.rps

    @property
    def cpu_ratio(self) -> float:
        """Baseline CPU per request / gateway CPU per request (1 = as cheap)."""
        return self.baseline.cpu_ms / self.gateway.cpu_ms

    def round_ratios(self) -> list[float]:
        pairs = zip(self.gateway.runs, self.baseline.runs, strict=True)
        return [ours.rps / theirs.rps for ours, theirs in pairs]
