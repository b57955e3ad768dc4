"""The event log as the process's hub reads it (gateway.event_hub): every event of an
app after a sequence, and the app's latest sequence."""

from __future__ import annotations

from collections.abc import Sequence

from gateway.db.engine import SessionFactory
from gateway.db.event_log import EventRow, events_after, last_event_seq


class LogSource:
    """The hub's view of the event log: every event of an app, no filter."""

    def __init__(self, sessions: SessionFactory) -> None:
        self._sessions = sessions

    async def latest(self, app_id: str) -> int:
        async with self._sessions() as session:
            return await last_event_seq(session, app_id)

    async def after(self, app_id: str, seq: int, limit: int) -> Sequence[EventRow]:
        async with self._sessions() as session:
            return await events_after(
                session, app_id, after=seq, types=None, invoice_id=None, limit=limit
            )
