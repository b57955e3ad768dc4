"""A process's short-lived copy of the credentials requests authenticate with.

Every API request needs its credential (app id, app name, secret hash, revoked flag);
reading it from the database costs more CPU than the rest of the guard together. This
cache keeps what `credential_by_client_key` returned, by client key, for at most
CREDENTIAL_CACHE_SECONDS (0: no cache) and at most `max_entries` keys (least recently
used goes first). The secret is still hashed and compared on every request. A key
that names no credential is never cached: random keys cannot fill the cache, and a
credential issued a moment later works at once.

Changes take effect at once, not after the TTL: whoever changes a credential or its app
(gateway.credential_changes) invalidates this process's cache on commit and publishes
the change on the invalidation channel (gateway.credential_channel), which every other
process applies as it arrives.

The rule that keeps this safe: the cache serves an entry only while the channel is
live, i.e. subscribed and answering its heartbeat, so no invalidation published since
the entry was read can have been missed. When the channel is not live (Redis down, the
subscriber reconnecting, a heartbeat unanswered) the cache is emptied and bypassed:
every request reads the database until the subscription is back. A read that was under
way when an invalidation arrived is not stored (the generation counter), so a lookup
racing a revocation cannot put the old row back.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Final, Protocol

from gateway.db.repositories import CredentialRecord

DEFAULT_MAX_ENTRIES: Final = 10_000


class Liveness(Protocol):
    def live(self) -> bool:
        """True while no invalidation can have been missed."""


class CredentialCache:
    def __init__(
        self,
        ttl_seconds: float,
        channel: Liveness,
        *,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl_seconds = ttl_seconds
        self.max_entries = max_entries
        self._channel = channel
        self._clock = clock
        self._entries: OrderedDict[str, tuple[float, CredentialRecord]] = OrderedDict()
        # Bumped by every invalidation: a lookup started before one does not store.
        self.generation = 0

    @property
    def enabled(self) -> bool:
        return self.ttl_seconds > 0 and self.max_entries > 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, client_key: str) -> CredentialRecord | None:
        """The cached credential, or None: not cached, expired, or the channel not live."""
        if not self._entries:
            return None
        if not self._channel.live():
            self.clear()
            return None
        entry = self._entries.get(client_key)
        if entry is None:
            return None
        if entry[0] <= self._clock():
            del self._entries[client_key]
            return None
        self._entries.move_to_end(client_key)
        return entry[1]

    def put(self, record: CredentialRecord, generation: int) -> None:
        """Keeps `record`, read from the database after `generation` was current,
        unless something was invalidated since or the channel is not live."""
        if not self.enabled or generation != self.generation or not self._channel.live():
            return
        self._entries[record.client_key] = (self._clock() + self.ttl_seconds, record)
        self._entries.move_to_end(record.client_key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def invalidate(self, client_keys: Iterable[str] = (), app_ids: Iterable[str] = ()) -> None:
        self.generation += 1
        for key in client_keys:
            self._entries.pop(key, None)
        apps = set(app_ids)
        if apps:
            for key in [k for k, (_, record) in self._entries.items() if record.app_id in apps]:
                del self._entries[key]

    def clear(self) -> None:
        self.generation += 1
        self._entries.clear()
