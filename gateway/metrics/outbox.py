"""The outbox as the worker sees it: its backlog, read when scraped, and what each
delivery came to, recorded as it happens.

The backlog is read at scrape time by the worker's own listener, not published after
every poll: one aggregate query per scrape (every 15-60 s) instead of one per poll
(every second, per worker), and the figure is as fresh as the scrape. The gateway
does not read it: its listener runs in the serve process, which holds no database pool.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Iterator
from datetime import datetime

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from gateway.db.outbox import pending_outbox_summary
from gateway.db.tables import OutboxMessage
from gateway.metrics.families import PREFIX, families
from gateway.runtime import Runtime

log = logging.getLogger("gateway.metrics")

SCRAPE_TIMEOUT_SECONDS = 5.0


class OutboxCollector(Collector):
    """Pending messages and the age of the oldest due one, queried on the worker's
    event loop when the listener (another thread) is scraped. A query that fails or
    takes longer than SCRAPE_TIMEOUT_SECONDS leaves both out of that scrape."""

    def __init__(self, runtime: Runtime, loop: asyncio.AbstractEventLoop) -> None:
        self._runtime = runtime
        self._loop = loop

    def collect(self) -> Iterator[GaugeMetricFamily]:
        reading = asyncio.run_coroutine_threadsafe(self.read(), self._loop)
        try:
            pending, oldest_age = reading.result(timeout=SCRAPE_TIMEOUT_SECONDS)
        except Exception:
            reading.cancel()
            log.warning("could not read the outbox backlog for a scrape", exc_info=True)
            return
        yield GaugeMetricFamily(
            f"{PREFIX}_outbox_pending_messages",
            "Outbox messages waiting for delivery (due or not).",
            value=pending,
        )
        yield GaugeMetricFamily(
            f"{PREFIX}_outbox_oldest_due_age_seconds",
            "Age of the oldest outbox message that is due and not yet delivered; 0 when "
            "none is due.",
            value=oldest_age,
        )

    async def read(self) -> tuple[int, float]:
        now = self._runtime.clock()
        async with self._runtime.sessions() as session:
            pending, oldest = await pending_outbox_summary(session, now)
        return pending, 0.0 if oldest is None else max(0.0, (now - oldest).total_seconds())


def record_claimed(messages: Iterable[OutboxMessage], now: datetime) -> None:
    """Worker lag: how long after it became due each claimed message was picked up."""
    lag = families().worker_lag
    for message in messages:
        lag.observe(max(0.0, (now - message.next_attempt_at).total_seconds()))


def record_outcome(channel: str, outcome: str) -> None:
    families().deliveries.labels(channel, outcome).inc()
