"""The long-lived parts one gateway process shares: engine, sessions, store, clock."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.db.availability import DatabaseAvailability
from gateway.db.engine import SessionFactory, build_engine, build_session_factory
from gateway.db.schema_revision import SchemaCheck
from gateway.db.statements import install_statement_counter
from gateway.metrics.pool import watch_pool
from gateway.secret_box import SecretBox, secret_box
from gateway.settings import Settings
from gateway.store.base import Store
from gateway.store.factory import open_store

log = logging.getLogger("gateway.secrets")


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Runtime:
    settings: Settings
    engine: AsyncEngine
    sessions: SessionFactory
    store: Store
    clock: Callable[[], datetime] = field(default=utc_now)
    database: DatabaseAvailability = field(default_factory=DatabaseAvailability)
    schema_check: SchemaCheck = field(default_factory=SchemaCheck)

    @classmethod
    def open(cls, settings: Settings, clock: Callable[[], datetime] = utc_now) -> Runtime:
        if not settings.webhook_secret_keys:
            log.warning(
                "WEBHOOK_SECRET_KEYS is not set: webhook signing secrets are encrypted with "
                "the public development key; set it in production"
            )
        engine = build_engine(settings.database_url, settings.database_pool)
        install_statement_counter(engine)
        watch_pool(engine)
        database = DatabaseAvailability()
        database.watch(engine)
        return cls(
            settings=settings,
            engine=engine,
            sessions=build_session_factory(engine),
            store=open_store(settings.redis_url, cluster=settings.redis_cluster),
            clock=clock,
            database=database,
        )

    @property
    def webhook_secrets(self) -> SecretBox:
        """Seals and opens webhook signing secrets under WEBHOOK_SECRET_KEYS."""
        return secret_box(self.settings.webhook_secret_keys)

    async def close(self) -> None:
        await self.store.close()
        await self.engine.dispose()
