"""Load generators: wrk at a fixed number of connections (max throughput) and
bench/fixed_rate.py at a fixed request rate; each pinned to core 0 when it can be."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
WRK_SCRIPT = HERE / "wrk.lua"
LOAD_CORE = "0"


@dataclass(frozen=True)
class LoadResult:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int  # non-2xx answers plus socket errors and timeouts

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def pinned(command: list[str], core: str | None) -> list[str]:
    """`command` under `taskset -c core` when taskset exists and a core is given."""
    taskset = shutil.which("taskset")
    return [taskset, "-c", core, *command] if taskset and core is not None else command


def _json_line(output: str, marker: str) -> dict[str, float]:
    for line in output.splitlines():
        if line.startswith(marker):
            data: dict[str, float] = json.loads(line[len(marker) :])
            return data
    raise RuntimeError(f"no {marker.strip()} line in the load generator's output:\n{output}")


def run_wrk(
    url: str,
    template: Path,
    prefix: str,
    seconds: int,
    connections: int,
    threads: int,
    core: str | None,
) -> LoadResult:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise RuntimeError("wrk is not installed (bench/run installs it with apt-get)")
    command = [
        wrk,
        f"-c{connections}",
        f"-t{threads}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(WRK_SCRIPT),
        url,
        "--",
        str(template),
        prefix,
    ]
    done = subprocess.run(  # noqa: S603 (our own arguments, no shell)
        pinned(command, core), capture_output=True, text=True, check=True, timeout=seconds + 60
    )
    data = _json_line(done.stdout, "BENCH_JSON ")
    return LoadResult(
        requests=int(data["requests"]),
        seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        errors=int(data["status_errors"] + data["socket_errors"]),
    )


def run_fixed_rate(
    url: str,
    template: Path,
    prefix: str,
    rate: float,
    seconds: int,
    core: str | None,
) -> LoadResult:
    command = [
        sys.executable,
        "-m",
        "bench.fixed_rate",
        url,
        str(template),
        "--rate",
        f"{rate:.1f}",
        "--seconds",
        str(seconds),
        "--prefix",
        prefix,
    ]
    done = subprocess.run(  # noqa: S603 (our own arguments, no shell)
        pinned(command, core), capture_output=True, text=True, check=True, timeout=seconds + 60
    )
    data = _json_line(done.stdout, "FIXED_RATE ")
    return LoadResult(
        requests=int(data["requests"]),
        seconds=data["seconds"],
        p50_ms=data["p50_ms"],
        p99_ms=data["p99_ms"],
        errors=int(data["errors"]),
    )
