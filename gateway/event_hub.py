"""One process's fan-out of the event log to its live subscribers.

Per app with subscribers the hub keeps the highest sequence it has handed out. A wake-up
from the bus (gateway.event_bus) for a higher one makes it read the new events from the
log (one read per app and wake-up, whatever the number of subscribers) and append them,
in sequence order and without gaps, to every subscriber's inbox. It also checks the log
every `poll_seconds`, so a lost wake-up only delays events.

An inbox holds at most `capacity` events: a subscriber that falls that far behind is
too slow; its inbox is dropped and marked, and the subscription ends (it may resume from
its last cursor), so a slow consumer never makes the process hold more.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Final, Generic, Protocol, TypeVar

from gateway.event_bus import EventBus

log = logging.getLogger("gateway.events")

PAGE: Final = 500


class Sequenced(Protocol):
    @property
    def seq(self) -> int: ...


Row = TypeVar("Row", bound=Sequenced)
Row_co = TypeVar("Row_co", bound=Sequenced, covariant=True)


class SlowConsumer(Exception):
    """The subscriber let more than its inbox's capacity of events wait."""

    def __init__(self, capacity: int) -> None:
        super().__init__(f"more than {capacity} events waited for this subscriber")
        self.capacity = capacity


class EventSource(Protocol[Row_co]):
    async def latest(self, app_id: str) -> int:
        """The app's highest sequence so far (0: none)."""

    async def after(self, app_id: str, seq: int, limit: int) -> Sequence[Row_co]:
        """The app's events after `seq`, in sequence order, at most `limit`."""


class Inbox(Generic[Row]):
    """The events of one app for one subscriber after `start`, in sequence order."""

    def __init__(self, start: int, capacity: int) -> None:
        self.start = start
        self.capacity = capacity
        self.overflowed = False
        self.on_overflow: Callable[[], None] | None = None
        self._rows: deque[Row] = deque()
        self._ready = asyncio.Event()

    def put(self, row: Row) -> None:
        if self.overflowed:
            return
        if len(self._rows) >= self.capacity:
            self.overflowed = True
            self._rows.clear()
            self._ready.set()
            if self.on_overflow is not None:
                self.on_overflow()
            return
        self._rows.append(row)
        self._ready.set()

    async def take(self) -> list[Row]:
        """Everything waiting (at least one event); SlowConsumer once it overflowed."""
        while not self._rows and not self.overflowed:
            self._ready.clear()
            await self._ready.wait()
        if self.overflowed:
            raise SlowConsumer(self.capacity)
        rows = list(self._rows)
        self._rows.clear()
        return rows


@dataclass(eq=False)
class _AppFeed(Generic[Row]):
    last: int
    inboxes: set[Inbox[Row]] = field(default_factory=set)
    behind: bool = False
    reader: asyncio.Task[None] | None = None


class EventHub(Generic[Row]):
    def __init__(
        self,
        bus: EventBus,
        source: EventSource[Row],
        *,
        capacity: int,
        poll_seconds: float,
    ) -> None:
        self._bus = bus
        self._source = source
        self.capacity = capacity
        self._poll_seconds = poll_seconds
        self._feeds: dict[str, _AppFeed[Row]] = {}
        self._starting: dict[str, Awaitable[_AppFeed[Row]]] = {}
        self._poller: asyncio.Task[None] | None = None

    @contextlib.asynccontextmanager
    async def subscription(self, app_id: str) -> AsyncIterator[Inbox[Row]]:
        """An inbox that receives every event of `app_id` after `inbox.start`."""
        await self._bus.listen(self._wake)
        if self._poller is None:
            self._poller = asyncio.get_running_loop().create_task(self._poll())
        feed = await self._feed(app_id)
        inbox: Inbox[Row] = Inbox(feed.last, self.capacity)
        feed.inboxes.add(inbox)
        try:
            yield inbox
        finally:
            feed.inboxes.discard(inbox)
            if not feed.inboxes and self._feeds.get(app_id) is feed:
                del self._feeds[app_id]

    def subscriber_count(self) -> int:
        return sum(len(feed.inboxes) for feed in self._feeds.values())

    async def _feed(self, app_id: str) -> _AppFeed[Row]:
        feed = self._feeds.get(app_id)
        if feed is not None:
            return feed
        starting = self._starting.get(app_id)
        if starting is None:
            starting = self._starting[app_id] = asyncio.ensure_future(self._start(app_id))
        return await starting

    async def _start(self, app_id: str) -> _AppFeed[Row]:
        try:
            feed: _AppFeed[Row] = _AppFeed(last=await self._source.latest(app_id))
            self._feeds[app_id] = feed
            return feed
        finally:
            del self._starting[app_id]

    def _wake(self, app_id: str, seq: int) -> None:
        feed = self._feeds.get(app_id)
        if feed is not None and seq > feed.last:
            self._catch_up(app_id, feed)

    def _catch_up(self, app_id: str, feed: _AppFeed[Row]) -> None:
        feed.behind = True
        if feed.reader is None or feed.reader.done():
            feed.reader = asyncio.get_running_loop().create_task(self._read(app_id, feed))

    async def _read(self, app_id: str, feed: _AppFeed[Row]) -> None:
        try:
            while feed.behind and feed.inboxes:
                feed.behind = False
                # At most an inbox's worth at a time, and a turn for the subscribers
                # between reads: a burst alone does not overflow a subscriber that keeps up.
                limit = min(PAGE, self.capacity)
                rows = await self._source.after(app_id, feed.last, limit)
                for row in rows:
                    if row.seq <= feed.last:
                        continue
                    for inbox in list(feed.inboxes):
                        inbox.put(row)
                    feed.last = row.seq
                feed.behind = feed.behind or len(rows) == limit
                await asyncio.sleep(0)
        except Exception as exc:  # the next poll tries again
            log.warning("reading the event log for subscribers failed: %s", exc)

    async def _poll(self) -> None:
        while True:
            await asyncio.sleep(self._poll_seconds)
            for app_id, feed in list(self._feeds.items()):
                self._catch_up(app_id, feed)

    async def close(self) -> None:
        tasks = [self._poller, *(feed.reader for feed in self._feeds.values())]
        for task in tasks:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        await self._bus.close()
