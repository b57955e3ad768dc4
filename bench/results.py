"""What a run measured, per scenario and server, and the arithmetic on it."""

from __future__ import annotations

import inspect
import re
from collections import Counter
from dataclasses import dataclass, field
from statistics import mean

from bench.counts import Counted
from bench.loadgen import LoadResult
from gateway.store import redis_store

# Commands the gateway's Lua scripts call: INFO commandstats counts them as well as the
# EVALSHA that ran them; the rest are round trips.
IN_SCRIPTS = frozenset(
    name.lower() for name in re.findall(r"redis\.call\('(\w+)'", inspect.getsource(redis_store))
)


@dataclass
class Side:
    """One server in one scenario: its measured wrk rounds and what was sampled around
    them (server, PostgreSQL backend and Redis CPU; Redis commands; connections)."""

    server: str  # gateway, baseline or postgraphile
    label: str
    runs: list[LoadResult] = field(default_factory=list)
    redis: dict[str, int] = field(default_factory=dict)
    sql: Counted | None = None  # counted in-process
    wire: Counter[str] | None = None  # protocol messages per request (bench.wire_count)
    half: LoadResult | None = None
    rss_mib: float = 0.0
    cpu_seconds: float = 0.0
    pg_cpu_seconds: float | None = 0.0  # None: PostgreSQL is not on this machine
    redis_cpu_seconds: float = 0.0
    pg_sessions: int = 0

    def add(
        self,
        run: LoadResult,
        before: dict[str, int],
        after: dict[str, int],
        cpu: tuple[float, float | None, float],
    ) -> None:
        """A measured run; `cpu`: the server's, the backends', Redis's CPU seconds."""
        self.runs.append(run)
        server, backends, redis = cpu
        self.cpu_seconds += server
        self.redis_cpu_seconds += redis
        if backends is None or self.pg_cpu_seconds is None:
            self.pg_cpu_seconds = None
        else:
            self.pg_cpu_seconds += backends
        for name, calls in after.items():
            if name == "info":  # the sampling's own (no server sends INFO)
                continue
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

    def _per_request(self, seconds: float) -> float:
        return 1000 * seconds / max(self.requests, 1)

    @property
    def cpu_ms(self) -> float:
        """The server's CPU time per request over the measured runs."""
        return self._per_request(self.cpu_seconds)

    @property
    def pg_cpu_ms(self) -> float | None:
        return None if self.pg_cpu_seconds is None else self._per_request(self.pg_cpu_seconds)

    @property
    def redis_cpu_ms(self) -> float:
        return self._per_request(self.redis_cpu_seconds)

    @property
    def total_cpu_ms(self) -> float:
        """Server + PostgreSQL backends + Redis (the backends count 0 when unmeasured)."""
        return self.cpu_ms + (self.pg_cpu_ms or 0.0) + self.redis_cpu_ms

    @property
    def statements(self) -> float | None:
        """Simple queries + executes per request on the wire."""
        return None if self.wire is None else sum(self.wire.get(kind, 0) for kind in "QE")

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
    sides: list[Side]
    target: float | None  # gateway req/s over the baseline's, at least

    def side(self, server: str) -> Side | None:
        return next((side for side in self.sides if side.server == server), None)

    @property
    def gateway(self) -> Side:
        side = self.side("gateway")
        assert side is not None
        return side

    @property
    def baseline(self) -> Side | None:
        return self.side("baseline")

    @property
    def peer(self) -> Side | None:
        return self.side("postgraphile")

    @property
    def ratio(self) -> float | None:
        """Gateway req/s / baseline req/s."""
        base = self.baseline
        return None if base is None else self.gateway.rps / base.rps

    @property
    def cpu_ratio(self) -> float | None:
        """Baseline CPU per request / gateway CPU per request (1 = as cheap)."""
        base = self.baseline
        return None if base is None else base.cpu_ms / self.gateway.cpu_ms

    def round_ratios(self) -> list[float]:
        base = self.baseline
        if base is None:
            return []
        pairs = zip(self.gateway.runs, base.runs, strict=True)
        return [ours.rps / theirs.rps for ours, theirs in pairs]
