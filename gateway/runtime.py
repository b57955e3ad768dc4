"""The long-lived parts one gateway process shares: engine, sessions, store, clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.db.engine import SessionFactory, build_engine, build_session_factory
from gateway.db.schema_revision import SchemaCheck
from gateway.db.statements import install_statement_counter
from gateway.settings import Settings
from gateway.store.base import Store
from gateway.store.factory import open_store


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Runtime:
    settings: Settings
    engine: AsyncEngine
    sessions: SessionFactory
    store: Store
    clock: Callable[[], datetime] = field(default=utc_now)
    schema_check: SchemaCheck = field(default_factory=SchemaCheck)

    @classmethod
    def open(cls, settings: Settings, clock: Callable[[], datetime] = utc_now) -> Runtime:
        engine = build_engine(settings.database_url)
        install_statement_counter(engine)
        return cls(
            settings=settings,
            engine=engine,
            sessions=build_session_factory(engine),
            store=open_store(settings.redis_url),
            clock=clock,
        )

    async def close(self) -> None:
        await self.store.close()
        await self.engine.dispose()
