"""The live event feed of one subscriber: what it missed from the log, then what happens.

It joins the process's hub first (gateway.event_hub), which fixes the sequence from
which the hub hands it events; then reads the log from the subscriber's cursor up to
that sequence; then takes the hub's events, skipping any it already has. So nothing
is missed between the backlog and the live part, and nothing comes twice.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass, replace

from gateway.db.engine import SessionFactory
from gateway.db.event_log import EventRow
from gateway.event_hub import PAGE, EventHub
from gateway.services.event_feed import FeedQuery, read_feed


@dataclass(frozen=True)
class EventFilter:
    types: frozenset[str] | None = None
    invoice_id: str | None = None

    def matches(self, row: EventRow) -> bool:
        if self.types is not None and row.type not in self.types:
            return False
        return self.invoice_id is None or row.invoice_id == self.invoice_id


async def follow_events(
    hub: EventHub[EventRow],
    sessions: SessionFactory,
    app_id: str,
    *,
    after: int | None,
    wanted: EventFilter,
    on_overflow: Callable[[], None] | None = None,
) -> AsyncGenerator[EventRow, None]:
    """The app's events after `after` that `wanted` matches, then live ones; with no
    `after`, live ones only. Raises SlowConsumer when the subscriber falls too far
    behind (`on_overflow` is called as soon as it does), CursorExpired when retention
    deleted events after `after`."""
    types = tuple(sorted(wanted.types)) if wanted.types is not None else None
    async with hub.subscription(app_id) as inbox:
        inbox.on_overflow = on_overflow
        last = inbox.start if after is None else after
        query = FeedQuery(after=last, types=types, invoice_id=wanted.invoice_id)
        while last < inbox.start:
            async with sessions() as session:
                # CursorExpired when retention deleted events after the cursor.
                page = await read_feed(session, app_id, query, PAGE)
            for row in page.rows:
                if row.seq > inbox.start:
                    break
                yield row
            if not page.has_more or page.rows[-1].seq >= inbox.start:
                break
            last = page.rows[-1].seq
            query = replace(query, after=last)
        last = max(inbox.start, after or 0)
        while True:
            for row in await inbox.take():
                if row.seq <= last:
                    continue
                last = row.seq
                if wanted.matches(row):
                    yield row
