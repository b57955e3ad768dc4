"""Counts SQL statements per unit of work (a request, a test) via a ContextVar."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine


@dataclass
class StatementCount:
    value: int = 0


_current: ContextVar[StatementCount | None] = ContextVar("sql_statement_count", default=None)


def _on_execute(*_args: Any) -> None:
    counter = _current.get()
    if counter is not None:
        counter.value += 1


def note_statement() -> None:
    """Counts a statement sent without SQLAlchemy (gateway.db.direct_reads)."""
    _on_execute()


def install_statement_counter(engine: AsyncEngine) -> None:
    if not event.contains(engine.sync_engine, "before_cursor_execute", _on_execute):
        event.listen(engine.sync_engine, "before_cursor_execute", _on_execute)


@contextmanager
def count_statements() -> Iterator[StatementCount]:
    counter = StatementCount()
    token = _current.set(counter)
    try:
        yield counter
    finally:
        _current.reset(token)
