"""In-process implementation of the store.

SINGLE PROCESS ONLY: counters and idempotency records live in this process's memory,
so several gateway processes (or workers) would each enforce their own limits and
replay only their own responses. Use RedisStore for any multi-process deployment.
(Persisted GraphQL documents only cost a second round trip when a process lacks one.)
"""

from __future__ import annotations

import logging
import math
import secrets
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

from gateway.store.base import Claim, ClaimState, RateLimitDecision, StoredResponse

logger = logging.getLogger("gateway.store")

PURGE_INTERVAL_SECONDS: Final = 5.0
# Persisted GraphQL documents kept, in UTF-8 bytes plus ENTRY_OVERHEAD_BYTES each; past
# it the least recently used are dropped (a client whose document was dropped sends it
# again: one more round trip).
PERSISTED_QUERY_CAPACITY_BYTES: Final = 8 * 1024 * 1024
ENTRY_OVERHEAD_BYTES: Final = 256


@dataclass
class _RateLog:
    hits: deque[float] = field(default_factory=deque)
    expires_at: float = 0.0


@dataclass
class _Record:
    fingerprint: str
    owner: str
    expires_at: float
    response: StoredResponse | None = None  # set once done


@dataclass
class _Document:
    text: str
    size: int  # what it counts against the capacity
    expires_at: float


def _require_positive(name: str, value: int) -> None:
    if value < 1:
        raise ValueError(f"{name} must be >= 1, got {value}")


class MemoryStore:
    """Store kept in this process's memory; for a single gateway process only.

    Not thread-safe. Every method runs without awaiting, so each operation is atomic
    with respect to the other tasks of the event loop. Expired entries are treated as
    absent when read and purged in bulk at most every PURGE_INTERVAL_SECONDS.
    Persisted documents are an LRU of at most `persisted_query_capacity_bytes`.
    """

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        *,
        persisted_query_capacity_bytes: int = PERSISTED_QUERY_CAPACITY_BYTES,
    ) -> None:
        self._clock = clock
        self._rate: dict[str, _RateLog] = {}
        self._records: dict[str, _Record] = {}
        # Least recently used first; a use moves a document to the end.
        self._documents: OrderedDict[str, _Document] = OrderedDict()
        self._documents_size = 0
        self._documents_capacity = persisted_query_capacity_bytes
        self._next_purge = clock() + PURGE_INTERVAL_SECONDS

    def _now(self) -> float:
        now = self._clock()
        if now >= self._next_purge:
            self._purge(now)
        return now

    def _purge(self, now: float) -> None:
        self._next_purge = now + PURGE_INTERVAL_SECONDS
        for key in [k for k, log in self._rate.items() if log.expires_at <= now]:
            del self._rate[key]
        for key in [k for k, rec in self._records.items() if rec.expires_at <= now]:
            del self._records[key]
        for key in [k for k, doc in self._documents.items() if doc.expires_at <= now]:
            self._drop_document(key)

    @property
    def entry_count(self) -> int:
        """Rate-limit keys, idempotency records and persisted documents currently held
        (expired included)."""
        return len(self._rate) + len(self._records) + len(self._documents)

    async def hit_rate_limit(self, key: str, limit: int, window_seconds: int) -> RateLimitDecision:
        _require_positive("window_seconds", window_seconds)
        now = self._now()
        log = self._rate.setdefault(key, _RateLog())
        hits = log.hits
        cutoff = now - window_seconds
        while hits and hits[0] <= cutoff:
            hits.popleft()
        allowed = len(hits) < limit
        if allowed:
            hits.append(now)
            log.expires_at = now + window_seconds
        elif not hits:
            del self._rate[key]  # limit <= 0: nothing to remember
        reset = hits[0] + window_seconds - now if hits else float(window_seconds)
        reset_after = math.ceil(reset)
        return RateLimitDecision(
            allowed=allowed,
            limit=limit,
            remaining=max(limit - len(hits), 0),
            reset_after=reset_after if allowed else max(reset_after, 1),
        )

    def _live_record(self, key: str, now: float) -> _Record | None:
        record = self._records.get(key)
        if record is not None and record.expires_at <= now:
            del self._records[key]
            return None
        return record

    async def claim_idempotency(self, key: str, fingerprint: str, lease_seconds: int) -> Claim:
        _require_positive("lease_seconds", lease_seconds)
        now = self._now()
        record = self._live_record(key, now)
        if record is None:
            owner = secrets.token_hex(16)
            self._records[key] = _Record(fingerprint, owner, now + lease_seconds)
            return Claim(ClaimState.CLAIMED, owner=owner)
        if record.fingerprint != fingerprint:
            return Claim(ClaimState.MISMATCH)
        if record.response is not None:
            return Claim(ClaimState.COMPLETED, response=record.response)
        return Claim(ClaimState.IN_FLIGHT)

    async def complete_idempotency(
        self, key: str, owner: str, response: StoredResponse, ttl_seconds: int
    ) -> None:
        """Stores the response; ignored when `owner` no longer holds the key."""
        _require_positive("ttl_seconds", ttl_seconds)
        now = self._now()
        record = self._live_record(key, now)
        if record is None or record.response is not None or record.owner != owner:
            logger.warning("idempotency key %r: completion ignored, claim no longer held", key)
            return
        record.response = StoredResponse(status=response.status, body=bytes(response.body))
        record.expires_at = now + ttl_seconds

    async def release_idempotency(self, key: str, owner: str) -> None:
        """Drops an in-flight claim so the request may be retried; no-op for non-owners."""
        record = self._live_record(key, self._now())
        if record is not None and record.response is None and record.owner == owner:
            del self._records[key]

    async def get_persisted_query(self, sha256: str, ttl_seconds: int) -> str | None:
        _require_positive("ttl_seconds", ttl_seconds)
        now = self._now()
        document = self._documents.get(sha256)
        if document is None:
            return None
        if document.expires_at <= now:
            self._drop_document(sha256)
            return None
        document.expires_at = now + ttl_seconds
        self._documents.move_to_end(sha256)
        return document.text

    async def put_persisted_query(self, sha256: str, document: str, ttl_seconds: int) -> None:
        """Stores `document`, dropping the least recently used ones to make room; one
        larger than the whole capacity is not kept."""
        _require_positive("ttl_seconds", ttl_seconds)
        now = self._now()
        size = len(document.encode()) + len(sha256) + ENTRY_OVERHEAD_BYTES
        if sha256 in self._documents:
            self._drop_document(sha256)
        if size > self._documents_capacity:
            return
        while self._documents_size + size > self._documents_capacity:
            self._drop_document(next(iter(self._documents)))
        self._documents[sha256] = _Document(document, size, now + ttl_seconds)
        self._documents_size += size

    def _drop_document(self, sha256: str) -> None:
        self._documents_size -= self._documents.pop(sha256).size

    async def ping(self) -> None:
        """Always answers: the store is this process's memory."""

    async def close(self) -> None:
        self._rate.clear()
        self._records.clear()
        self._documents.clear()
        self._documents_size = 0
