"""The metrics listener: its own port (METRICS_PORT, on METRICS_HOST), never the API's.

Several processes add up through prometheus_client's multiprocess mode: each writes
its values to files in PROMETHEUS_MULTIPROC_DIR, and the listener sums the files.
`invoice-gateway serve` prepares that directory before uvicorn starts its workers and
runs the listener itself, so one port answers for all of them.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from prometheus_client import REGISTRY, CollectorRegistry, start_http_server, values
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from gateway.settings import Settings

MULTIPROC_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"


@contextlib.contextmanager
def multiprocess_dir(configured: str | None) -> Iterator[Path]:
    """The directory the processes of one `serve` share, emptied of an earlier run's
    files (their counts would be added to this run's); unset, a temporary one removed
    at the end. Exported to this process and the workers it starts."""
    path = Path(configured) if configured else Path(tempfile.mkdtemp(prefix="igw-metrics-"))
    path.mkdir(parents=True, exist_ok=True)
    for stale in path.glob("*.db"):
        stale.unlink()
    os.environ[MULTIPROC_DIR_VARIABLE] = str(path)
    # prometheus_client chose its value store when first imported; choose again now
    # that the directory is set (no metric has been created in this process yet).
    values.ValueClass = values.get_value_class()  # type: ignore[no-untyped-call]
    try:
        yield path
    finally:
        if not configured:
            shutil.rmtree(path, ignore_errors=True)


def _registry(extra: Sequence[Collector]) -> CollectorRegistry:
    directory = os.environ.get(MULTIPROC_DIR_VARIABLE)
    if directory is None:
        registry = REGISTRY
    else:
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=directory)  # type: ignore[no-untyped-call]
    for collector in extra:
        registry.register(collector)
    return registry


@contextlib.contextmanager
def metrics_listener(settings: Settings, extra: Sequence[Collector] = ()) -> Iterator[None]:
    """Serves the metrics on settings.metrics_host:metrics_port (0: no listener) in a
    thread for the length of the block. A port already taken is a ValueError."""
    if settings.metrics_port == 0:
        yield
        return
    registry = _registry(extra)
    try:
        server, thread = start_http_server(
            settings.metrics_port, addr=settings.metrics_host, registry=registry
        )
    except OSError as exc:
        raise ValueError(
            f"cannot serve metrics on {settings.metrics_host}:{settings.metrics_port}: "
            f"{exc.strerror}; set METRICS_PORT (0: no metrics listener)"
        ) from exc
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        for collector in extra:
            registry.unregister(collector)
