"""The long-lived parts one gateway process shares: engine, sessions, store, clock."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.credential_cache import CredentialCache
from gateway.credential_changes import CHANGES_KEY, CredentialChanges, install_change_hook
from gateway.credential_channel import open_channel
from gateway.db.availability import DatabaseAvailability
from gateway.db.engine import SessionFactory, build_engine, build_session_factory
from gateway.db.event_log import EventRow
from gateway.db.event_tail import LogSource
from gateway.db.schema_revision import SchemaCheck
from gateway.db.statements import install_statement_counter
from gateway.event_bus import BUS_KEY, EventBus, LocalBus, install_commit_hook, open_bus
from gateway.event_hub import EventHub
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
    # Commits of `sessions` publish their events on `bus`; `events` fans them out to
    # this process's GraphQL subscribers.
    bus: EventBus = field(default_factory=LocalBus)
    events: EventHub[EventRow] = field(init=False)
    # The credential cache of authentication and the channel that invalidates it in
    # every process (gateway.credential_changes); in-process unless `open` gives one.
    credential_changes: CredentialChanges | None = None

    def __post_init__(self) -> None:
        if self.credential_changes is None:
            self.credential_changes = CredentialChanges.local(
                self.settings.credential_cache_seconds
            )
        self.events = EventHub(
            self.bus,
            LogSource(self.sessions),
            capacity=self.settings.subscription_queue_size,
            poll_seconds=self.settings.subscription_poll_seconds,
        )

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
        install_commit_hook()
        install_change_hook()
        bus = open_bus(settings.redis_url)
        channel = open_channel(settings.redis_url)
        changes = CredentialChanges(
            CredentialCache(
                settings.credential_cache_seconds,
                channel,
                max_entries=settings.credential_cache_size,
            ),
            channel,
        )
        return cls(
            settings=settings,
            engine=engine,
            sessions=build_session_factory(engine, info={BUS_KEY: bus, CHANGES_KEY: changes}),
            store=open_store(settings.redis_url, cluster=settings.redis_cluster),
            clock=clock,
            database=database,
            bus=bus,
            credential_changes=changes,
        )

    @property
    def webhook_secrets(self) -> SecretBox:
        """Seals and opens webhook signing secrets under WEBHOOK_SECRET_KEYS."""
        return secret_box(self.settings.webhook_secret_keys)

    @property
    def credentials(self) -> CredentialChanges:
        assert self.credential_changes is not None  # set by __post_init__
        return self.credential_changes

    async def close(self) -> None:
        await self.credentials.close()
        await self.events.close()
        await self.store.close()
        await self.engine.dispose()
