"""Chooses the store implementation from the configuration."""

from __future__ import annotations

import logging

from gateway.store.base import Store
from gateway.store.memory_store import MemoryStore
from gateway.store.redis_store import RedisStore

logger = logging.getLogger("gateway.store")


def open_store(redis_url: str | None, *, cluster: bool = False) -> Store:
    """RedisStore for a Redis URL (any node of a Redis Cluster with `cluster`);
    otherwise the single-process in-memory store.

    An empty string counts as no URL. Nothing is connected yet: RedisStore connects
    lazily, so call `ping()` to check the server at startup.
    """
    if redis_url:
        return RedisStore.from_cluster_url(redis_url) if cluster else RedisStore.from_url(redis_url)
    logger.warning(
        "no Redis URL configured: using the in-process store, which is single-process "
        "only (rate limits and idempotency are not shared between gateway processes)"
    )
    return MemoryStore()
