"""The store protocol shared by the Redis and the in-process implementation."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Protocol


@dataclass(frozen=True)
class RateLimitDecision:
    allowed: bool
    limit: int
    remaining: int
    # Seconds until the oldest counted request leaves the window (>= 1 when blocked).
    reset_after: int


@dataclass(frozen=True)
class StoredResponse:
    status: int
    body: bytes


class ClaimState(Enum):
    CLAIMED = "claimed"  # the caller owns the key now and must complete or release it
    IN_FLIGHT = "in_flight"  # another request holds the key
    COMPLETED = "completed"  # a response is stored; replay it
    MISMATCH = "mismatch"  # the key was used with another fingerprint


@dataclass(frozen=True)
class Claim:
    state: ClaimState
    owner: str | None = None  # set when CLAIMED: pass it to complete/release
    response: StoredResponse | None = None  # set when COMPLETED


class StoreUnavailableError(Exception):
    """The backing store cannot be reached; the caller answers 503."""


class Store(Protocol):
    async def hit_rate_limit(self, key: str, limit: int, window_seconds: int) -> RateLimitDecision:
        """Counts one request under `key` if fewer than `limit` fell in the last window."""

    async def claim_idempotency(self, key: str, fingerprint: str, lease_seconds: int) -> Claim: ...

    async def complete_idempotency(
        self, key: str, owner: str, response: StoredResponse, ttl_seconds: int
    ) -> None: ...

    async def release_idempotency(self, key: str, owner: str) -> None: ...

    async def get_persisted_query(self, sha256: str, ttl_seconds: int) -> str | None:
        """The document stored under `sha256`, or None; a hit keeps it `ttl_seconds` more."""

    async def put_persisted_query(self, sha256: str, document: str, ttl_seconds: int) -> None:
        """Stores `document` under `sha256` (its hash, checked by the caller) for
        `ttl_seconds` after its last use."""

    async def ping(self) -> None:
        """Raises StoreUnavailableError when the store cannot answer."""

    async def close(self) -> None: ...
