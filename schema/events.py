"""The event of the log, as GraphQL shows it: one type for the `events` feed and for
subscriptions, so both hand out the same items."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from gateway.db.event_log import EventRow


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
