"""The database pool's occupancy: connections in use, and requests waiting for one."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import AsyncAdaptedQueuePool, ConnectionPoolEntry

from gateway.metrics.families import families


class MeasuredQueuePool(AsyncAdaptedQueuePool):
    """SQLAlchemy's asyncio queue pool, counting the callers inside a checkout: one that
    finds a free connection leaves at once, one that waits for a connection (the pool
    and its overflow all in use) stays counted until it gets one or times out."""

    def _do_get(self) -> ConnectionPoolEntry:
        waiting = families().db_pool_waiting
        waiting.inc()
        try:
            return super()._do_get()
        finally:
            waiting.dec()


def watch_pool(engine: AsyncEngine) -> None:
    """Counts the engine's checked-out connections (pool events, any pool class)."""
    in_use = families().db_pool_in_use

    def checked_out(*_args: Any) -> None:
        in_use.inc()

    def checked_in(*_args: Any) -> None:
        in_use.dec()

    event.listen(engine.sync_engine, "checkout", checked_out)
    event.listen(engine.sync_engine, "checkin", checked_in)
