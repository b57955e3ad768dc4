"""The per-process fan-out (gateway.event_hub) over an event log kept in a list: order,
one read per wake-up whatever the number of subscribers, lost wake-ups found by the
poll, a slow subscriber dropped without holding more than its capacity."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

import pytest

from gateway.event_bus import LocalBus
from gateway.event_hub import EventHub, SlowConsumer


@dataclass(frozen=True)
class Row:
    seq: int
    app_id: str


class ListLog:
    def __init__(self) -> None:
        self.rows: list[Row] = []
        self.reads = 0

    def append(self, app_id: str) -> Row:
        row = Row(len(self.rows) + 1, app_id)
        self.rows.append(row)
        return row

    async def latest(self, app_id: str) -> int:
        return max((r.seq for r in self.rows if r.app_id == app_id), default=0)

    async def after(self, app_id: str, seq: int, limit: int) -> Sequence[Row]:
        self.reads += 1
        return [r for r in self.rows if r.app_id == app_id and r.seq > seq][:limit]


async def test_every_subscriber_gets_its_apps_events_in_order_from_one_read() -> None:
    log, bus = ListLog(), LocalBus()
    hub: EventHub[Row] = EventHub(bus, log, capacity=10, poll_seconds=60)
    log.append("a")
    async with (
        hub.subscription("a") as first,
        hub.subscription("a") as second,
        hub.subscription("b") as other,
    ):
        assert (first.start, second.start, other.start) == (1, 1, 0)
        made = [log.append("a"), log.append("b"), log.append("a")]
        reads = log.reads
        bus.publish("a", 4)
        bus.publish("b", 3)
        assert await first.take() == [made[0], made[2]]
        assert await second.take() == [made[0], made[2]]
        assert await other.take() == [made[1]]
        assert log.reads - reads == 2  # one per app, not one per subscriber
    assert hub.subscriber_count() == 0
    await hub.close()


async def test_a_lost_wake_up_is_made_up_by_the_poll() -> None:
    log, bus = ListLog(), LocalBus()
    hub: EventHub[Row] = EventHub(bus, log, capacity=10, poll_seconds=0.05)
    async with hub.subscription("a") as inbox:
        row = log.append("a")  # committed, never published
        assert await asyncio.wait_for(inbox.take(), 2) == [row]
    await hub.close()


async def test_a_subscriber_past_its_capacity_is_dropped_and_told() -> None:
    log, bus = ListLog(), LocalBus()
    hub: EventHub[Row] = EventHub(bus, log, capacity=3, poll_seconds=60)
    told: list[bool] = []
    async with hub.subscription("a") as slow, hub.subscription("a") as fast:
        slow.on_overflow = lambda: told.append(True)
        for _ in range(3):
            log.append("a")
        bus.publish("a", 3)
        assert len(await fast.take()) == 3
        log.append("a")
        bus.publish("a", 4)
        assert len(await fast.take()) == 1
        assert told == [True] and slow.overflowed
        with pytest.raises(SlowConsumer):
            await slow.take()
    await hub.close()
