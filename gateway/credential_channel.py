"""Carries "these credentials or apps changed" between gateway processes.

A change is published as JSON `{"from": sender, "keys": [client keys], "apps": [app
ids]}` on one
Redis pub/sub channel (with REDIS_URL; PUBLISH reaches every node's subscribers on a
Redis Cluster too); every other process applies it to its gateway.credential_cache (the sender
has already). Without
Redis the gateway is one process and the channel is in-process: the writer's own
invalidation is all there is. (A CLI command run against such a gateway cannot reach
it: the gateway sees the change after CREDENTIAL_CACHE_SECONDS.)

`live()` says whether the cache may be trusted: with Redis, only while the subscription
is confirmed (the subscribe reply came, and a PING sent at most LIVENESS_SECONDS ago was
answered; Redis answers a subscriber's PING after every message published before it).
The listener starts on the first `live()` call; whenever it loses the connection it
empties the cache, and on resubscribing it empties it again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections.abc import Callable, Iterable
from typing import Any, Final, Protocol

import orjson
from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger("gateway.credentials")

CHANNEL: Final = "igw:credentials"
HEARTBEAT_SECONDS: Final = 1.0
# A PING unanswered this long makes the channel not live (the cache is bypassed) and
# the subscription is opened again.
LIVENESS_SECONDS: Final = 3.0
RECONNECT_SECONDS: Final = 1.0
PUBLISH_TIMEOUT_SECONDS: Final = 2.0
_PING: Final = "igw-credentials"


class Target(Protocol):
    def invalidate(self, client_keys: Iterable[str] = (), app_ids: Iterable[str] = ()) -> None: ...

    def clear(self) -> None: ...


class CredentialChannel(Protocol):
    def attach(self, target: Target) -> None:
        """Where received changes go (this process's cache)."""

    def live(self) -> bool: ...

    async def publish(self, client_keys: Iterable[str], app_ids: Iterable[str]) -> bool:
        """Tells every other process; False if that failed (logged)."""

    async def close(self) -> None: ...


class LocalChannel:
    """One process: the writer's own invalidation reaches the only cache there is."""

    def attach(self, target: Target) -> None:
        pass

    def live(self) -> bool:
        return True

    async def publish(self, client_keys: Iterable[str], app_ids: Iterable[str]) -> bool:
        return True

    async def close(self) -> None:
        pass


class RedisChannel:
    def __init__(
        self,
        url: str,
        *,
        heartbeat_seconds: float = HEARTBEAT_SECONDS,
        liveness_seconds: float = LIVENESS_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._heartbeat = heartbeat_seconds
        self._liveness = liveness_seconds
        self._client: Redis = Redis.from_url(
            url, socket_connect_timeout=1.0, socket_timeout=PUBLISH_TIMEOUT_SECONDS
        )
        self._listen_client: Redis = Redis.from_url(url, socket_connect_timeout=1.0)
        self._clock = clock
        self._target: Target | None = None
        self._sender = secrets.token_hex(8)
        self._listener: asyncio.Task[None] | None = None
        self._closing = False
        # Monotonic time up to which every published change has been received; None
        # while not subscribed.
        self._confirmed: float | None = None

    def attach(self, target: Target) -> None:
        self._target = target

    def live(self) -> bool:
        if self._listener is None:
            self._listener = asyncio.get_running_loop().create_task(self._listen())
            return False
        confirmed = self._confirmed
        return confirmed is not None and self._clock() - confirmed < self._liveness

    async def publish(self, client_keys: Iterable[str], app_ids: Iterable[str]) -> bool:
        message = orjson.dumps(
            {"from": self._sender, "keys": list(client_keys), "apps": list(app_ids)}
        )
        try:
            await self._client.publish(CHANNEL, message)
        except (RedisError, OSError) as exc:
            log.warning(
                "credential change not published (other processes see it within "
                "CREDENTIAL_CACHE_SECONDS): %s",
                exc,
            )
            return False
        return True

    def _lost(self) -> None:
        self._confirmed = None
        if self._target is not None:
            self._target.clear()

    async def _listen(self) -> None:
        while not self._closing:
            try:
                await self._subscribed()
            except (RedisError, OSError) as exc:
                log.warning("credential invalidations interrupted, reconnecting: %s", exc)
            finally:
                self._lost()
            await asyncio.sleep(RECONNECT_SECONDS)

    async def _subscribed(self) -> None:
        async with self._listen_client.pubsub() as pubsub:
            await pubsub.subscribe(CHANNEL)
            sent: float | None = None  # when the unanswered PING was sent
            next_ping = self._clock() + self._heartbeat
            # The flag, not only the task's cancellation, ends the loop: a cancellation
            # that meets the read's own timeout can be swallowed on Python 3.11.
            while not self._closing:
                now = self._clock()
                if now >= next_ping:
                    if sent is not None:
                        raise ConnectionError("no answer to the heartbeat")
                    sent = now
                    next_ping = now + self._heartbeat
                    await pubsub.ping(_PING)
                message = await pubsub.get_message(timeout=max(next_ping - self._clock(), 0))
                if message is None:
                    continue
                kind = message.get("type")
                if kind == "subscribe":
                    self._lost()  # anything cached before now may have missed a change
                    self._confirmed = now
                elif kind == "pong" and sent is not None:
                    self._confirmed = sent
                    sent = None
                elif kind == "message":
                    self._apply(message["data"])

    def _apply(self, data: Any) -> None:
        try:
            change = orjson.loads(data)
            if change.get("from") == self._sender:
                return
            keys = [str(key) for key in change.get("keys", ())]
            apps = [str(app) for app in change.get("apps", ())]
        except (orjson.JSONDecodeError, AttributeError, TypeError):
            log.warning("unreadable credential invalidation; emptying the cache")
            if self._target is not None:
                self._target.clear()
            return
        if self._target is not None:
            self._target.invalidate(keys, apps)

    async def close(self) -> None:
        self._closing = True
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._listener
        await self._listen_client.aclose()
        await self._client.aclose()


def open_channel(redis_url: str | None) -> CredentialChannel:
    return RedisChannel(redis_url) if redis_url else LocalChannel()
