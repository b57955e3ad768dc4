"""bench/subscription_load.py, small: 100 subscribers over two gateway processes and
four apps, 10 events a second for 5 s; each subscriber gets every event of its app once,
in order, and nobody is disconnected."""

from __future__ import annotations

import asyncio

import pytest

from bench.subscription_load import measure, new_apps
from gateway.db.migrate import upgrade
from tests.e2e.gateway_process import gateway_processes

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


async def test_every_subscriber_gets_every_event_of_its_app(
    postgres_url: str, redis_url: str
) -> None:
    await asyncio.to_thread(upgrade, postgres_url)
    apps = await new_apps(postgres_url, 4)
    env = {"DATABASE_URL": postgres_url, "REDIS_URL": redis_url, "RATE_LIMIT_PER_MINUTE": "10000"}
    pids: list[int] = []
    with gateway_processes(env, 2, pids=pids) as urls:
        figures = await measure(urls, pids, apps, subscribers=100, rate=10, seconds=5)
    assert figures.events == 50
    assert figures.closed == 0, figures.lines()
    assert figures.complete == 100, figures.lines()
    assert figures.delivered == 100 * 50 // 4, figures.lines()
