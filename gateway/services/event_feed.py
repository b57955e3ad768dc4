"""The pull feed: an app's events after a cursor (its last sequence seen), read from the
log, shared by GET /api/v0/events and the GraphQL `events` connection.

A cursor is a sequence. Reading after it is safe because sequence order is commit order
(gateway.db.event_log): the page holds every event after the cursor, none is added behind
it later. Retention deletes the oldest events; a cursor whose next event is gone is
refused (CursorExpired, which names where to restart), never answered with a page that
silently skips events.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.db.event_log import EventRow, count_events_after, events_after, oldest_retained_seq
from gateway.domain.errors import CursorExpired, InvalidInput
from gateway.domain.problems import Problem

MAX_PAGE_SIZE = 100
# Sequences stay within what every client reads exactly as a number (JSON, JavaScript).
MAX_SEQUENCE = 2**53 - 1
_EVENT_TYPE = re.compile(r"^[a-z][a-z_]*\.[a-z][a-z_]*$")
_LONGEST_TYPE = 64
_MOST_TYPES = 50


@dataclass(frozen=True)
class FeedQuery:
    """Which events: after the sequence `after` (None: from the oldest kept), of one of
    `types` (None: any), about `invoice_id` (None: any)."""

    after: int | None = None
    types: tuple[str, ...] | None = None
    invoice_id: str | None = None


@dataclass(frozen=True)
class FeedPage:
    rows: list[EventRow]
    has_more: bool


def parse_cursor(raw: str, field: str) -> int:
    """A cursor as the feed hands it out: a sequence in decimal digits."""
    digits = raw.isascii() and raw.isdigit() and len(raw) <= len(str(MAX_SEQUENCE))
    if not digits or int(raw) > MAX_SEQUENCE:
        raise InvalidInput(
            [Problem((field,), "INVALID_CURSOR", "must be the cursor of an event (its sequence)")]
        )
    return int(raw)


def check_types(types: Sequence[str], field: str) -> tuple[str, ...]:
    """Event types such as invoice.paid; one that no event has matches nothing."""
    if len(types) > _MOST_TYPES:
        raise InvalidInput([Problem((field,), "TOO_MANY", f"must name at most {_MOST_TYPES}")])
    bad = [kind for kind in types if len(kind) > _LONGEST_TYPE or not _EVENT_TYPE.match(kind)]
    if bad or not types:
        raise InvalidInput(
            [
                Problem(
                    (field,),
                    "INVALID_EVENT_TYPE",
                    'must be event types such as "invoice.paid" or "customer.created"',
                )
            ]
        )
    return tuple(dict.fromkeys(types))


def check_page_size(value: int, field: str) -> int:
    if value < 1:
        raise InvalidInput([f"{field} must not be less than 1"])
    if value > MAX_PAGE_SIZE:
        raise InvalidInput([f"{field} must not be greater than {MAX_PAGE_SIZE}"])
    return value


async def read_feed(session: AsyncSession, app_id: str, query: FeedQuery, limit: int) -> FeedPage:
    """Up to `limit` events of the app after `query.after`, in sequence order.

    CursorExpired when events after the cursor were deleted by retention. The check
    comes after the page is read: retention only deletes, so what it finds then held
    while the page was read too.
    """
    rows = await events_after(
        session,
        app_id,
        after=query.after,
        types=query.types,
        invoice_id=query.invoice_id,
        limit=limit + 1,
    )
    after = query.after
    contiguous = rows and after is not None and rows[0].seq == after + 1
    if after is not None and not contiguous:
        oldest = await oldest_retained_seq(session, app_id)
        if after + 1 < oldest:
            raise CursorExpired(after, oldest)
    return FeedPage(rows=rows[:limit], has_more=len(rows) > limit)


async def count_feed(session: AsyncSession, app_id: str, query: FeedQuery) -> int:
    return await count_events_after(
        session, app_id, after=query.after, types=query.types, invoice_id=query.invoice_id
    )
