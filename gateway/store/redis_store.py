"""Redis implementation of the store: shared by every gateway process.

Each operation is one Lua script, or one command, touching one key (so it works on Redis
Cluster, where the key's hash tag picks the node) and, once the script is cached by the
server, one round trip. Any Redis, cluster or socket error is raised as
StoreUnavailableError. Persisted GraphQL documents are plain strings (SET and GETEX,
Redis 6.2+) under igw:apq:{<sha256>}, expiring `ttl_seconds` after their last use.

On a single Redis an operation has one deadline, COMMAND_TIMEOUT_SECONDS, for taking a
pooled connection, sending and reading (asyncio.timeout): the client's own socket
timeout would cost a task per command write and a timer per read, on every request's
rate-limit call. A command cut short closes its connection (redis-py does so on
cancellation), so no late reply can be read by the next command.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, Final

from redis.asyncio import BlockingConnectionPool, Redis, RedisCluster
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.commands.core import AsyncScript
from redis.exceptions import NoScriptError, RedisClusterException, RedisError
from redis.maint_notifications import MaintNotificationsConfig

from gateway.metrics.families import families
from gateway.store.base import (
    Claim,
    ClaimState,
    RateLimitDecision,
    StoredResponse,
    StoreUnavailableError,
)

logger = logging.getLogger("gateway.store")

KEY_PREFIX: Final = "igw:"
SOCKET_TIMEOUT_SECONDS: Final = 1.0
POOL_SIZE: Final = 50
POOL_WAIT_SECONDS: Final = 1.0
COMMAND_TIMEOUT_SECONDS: Final = POOL_WAIT_SECONDS + SOCKET_TIMEOUT_SECONDS
HEALTH_CHECK_INTERVAL_SECONDS: Final = 5

# Sliding log. KEYS[1] sorted set; ARGV: limit, window in microseconds, unique suffix.
# Scores are Redis TIME in microseconds, so every gateway process shares one clock.
# Returns {allowed (0|1), remaining, microseconds until the oldest entry leaves}.
_RATE_LIMIT_LUA: Final = """
local limit = tonumber(ARGV[1])
local window_us = tonumber(ARGV[2])
local t = redis.call('TIME')
local now_us = tonumber(t[1]) * 1000000 + tonumber(t[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now_us - window_us)
local count = redis.call('ZCARD', KEYS[1])
local allowed = 0
if count < limit then
  redis.call('ZADD', KEYS[1], now_us, t[1] .. '.' .. t[2] .. ':' .. ARGV[3])
  redis.call('PEXPIRE', KEYS[1], math.floor(window_us / 1000))
  count = count + 1
  allowed = 1
end
local reset_us = window_us
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if oldest[2] then
  reset_us = tonumber(oldest[2]) + window_us - now_us
end
return {allowed, math.max(limit - count, 0), reset_us}
"""

# KEYS[1] hash; ARGV: fingerprint, owner, lease in ms.
_CLAIM_LUA: Final = """
local h = redis.call('HMGET', KEYS[1], 'state', 'fp', 'status', 'body')
if not h[1] then
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[1], 'state', 'in_flight', 'fp', ARGV[1], 'owner', ARGV[2])
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return {'claimed'}
end
if h[2] ~= ARGV[1] then
  return {'mismatch'}
end
if h[1] == 'done' then
  return {'completed', h[3], h[4]}
end
return {'in_flight'}
"""

# KEYS[1] hash; ARGV: owner, status, body, ttl in ms. Returns 1 when stored.
_COMPLETE_LUA: Final = """
local h = redis.call('HMGET', KEYS[1], 'state', 'owner')
if h[1] ~= 'in_flight' or h[2] ~= ARGV[1] then
  return 0
