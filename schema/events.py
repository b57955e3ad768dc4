"""The event of the log, as GraphQL shows it: one type for the `events` feed and for
subscriptions, so both hand out the same items; the `events` connection, whose cursor
is the sequence (gateway.services.event_feed)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.scalars import JSON

from gateway.db.event_log import EventRow
from gateway.services.event_feed import (
    FeedQuery,
    check_page_size,
    check_types,
    count_feed,
    parse_cursor,
    read_feed,
)
from schema.context import Context
from schema.pagination import DEFAULT_PAGE_SIZE, Connection, Edge, connection_of

Info = strawberry.Info[Context, None]


def event_cursor(seq: int) -> str:
    """The cursor of an event: its sequence, in decimal."""
    return str(seq)


@strawberry.type(
    description=(
        "Something that happened to a resource of the app. Events are numbered by a "
        "per-app sequence in the order they were committed; `data` is the resource as the "
        "webhook of the event carries it."
    )
)
class Event:
    id: strawberry.ID
    sequence: int = strawberry.field(
        description="The event's place in the app's log: strictly increasing, no gaps."
    )
    cursor: str = strawberry.field(
        description="Give it as `after` to read (or subscribe to) the events that follow."
    )
    type: str = strawberry.field(description='"<resource>.<action>", e.g. "invoice.paid".')
    created_at: datetime
    resource_type: str
    resource_id: strawberry.ID
    invoice_id: strawberry.ID | None = strawberry.field(
        description="The invoice an invoice event is about; null for other resources."
    )
    data: JSON

    @classmethod
    def from_row(cls, row: EventRow) -> Event:
        return cls(
            id=strawberry.ID(row.id),
            sequence=row.seq,
            cursor=event_cursor(row.seq),
            type=row.type,
            created_at=row.created_at,
            resource_type=row.resource_type,
            resource_id=strawberry.ID(row.resource_id),
            invoice_id=None if row.invoice_id is None else strawberry.ID(row.invoice_id),
            data=JSON(row.data()),
        )


First = Annotated[int, strawberry.argument(description="Page size, 1 to 100.")]
After = Annotated[
    str | None,
    strawberry.argument(
        description=(
            "The cursor of the last event seen; the page starts right after it. Omitted: "
            "from the oldest event kept. A cursor older than what retention keeps is an "
            "error (CURSOR_EXPIRED), never an empty page."
        )
    ),
]
Types = Annotated[
    list[str] | None,
    strawberry.argument(description='Only events of these types ("invoice.paid", ...).'),
]
InvoiceId = Annotated[
    strawberry.ID | None, strawberry.argument(description="Only events about this invoice.")
]


async def resolve_events(
    info: Info,
    first: First = DEFAULT_PAGE_SIZE,
    after: After = None,
    types: Types = None,
    invoice_id: InvoiceId = None,
) -> Connection[Event]:
    context = info.context
    app_id = context.caller.app_id
    query = FeedQuery(
        after=None if after is None else parse_cursor(after, "after"),
        types=None if types is None else check_types(types, "types"),
        invoice_id=invoice_id,
    )
    limit = check_page_size(first, "first")
    async with context.reads.session() as session:
        page = await read_feed(session, app_id, query, limit)

    async def count() -> int:
        async with context.reads.session() as session:
            return await count_feed(session, app_id, query)

    edges = [Edge(node=Event.from_row(row), cursor=event_cursor(row.seq)) for row in page.rows]
    return connection_of(edges, page.has_more, after is not None, count)
