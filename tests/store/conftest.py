"""Store fixtures: every contract test runs on the in-process store, Redis and a
three-node Redis Cluster."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from gateway.store.base import Store
from gateway.store.memory_store import MemoryStore
from gateway.store.redis_store import RedisStore


@pytest.fixture
def clean_redis_url(redis_url: str) -> str:
    """The suite's Redis database (tests/conftest.py), emptied before the test."""
    return redis_url


@pytest.fixture(
    params=[
        "memory",
        pytest.param("redis", marks=pytest.mark.redis),
        pytest.param("redis-cluster", marks=pytest.mark.redis),
    ]
)
async def store(request: pytest.FixtureRequest) -> AsyncIterator[Store]:
    impl: Store
    if request.param == "memory":
        impl = MemoryStore()
    elif request.param == "redis":
        impl = RedisStore.from_url(request.getfixturevalue("redis_url"))
    else:
        impl = RedisStore.from_cluster_url(request.getfixturevalue("redis_cluster_url"))
    try:
        yield impl
    finally:
        await impl.close()