end
redis.call('HSET', KEYS[1], 'state', 'done', 'status', ARGV[2], 'body', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
"""

# KEYS[1] hash; ARGV: owner. Returns 1 when deleted.
_RELEASE_LUA: Final = """
local h = redis.call('HMGET', KEYS[1], 'state', 'owner')
if h[1] ~= 'in_flight' or h[2] ~= ARGV[1] then
  return 0
end
redis.call('DEL', KEYS[1])
return 1
"""


def _require_positive(name: str, value: int) -> None:
    if value < 1:
        raise ValueError(f"{name} must be >= 1, got {value}")


def _ceil_seconds(microseconds: int) -> int:
    return -(-microseconds // 1_000_000)


def _rl_key(key: str) -> str:
    return f"{KEY_PREFIX}rl:{{{key}}}"  # igw:rl:{<key>}: the braces are the cluster hash tag


def _idem_key(key: str) -> str:
    return f"{KEY_PREFIX}idem:{{{key}}}"


def _apq_key(sha256: str) -> str:
    return f"{KEY_PREFIX}apq:{{{sha256}}}"


# RedisClusterException (no reachable node, say) is not a RedisError.
_FAILURES: Final = (RedisError, RedisClusterException, OSError)


def _unavailable(exc: Exception) -> StoreUnavailableError:
    families().redis_errors.inc()
    return StoreUnavailableError(f"redis: {type(exc).__name__}: {exc}")


def _no_retries() -> Retry:
    # A script may have run before the connection broke, and re-running it would count
    # a request twice or steal a claim. (Cluster redirections, MOVED and ASK, are
    # followed all the same: the script did not run on the node that sent them.)
    return Retry(NoBackoff(), 0)


class RedisStore:
    """Store backed by Redis or Redis Cluster; safe to share between any number of
    gateway processes."""

    def __init__(
        self,
        client: Redis | RedisCluster,
        *,
        max_in_flight: int | None = None,
        command_timeout: float | None = None,
    ) -> None:
        """`command_timeout`: the deadline of an operation when the client has no socket
        timeout of its own (see the module docstring)."""
        self._client = client
        self._command_timeout = command_timeout
        # The cluster client's per-node pools fail at once when exhausted instead of
        # waiting like BlockingConnectionPool: this bound makes a burst wait the same way.
        self._in_flight = None if max_in_flight is None else asyncio.Semaphore(max_in_flight)
        # The cluster client learns the topology on first use; commands that open
        # connections while it does can fail (redis-py 8.1), so the first use waits here.
        self._discovered = not isinstance(client, RedisCluster)
        self._discovery = asyncio.Lock()
        self._rate_limit = client.register_script(_RATE_LIMIT_LUA)
        self._claim = client.register_script(_CLAIM_LUA)
        self._complete = client.register_script(_COMPLETE_LUA)
        self._release = client.register_script(_RELEASE_LUA)
        # Sliding-log members: unique per store and call, without a random draw per call.
        self._member_prefix = secrets.token_hex(8) + ":"
        self._members = itertools.count()

    @classmethod
    def from_url(cls, url: str, *, command_timeout: float = COMMAND_TIMEOUT_SECONDS) -> RedisStore:
        """Builds a store with its own pool; fails fast while Redis is unreachable, and
        an operation Redis does not answer within `command_timeout` fails then."""
        pool = BlockingConnectionPool.from_url(
            url,
            max_connections=POOL_SIZE,
            timeout=POOL_WAIT_SECONDS,
            socket_connect_timeout=SOCKET_TIMEOUT_SECONDS,
            socket_timeout=None,  # command_timeout bounds every operation instead
            retry=_no_retries(),
            health_check_interval=HEALTH_CHECK_INTERVAL_SECONDS,
            # Off, not "auto": while enabled the pool skips its check for connections
            # the server closed, so after a Redis restart every stale pooled
            # connection would fail one request.
            maint_notifications_config=MaintNotificationsConfig(enabled=False),
        )
        return cls(Redis.from_pool(pool), command_timeout=command_timeout)

    @classmethod
    def from_cluster_url(cls, url: str) -> RedisStore:
        """Builds a store on a Redis Cluster; `url` names any one of its nodes, the
        client finds the others. Connects on first use, like `from_url`."""
        client = RedisCluster.from_url(
            url,
            max_connections=POOL_SIZE,  # per node
            socket_connect_timeout=SOCKET_TIMEOUT_SECONDS,
            socket_timeout=SOCKET_TIMEOUT_SECONDS,
            retry=_no_retries(),
            health_check_interval=HEALTH_CHECK_INTERVAL_SECONDS,
            maint_notifications_config=MaintNotificationsConfig(enabled=False),
        )
        return cls(client, max_in_flight=POOL_SIZE)

    async def _discover(self) -> None:
        async with self._discovery:
            if not self._discovered and isinstance(self._client, RedisCluster):
                await self._client.initialize()
                self._discovered = True

    @contextlib.asynccontextmanager
    async def _slot(self) -> AsyncIterator[None]:
        if not self._discovered:
            try:
                await self._discover()
            except _FAILURES as exc:
                raise _unavailable(exc) from exc
        if self._in_flight is None:
            yield
            return
        try:
            async with asyncio.timeout(POOL_WAIT_SECONDS):
                await self._in_flight.acquire()
        except TimeoutError as exc:
            families().redis_errors.inc()
            raise StoreUnavailableError("redis: no connection available") from exc
        try:
            yield
        finally:
            self._in_flight.release()

    async def _run(self, script: AsyncScript, key: str, *args: str | int | bytes) -> Any:
        if self._command_timeout is not None:  # a single Redis: no slot to take
            try:
                async with asyncio.timeout(self._command_timeout):
                    return await self._evalsha(script, key, args)
            except _FAILURES as exc:
                raise _unavailable(exc) from exc
        async with self._slot():
            try:
                return await script(keys=[key], args=args)
            except _FAILURES as exc:
                raise _unavailable(exc) from exc

    async def _command(self, send: Callable[[], Awaitable[Any]]) -> Any:
        """One plain command, under the operation deadline on a single Redis (whose
        client has no socket timeout) or through a slot on a cluster."""
        if self._command_timeout is not None:
            try:
                async with asyncio.timeout(self._command_timeout):
                    return await send()
            except _FAILURES as exc:
                raise _unavailable(exc) from exc
        async with self._slot():
            try:
                return await send()
            except _FAILURES as exc:
                raise _unavailable(exc) from exc

    async def _evalsha(
        self, script: AsyncScript, key: str, args: tuple[str | int | bytes, ...]
    ) -> Any:
        """What `script(...)` does, without its per-call checks for pipelines."""
        try:
            return await self._client.evalsha(script.sha, 1, key, *args)
        except NoScriptError:  # the server lost its script cache (a restart)
            script.sha = await self._client.script_load(script.script)
            return await self._client.evalsha(script.sha, 1, key, *args)

    async def hit_rate_limit(self, key: str, limit: int, window_seconds: int) -> RateLimitDecision:
        _require_positive("window_seconds", window_seconds)
        result = await self._run(
            self._rate_limit,
            _rl_key(key),
            max(limit, 0),
            window_seconds * 1_000_000,
            f"{self._member_prefix}{next(self._members)}",
        )
        allowed, remaining, reset_us = int(result[0]), int(result[1]), int(result[2])
        reset_after = _ceil_seconds(reset_us)
        return RateLimitDecision(
            allowed=allowed == 1,
            limit=limit,
            remaining=remaining,
            reset_after=reset_after if allowed else max(reset_after, 1),
        )

    async def claim_idempotency(self, key: str, fingerprint: str, lease_seconds: int) -> Claim:
        _require_positive("lease_seconds", lease_seconds)
        owner = secrets.token_hex(16)
        result = await self._run(
            self._claim, _idem_key(key), fingerprint, owner, lease_seconds * 1000
        )
        state = bytes(result[0])
        if state == b"claimed":
            return Claim(ClaimState.CLAIMED, owner=owner)
        if state == b"mismatch":
            return Claim(ClaimState.MISMATCH)
        if state == b"completed":
            response = StoredResponse(status=int(result[1]), body=bytes(result[2]))
            return Claim(ClaimState.COMPLETED, response=response)
        return Claim(ClaimState.IN_FLIGHT)

    async def complete_idempotency(
        self, key: str, owner: str, response: StoredResponse, ttl_seconds: int
    ) -> None:
        """Stores the response; ignored when `owner` no longer holds the key."""
        _require_positive("ttl_seconds", ttl_seconds)
        stored = await self._run(
            self._complete,
            _idem_key(key),
            owner,
            response.status,
            response.body,
            ttl_seconds * 1000,
        )
        if not stored:
            logger.warning("idempotency key %r: completion ignored, claim no longer held", key)

    async def release_idempotency(self, key: str, owner: str) -> None:
        """Drops an in-flight claim so the request may be retried; no-op for non-owners."""
        await self._run(self._release, _idem_key(key), owner)

    async def get_persisted_query(self, sha256: str, ttl_seconds: int) -> str | None:
        _require_positive("ttl_seconds", ttl_seconds)
        found = await self._command(lambda: self._client.getex(_apq_key(sha256), ex=ttl_seconds))
        if found is None:
            return None
        return found.decode() if isinstance(found, bytes) else str(found)

    async def put_persisted_query(self, sha256: str, document: str, ttl_seconds: int) -> None:
        _require_positive("ttl_seconds", ttl_seconds)
        await self._command(
            lambda: self._client.set(_apq_key(sha256), document.encode(), ex=ttl_seconds)
        )

    async def ping(self) -> None:
        if self._command_timeout is not None:
            try:
                async with asyncio.timeout(self._command_timeout):
                    await self._client.ping()
            except _FAILURES as exc:
                raise _unavailable(exc) from exc
            return
        async with self._slot():
            try:
                await self._client.ping()
            except _FAILURES as exc:
                raise _unavailable(exc) from exc

    async def close(self) -> None:
        """Closes the client and its connection pool."""
        await self._client.aclose()
