"""Writers of credentials and apps invalidate every process's credential cache.

Any session of the runtime (its `info` names this process's CredentialChanges) that
commits an added, changed or deleted ApiCredential, a deleted App or an App whose name
changed invalidates those client keys and apps in this process's cache before `commit()`
returns, and publishes the change on the invalidation channel for the other processes
(gateway.credential_cache, gateway.credential_channel). ORM writes are found by the
session hook installed here; a writer that changes the tables with Core statements
calls `note_change(session, ...)` before committing. `await published()` waits until
the change went out (a CLI command does, and `close()` does).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable
from typing import Any, Final

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from gateway.credential_cache import CredentialCache
from gateway.credential_channel import CredentialChannel, LocalChannel
from gateway.db.tables import ApiCredential, App

log = logging.getLogger("gateway.credentials")

CHANGES_KEY: Final = "credential_changes"  # session.info: the process's CredentialChanges
PENDING_KEY: Final = "credential_changes_pending"  # session.info: (keys, apps) to commit
CLOSE_TIMEOUT_SECONDS: Final = 5.0


class CredentialChanges:
    """A process's credential cache and the channel its changes go out on."""

    def __init__(self, cache: CredentialCache, channel: CredentialChannel) -> None:
        self.cache = cache
        self.channel = channel
        channel.attach(cache)
        self._sending: set[asyncio.Task[bool]] = set()

    @classmethod
    def local(cls, ttl_seconds: float) -> CredentialChanges:
        channel = LocalChannel()
        return cls(CredentialCache(ttl_seconds, channel), channel)

    def committed(self, client_keys: Iterable[str], app_ids: Iterable[str]) -> None:
        keys, apps = sorted(set(client_keys)), sorted(set(app_ids))
        self.cache.invalidate(keys, apps)
        task = asyncio.get_running_loop().create_task(self.channel.publish(keys, apps))
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)

    async def published(self) -> bool:
        """Waits for the changes committed so far to go out; False if one could not."""
        results = await asyncio.gather(*self._sending)
        return all(results)

    async def close(self) -> None:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(CLOSE_TIMEOUT_SECONDS):
                await self.published()
        await self.channel.close()


def note_change(session: Any, client_keys: Iterable[str] = (), app_ids: Iterable[str] = ()) -> None:
    """Invalidates these keys and apps when `session` (sync or async) commits."""
    info = session.info
    keys, apps = info.setdefault(PENDING_KEY, (set(), set()))
    keys.update(client_keys)
    apps.update(app_ids)


def _changed_name(app: App) -> bool:
    return bool(inspect(app).attrs.name.history.has_changes())


def _note_flushed(session: Session, _context: object) -> None:
    if CHANGES_KEY not in session.info:
        return
    keys: set[str] = set()
    apps: set[str] = set()
    for row in (*session.new, *session.dirty, *session.deleted):
        if isinstance(row, ApiCredential):
            keys.add(row.client_key)
            keys.update(inspect(row).attrs.client_key.history.deleted or ())
        elif isinstance(row, App) and (row in session.deleted or _changed_name(row)):
            apps.add(row.id)
    if keys or apps:
        note_change(session, keys, apps)


def _apply_committed(session: Session) -> None:
    pending: tuple[set[str], set[str]] | None = session.info.pop(PENDING_KEY, None)
    changes: CredentialChanges | None = session.info.get(CHANGES_KEY)
    if pending and changes is not None:
        changes.committed(*pending)


def _forget_rolled_back(session: Session, _previous: object) -> None:
    session.info.pop(PENDING_KEY, None)


def install_change_hook() -> None:
    """Every session whose `info` names a CredentialChanges applies its changes."""
    if not event.contains(Session, "after_flush", _note_flushed):
        event.listen(Session, "after_flush", _note_flushed)
        event.listen(Session, "after_commit", _apply_committed)
        event.listen(Session, "after_soft_rollback", _forget_rolled_back)
