"""The event log: every event of an app once, numbered by a per-app sequence.

Sequence order is commit order, within an app. `reserve_event_seqs` advances the app's
counter (App.event_seq) with one UPDATE ... RETURNING in the transaction that writes the
events; the row stays locked until that transaction ends, so a second writer of the same
app waits there and takes its numbers only after the first has committed (or rolled
back, which gives the numbers back). Hence:

* the log of an app has no gaps: every number taken is committed with its event;
* a reader that has seen sequence N never later finds a committed event below N: an
  event is visible only once its transaction committed, and every lower number was
  committed before it (PostgreSQL publishes a commit before it releases the row lock;
  SQLite has one writer at a time).

A cursor is therefore just a sequence. Retention deletes a prefix of each app's log
(`prune_events`); `oldest_retained_seq` tells from where a reader can still read, and a
reader compares it with its cursor after reading the page, never before (a prune
between the two would otherwise pass for an empty page).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, bindparam, delete, func, update
from sqlalchemy import select as sa_select
from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.db.binds import APP_ID, table_of
from gateway.db.tables import App, Event
from gateway.domain.text import is_storable

_APPS = table_of(App)
_EVENTS = table_of(Event)


@dataclass(frozen=True)
class EventRow:
    """One event of the log as every channel shows it (feed, subscription, webhook body)."""

    seq: int
    id: str
    app_id: str
    type: str
    resource_type: str
    resource_id: str
    invoice_id: str | None
    created_at: datetime
    payload: str

    def data(self) -> Any:
        """The payload's "data", numbers exact (a decimal stays a Decimal of its digits),
        so every surface writes the same JSON the webhook body holds."""
        return json.loads(self.payload, parse_float=Decimal)["data"]


_ADVANCE = (
    update(_APPS)
    .where(_APPS.c.id == APP_ID)
    .values(event_seq=_APPS.c.event_seq + bindparam("count"))
    .returning(_APPS.c.event_seq)
)


async def reserve_event_seqs(session: AsyncSession, app_id: str, count: int) -> int:
    """Takes the app's next `count` sequences in the caller's transaction; returns the
    last one (they are last - count + 1 .. last). The app's row stays locked until the
    transaction ends: that is what makes sequence order commit order."""
    connection = await session.connection()
    result = await connection.execute(_ADVANCE, {"app_id": app_id, "count": count})
    return int(result.scalar_one())


_ROW_COLUMNS = (
    _EVENTS.c.seq,
    _EVENTS.c.id,
    _EVENTS.c.app_id,
    _EVENTS.c.type,
    _EVENTS.c.resource_type,
    _EVENTS.c.resource_id,
    _EVENTS.c.invoice_id,
    _EVENTS.c.created_at,
    _EVENTS.c.payload,
)


def _matching(
    app_id: str, after: int | None, types: Sequence[str] | None, invoice_id: str | None
) -> list[ColumnElement[bool]]:
    where = [_EVENTS.c.app_id == app_id]
    if after is not None:
        where.append(_EVENTS.c.seq > after)
    if types is not None:
        where.append(_EVENTS.c.type.in_([kind for kind in types if is_storable(kind)]))
    if invoice_id is not None:
        where.append(_EVENTS.c.invoice_id == invoice_id)
    return where


async def events_after(
    session: AsyncSession,
    app_id: str,
    *,
    after: int | None,
    types: Sequence[str] | None,
    invoice_id: str | None,
    limit: int,
) -> list[EventRow]:
    """Up to `limit` events of the app with a sequence above `after` (None: from the
    oldest retained), of one of `types` (None: any) and about `invoice_id` (None: any),
    in sequence order."""
    if invoice_id is not None and not is_storable(invoice_id):
        return []
    stmt = (
        sa_select(*_ROW_COLUMNS)
        .where(*_matching(app_id, after, types, invoice_id))
        .order_by(_EVENTS.c.seq)
        .limit(limit)
    )
    connection = await session.connection()
    return [EventRow(*row) for row in (await connection.execute(stmt)).all()]


async def count_events_after(
    session: AsyncSession,
    app_id: str,
    *,
    after: int | None,
    types: Sequence[str] | None,
    invoice_id: str | None,
) -> int:
    """How many events `events_after` would return without a limit."""
    if invoice_id is not None and not is_storable(invoice_id):
        return 0
    stmt = sa_select(func.count()).where(*_matching(app_id, after, types, invoice_id))
    connection = await session.connection()
    return int((await connection.execute(stmt)).scalar_one())


_OLDEST = sa_select(
    func.coalesce(
        sa_select(func.min(_EVENTS.c.seq)).where(_EVENTS.c.app_id == APP_ID).scalar_subquery(),
        _APPS.c.event_seq + 1,
    )
).where(_APPS.c.id == APP_ID)


async def oldest_retained_seq(session: AsyncSession, app_id: str) -> int:
    """The lowest sequence of the app a reader can still read: its oldest retained event,
    or the next sequence when none is retained. One statement (one snapshot): the
    counter is read with the log it belongs to."""
    connection = await session.connection()
    value = (await connection.execute(_OLDEST, {"app_id": app_id})).scalar_one_or_none()
    return 1 if value is None else int(value)


async def last_event_seq(session: AsyncSession, app_id: str) -> int:
    """The sequence of the app's last committed event (0 before the first)."""
    stmt = sa_select(_APPS.c.event_seq).where(_APPS.c.id == app_id)
    connection = await session.connection()
    value = (await connection.execute(stmt)).scalar_one_or_none()
    return 0 if value is None else int(value)


async def prune_events(session: AsyncSession, before: datetime, limit: int) -> int:
    """Deletes up to `limit` events written before `before`; returns how many.

    Per app, only a prefix of the log goes: everything up to the highest sequence
    written before `before`. Clocks of concurrent writers may disagree by a little, so
    that can take an event a moment younger than `before` with it; what it never does
    is leave a hole in the retained range (which `oldest_retained_seq` relies on).
    """
    connection = await session.connection()
    prefixes = (
        await connection.execute(
            sa_select(_EVENTS.c.app_id, func.max(_EVENTS.c.seq))
            .where(_EVENTS.c.created_at < before)
            .group_by(_EVENTS.c.app_id)
            .order_by(_EVENTS.c.app_id)
        )
    ).all()
    deleted = 0
    for app_id, upto in prefixes:
        if deleted >= limit:
            break
        oldest = (
            sa_select(_EVENTS.c.id)
            .where(_EVENTS.c.app_id == app_id, _EVENTS.c.seq <= upto)
            .order_by(_EVENTS.c.seq)
            .limit(limit - deleted)
        )
        result = await connection.execute(
            delete(_EVENTS)
            .where(_EVENTS.c.id.in_(oldest.scalar_subquery()))
            .execution_options(synchronize_session=False)
        )
        deleted += int(result.rowcount)
    return deleted
