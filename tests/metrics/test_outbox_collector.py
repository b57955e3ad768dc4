"""The worker's outbox backlog, read at scrape time from the real database."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from prometheus_client import CollectorRegistry

from gateway.db.tables import OutboxMessage
from gateway.metrics.outbox import OutboxCollector
from gateway.runtime import Runtime
from gateway.services.demo import DEMO_APP_ID, seed_demo
from gateway.settings import Settings

NOW = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
async def runtime(migrated_database_url: str) -> AsyncIterator[Runtime]:
    runtime = Runtime.open(Settings(database_url=migrated_database_url), clock=lambda: NOW)
    await seed_demo(runtime)
    try:
        yield runtime
    finally:
        await runtime.close()


def _message(number: int, status: str, created_ago: int, due_in: int) -> OutboxMessage:
    return OutboxMessage(
        id=f"msg_{number}",
        app_id=DEMO_APP_ID,
        channel="webhook",
        event_type="invoice.created",
        payload="{}",
        status=status,
        next_attempt_at=NOW + timedelta(seconds=due_in),
        created_at=NOW - timedelta(seconds=created_ago),
    )


async def _scrape(runtime: Runtime) -> dict[str, float | None]:
    registry = CollectorRegistry()
    registry.register(OutboxCollector(runtime, asyncio.get_running_loop()))
    names = (
        "invoice_gateway_outbox_pending_messages",
        "invoice_gateway_outbox_oldest_due_age_seconds",
    )
    # The listener scrapes from its own thread while the worker's loop runs.
    return await asyncio.to_thread(
        lambda: {name: registry.get_sample_value(name) for name in names}
    )


async def test_pending_messages_and_the_oldest_due_one(runtime: Runtime) -> None:
    async with runtime.sessions() as session:
        session.add_all(
            [
                _message(1, "pending", created_ago=90, due_in=-30),  # due, retried once
                _message(2, "pending", created_ago=20, due_in=-20),  # due
                _message(3, "pending", created_ago=3600, due_in=600),  # scheduled: not due
                _message(4, "delivered", created_ago=7200, due_in=-7200),
                _message(5, "dead", created_ago=9000, due_in=-9000),
            ]
        )
        await session.commit()
    assert await _scrape(runtime) == {
        "invoice_gateway_outbox_pending_messages": 3.0,
        "invoice_gateway_outbox_oldest_due_age_seconds": 90.0,
    }


async def test_an_empty_outbox_is_zero_and_zero(runtime: Runtime) -> None:
    assert await _scrape(runtime) == {
        "invoice_gateway_outbox_pending_messages": 0.0,
        "invoice_gateway_outbox_oldest_due_age_seconds": 0.0,
    }


async def test_a_failed_read_leaves_the_backlog_out_of_the_scrape(runtime: Runtime) -> None:
    await runtime.engine.dispose()
    await runtime.close()
    broken = Runtime.open(Settings(database_url="sqlite+aiosqlite:////nonexistent/dir/x.db"))
    try:
        assert await _scrape(broken) == {
            "invoice_gateway_outbox_pending_messages": None,
            "invoice_gateway_outbox_oldest_due_age_seconds": None,
        }
    finally:
        await broken.close()
