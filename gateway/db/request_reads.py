"""A request's read-only sessions, all on one pooled connection in autocommit mode.

A nested GraphQL page reads in up to seven batches (the page, its count, then the
DataLoaders, four of them at once). With a session each, every batch took its own
connection from the pool, pinged it and wrapped its one SELECT in BEGIN ... ROLLBACK.
Here the first read checks one connection out and switches it to autocommit, so each
SELECT sees what is committed when it runs (nothing is held across the request's
mutations, which write through their own sessions); every read gets a fresh session on
that connection, so no identity map outlives its batch; reads take turns, as one
connection runs one statement at a time. `close()` at the end of the request gives the
connection back (the pool restores its isolation level). On PostgreSQL the rows are
read straight through asyncpg on that connection (gateway.db.direct_reads), unless
`direct` is off (a traced process: SQLAlchemy's instrumentation makes the SQL spans).

Behind PgBouncer in transaction pooling mode (`autocommit=False`) each read session is
its own transaction instead: asyncpg prepares a statement and then runs it in two
exchanges, and outside a transaction PgBouncer may send the second to another server
connection, where the statement does not exist.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.db.direct_reads import INFO_KEY as DIRECT_READS
from gateway.db.direct_reads import DirectReads


class RequestReadsClosedError(RuntimeError):
    """A read was asked for after the request ended."""


class RequestReads:
    def __init__(
        self, engine: AsyncEngine, *, autocommit: bool = True, direct: bool = True
    ) -> None:
        self._engine = engine
        self._autocommit = autocommit
        self._use_direct = direct
        self._connection: AsyncConnection | None = None
        self._direct: DirectReads | None = None
        self._lock = asyncio.Lock()
        self._closed = False

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        async with self._lock:
            if self._closed:
                raise RequestReadsClosedError("the request's reads are closed")
            if self._connection is None:
                connection = await self._engine.connect()
                if self._autocommit:
                    try:
                        await connection.execution_options(isolation_level="AUTOCOMMIT")
                        if self._use_direct:
                            self._direct = await _direct_reads(connection)
                    except BaseException:
                        await connection.close()
                        raise
                self._connection = connection
            info = {} if self._direct is None else {DIRECT_READS: self._direct}
            session = AsyncSession(bind=self._connection, expire_on_commit=False, info=info)
            try:
                yield session
            finally:
                await session.close()

    async def close(self) -> None:
        async with self._lock:
            self._closed = True
            connection, self._connection = self._connection, None
            self._direct = None
            if connection is not None:
                await connection.close()

    async def __aenter__(self) -> RequestReads:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()


async def _direct_reads(connection: AsyncConnection) -> DirectReads | None:
    """asyncpg's own connection under the pooled one, for gateway.db.direct_reads."""
    if connection.dialect.driver != "asyncpg":
        return None
    raw = await connection.get_raw_connection()
    return DirectReads(raw.driver_connection, connection.dialect)
