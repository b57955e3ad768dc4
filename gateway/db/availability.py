"""Whether the database can be reached, and which errors say that it cannot.

`is_unreachable(exc)` picks the errors of a database that is down, restarting, refusing
connections or out of them; integrity errors and bugs are not among them. Every surface
turns those into 503 "retry later" and reports them to the process's
`DatabaseAvailability`, which logs one line when an outage begins and one when it ends,
however many requests fail in between (no stack trace, no SQL: only the error's class).
"""

from __future__ import annotations

import errno
import logging
import socket
import sqlite3
import time

import asyncpg.exceptions as pg
from sqlalchemy import event
from sqlalchemy import exc as sa
from sqlalchemy.ext.asyncio import AsyncEngine

log = logging.getLogger("gateway.database")

# Server side: shutting down or starting up, out of connection slots, connection lost.
_POSTGRES_UNREACHABLE: tuple[type[BaseException], ...] = (
    pg.PostgresConnectionError,
    pg.CannotConnectNowError,
    pg.AdminShutdownError,
    pg.CrashShutdownError,
    pg.TooManyConnectionsError,
)
_NETWORK_ERRNOS = frozenset(
    {
        errno.ECONNREFUSED,
        errno.ECONNRESET,
        errno.ECONNABORTED,
        errno.ETIMEDOUT,
        errno.EHOSTUNREACH,
        errno.ENETUNREACH,
        errno.EPIPE,
    }
)
# SQLite's OperationalError also means "no such table" (a bug or a missing migration).
_SQLITE_UNREACHABLE = ("database is locked", "unable to open database file", "disk I/O error")


def is_unreachable(exc: BaseException) -> bool:
    """True for errors that mean the database cannot be reached right now."""
    return any(_says_unreachable(link) for link in _chain(exc))


def _chain(exc: BaseException) -> list[BaseException]:
    """The error and what it wraps: SQLAlchemy's DBAPI error, the driver's own."""
    links: list[BaseException] = []
    link: BaseException | None = exc
    while link is not None and len(links) < 8:
        links.append(link)
        link = getattr(link, "orig", None) or link.__cause__
    return links


def _says_unreachable(exc: BaseException) -> bool:
    if isinstance(exc, sa.TimeoutError | sa.DisconnectionError):
        return True  # the pool had no connection to give, one went away
    if isinstance(exc, sa.DBAPIError):
        if exc.connection_invalidated:
            return True
        if isinstance(exc.orig, sqlite3.Error):
            return isinstance(exc.orig, sqlite3.OperationalError) and any(
                reason in str(exc.orig) for reason in _SQLITE_UNREACHABLE
            )
        return isinstance(exc, sa.OperationalError | sa.InterfaceError)
    if isinstance(exc, _POSTGRES_UNREACHABLE):
        return True
    if isinstance(exc, OSError):
        # Raised as is while connecting; a bare OSError is asyncio's "Multiple exceptions"
        # (every address of the host refused). File errors are not among these.
        return (
            isinstance(exc, ConnectionError | TimeoutError | socket.gaierror)
            or exc.errno in _NETWORK_ERRNOS
            or type(exc) is OSError
        )
    return False


def _kind(exc: BaseException) -> str:
    """The class names along the chain ("DBAPIError < CannotConnectNowError"): what
    failed, without the messages, which may hold SQL and values."""
    names = dict.fromkeys(type(link).__name__ for link in _chain(exc))
    return " < ".join(names)


class DatabaseAvailability:
    """One process's view of the database: up until a request finds it unreachable,
    down until a connection is checked out again (the pool pings it first)."""

    def __init__(self) -> None:
        self.reason: str | None = None
        self._down_since: float | None = None
        self._failures = 0

    @property
    def reachable(self) -> bool:
        return self._down_since is None

    @property
    def failures(self) -> int:
        """Failed operations reported since the outage began (0 while reachable)."""
        return self._failures

    def report_failure(self, exc: BaseException) -> None:
        self._failures += 1
        if self._down_since is not None:
            return
        self._down_since = time.monotonic()
        self.reason = _kind(exc)
        log.error("database unreachable (%s)", self.reason)

    def report_success(self) -> None:
        if self._down_since is None:
            return
        seconds = time.monotonic() - self._down_since
        log.warning(
            "database reachable again after %.1f s (%d failed operations)",
            seconds,
            self._failures,
        )
        self._down_since = None
        self.reason = None
        self._failures = 0

    def watch(self, engine: AsyncEngine) -> None:
        """Report success whenever the pool hands out a connection: with pool_pre_ping
        that connection was just pinged (or just opened), so the database answers."""

        def checked_out(*_args: object) -> None:
            if self._down_since is not None:
                self.report_success()

        event.listen(engine.sync_engine, "checkout", checked_out)
