"""Wake-ups between gateway processes: "app A's event log now reaches sequence N".

A transaction that wrote events leaves `{app_id: max_seq}` in `session.info["event_seqs"]`
(gateway.db.event_log); the commit hook installed here publishes it on the process's bus.
A process with subscribers listens on one connection and hands every wake-up to its hub
(gateway.event_hub), which reads the new events from the log once for all its
subscribers. With Redis (REDIS_URL) the bus is one pub/sub channel shared by every
process; without it, an in-process bus serves the single process of the embedded default.

A wake-up that is lost (Redis restarting, another process on SQLite) costs latency, not
events: the hub also checks the log every SUBSCRIPTION_POLL_SECONDS.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any, Final, Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger("gateway.events")

Wake = Callable[[str, int], None]

CHANNEL: Final = "igw:events"
# Where a session finds the bus its commits publish on (gateway.runtime puts it there).
BUS_KEY: Final = "event_bus"
SEQS_KEY: Final = "event_seqs"
RECONNECT_SECONDS: Final = 1.0


class EventBus(Protocol):
    def publish(self, app_id: str, seq: int) -> None:
        """Sends the wake-up soon, without waiting (called from a commit hook)."""

    async def listen(self, wake: Wake) -> None:
        """Calls `wake(app_id, seq)` for every wake-up from now on (idempotent)."""

    async def close(self) -> None: ...


class LocalBus:
    """One process: a publish is a direct call."""

    def __init__(self) -> None:
        self._wake: Wake | None = None

    def publish(self, app_id: str, seq: int) -> None:
        if self._wake is not None:
            self._wake(app_id, seq)

    async def listen(self, wake: Wake) -> None:
        self._wake = wake

    async def close(self) -> None:
        self._wake = None


class RedisBus:
    """One Redis pub/sub channel; a message is "<app_id> <seq>". Publishes made while one
    is in flight are merged per app (the highest sequence wins), so a burst of commits
    costs a few PUBLISH commands, not one each. Works on a Redis Cluster too: PUBLISH
    reaches the subscribers of every node."""

    def __init__(self, url: str) -> None:
        self._client: Redis = Redis.from_url(url, socket_connect_timeout=1.0)
        self._pending: dict[str, int] = {}
        self._sender: asyncio.Task[None] | None = None
        self._listener: asyncio.Task[None] | None = None

    def publish(self, app_id: str, seq: int) -> None:
        self._pending[app_id] = max(seq, self._pending.get(app_id, 0))
        if self._sender is None or self._sender.done():
            self._sender = asyncio.get_running_loop().create_task(self._send())

    async def _send(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, {}
            for app_id, seq in batch.items():
                try:
                    await self._client.publish(CHANNEL, f"{app_id} {seq}")
                except (RedisError, OSError) as exc:
                    # Subscribers find the event at their hub's next check of the log.
                    log.warning("event wake-up not published: %s", exc)

    async def listen(self, wake: Wake) -> None:
        if self._listener is None:
            self._listener = asyncio.get_running_loop().create_task(self._listen(wake))

    async def _listen(self, wake: Wake) -> None:
        while True:
            try:
                async with self._client.pubsub(ignore_subscribe_messages=True) as pubsub:
                    await pubsub.subscribe(CHANNEL)
                    async for message in pubsub.listen():
                        _deliver(message, wake)
            except (RedisError, OSError) as exc:
                log.warning("event wake-ups interrupted, reconnecting: %s", exc)
                await asyncio.sleep(RECONNECT_SECONDS)

    async def close(self) -> None:
        for task in (self._listener, self._sender):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        await self._client.aclose()


def _deliver(message: dict[str, Any], wake: Wake) -> None:
    if message.get("type") != "message":
        return
    data = message["data"]
    text = data.decode() if isinstance(data, bytes) else str(data)
    app_id, _, seq = text.partition(" ")
    if seq.isdigit():
        wake(app_id, int(seq))


def open_bus(redis_url: str | None) -> EventBus:
    return RedisBus(redis_url) if redis_url else LocalBus()


def _publish_committed(session: Session) -> None:
    seqs: dict[str, int] | None = session.info.pop(SEQS_KEY, None)
    bus: EventBus | None = session.info.get(BUS_KEY)
    if seqs and bus is not None:
        for app_id, seq in seqs.items():
            bus.publish(app_id, seq)


def _forget_rolled_back(session: Session, _previous: object) -> None:
    session.info.pop(SEQS_KEY, None)


def install_commit_hook() -> None:
    """Every session whose `info` names a bus publishes the events it committed."""
    if not event.contains(Session, "after_commit", _publish_committed):
        event.listen(Session, "after_commit", _publish_committed)
        event.listen(Session, "after_soft_rollback", _forget_rolled_back)
