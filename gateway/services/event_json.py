"""An event of the log as the v0 REST feed shows it (snake_case, as the rest of v0); the
same fields and the same data as the GraphQL Event (schema.events)."""

from __future__ import annotations

from typing import Any

from gateway.db.event_log import EventRow
from gateway.services.invoice_json import iso_datetime


def render_event(row: EventRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "sequence": row.seq,
        "cursor": str(row.seq),
        "type": row.type,
        "created_at": iso_datetime(row.created_at),
        "resource_type": row.resource_type,
        "resource_id": row.resource_id,
        "invoice_id": row.invoice_id,
        "data": row.data(),
    }
