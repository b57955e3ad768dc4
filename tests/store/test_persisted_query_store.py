"""Persisted GraphQL documents in the store: one contract for the in-process store, Redis
and Redis Cluster (the `store` fixture), then what is particular to each."""

from __future__ import annotations

import asyncio
import hashlib

import pytest
import redis.asyncio

from gateway.store.base import Store
from gateway.store.memory_store import ENTRY_OVERHEAD_BYTES, PURGE_INTERVAL_SECONDS, MemoryStore
from gateway.store.redis_store import RedisStore

DOCUMENT = 'query Invoice($id: ID!) { invoice(id: $id) { id name } } # "ünïcödé" ✓ 🧾\n'


def sha(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


async def test_unknown_hash_is_none(store: Store) -> None:
    assert await store.get_persisted_query(sha("{ never }"), 60) is None


async def test_document_round_trips_exactly(store: Store) -> None:
    large = "query Big {\n" + "  a: __typename\n" * 4000 + "}"  # 64 KB
    await store.put_persisted_query(sha(DOCUMENT), DOCUMENT, 60)
    await store.put_persisted_query(sha(large), large, 60)

    assert await store.get_persisted_query(sha(DOCUMENT), 60) == DOCUMENT
    assert await store.get_persisted_query(sha(large), 60) == large
    assert await store.get_persisted_query(sha(DOCUMENT + " "), 60) is None


async def test_documents_do_not_meet_the_other_records(store: Store) -> None:
    key = sha(DOCUMENT)
    await store.put_persisted_query(key, DOCUMENT, 60)
    assert (await store.hit_rate_limit(key, 1, 60)).allowed
    claim = await store.claim_idempotency(key, "fp", 30)
    assert claim.owner is not None

    assert await store.get_persisted_query(key, 60) == DOCUMENT


async def test_document_expires_after_its_ttl(store: Store) -> None:
    await store.put_persisted_query(sha(DOCUMENT), DOCUMENT, 1)
    assert await store.get_persisted_query(sha(DOCUMENT), 1) == DOCUMENT

    await asyncio.sleep(1.1)

    assert await store.get_persisted_query(sha(DOCUMENT), 1) is None


async def test_a_hit_restarts_the_ttl(store: Store) -> None:
    await store.put_persisted_query(sha(DOCUMENT), DOCUMENT, 1)
    await asyncio.sleep(0.6)
    assert await store.get_persisted_query(sha(DOCUMENT), 1) == DOCUMENT
    await asyncio.sleep(0.6)  # 1.2 s after it was stored, 0.6 s after its last use
    assert await store.get_persisted_query(sha(DOCUMENT), 1) == DOCUMENT

    await asyncio.sleep(1.1)

    assert await store.get_persisted_query(sha(DOCUMENT), 1) is None


async def test_invalid_ttl_is_rejected(store: Store) -> None:
    with pytest.raises(ValueError, match="ttl_seconds"):
        await store.put_persisted_query(sha(DOCUMENT), DOCUMENT, 0)
    with pytest.raises(ValueError, match="ttl_seconds"):
        await store.get_persisted_query(sha(DOCUMENT), 0)


# ------------------------------------------------------------------------ Redis


@pytest.mark.redis
async def test_redis_keeps_the_document_for_the_ttl_given(redis_url: str) -> None:
    store = RedisStore.from_url(redis_url)
    client = redis.asyncio.Redis.from_url(redis_url)
    key = f"igw:apq:{{{sha(DOCUMENT)}}}"
    try:
        await store.put_persisted_query(sha(DOCUMENT), DOCUMENT, 3600)
        assert await client.get(key) == DOCUMENT.encode()
        assert 3590 <= await client.ttl(key) <= 3600
        await client.expire(key, 100)

        assert await store.get_persisted_query(sha(DOCUMENT), 7200) == DOCUMENT

        assert 7190 <= await client.ttl(key) <= 7200
    finally:
        await client.aclose()
        await store.close()


# -------------------------------------------------------- MemoryStore: LRU, purge


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def entry_size(document: str) -> int:
    return len(document.encode()) + 64 + ENTRY_OVERHEAD_BYTES


async def test_memory_store_drops_the_least_recently_used_documents() -> None:
    documents = [f"{{ q{n}: __typename }}" for n in range(4)]
    store = MemoryStore(persisted_query_capacity_bytes=3 * entry_size(documents[0]))
    for document in documents[:3]:
        await store.put_persisted_query(sha(document), document, 60)
    assert await store.get_persisted_query(sha(documents[0]), 60) == documents[0]

    await store.put_persisted_query(sha(documents[3]), documents[3], 60)

    assert await store.get_persisted_query(sha(documents[1]), 60) is None  # least recent
    for kept in (documents[0], documents[2], documents[3]):
        assert await store.get_persisted_query(sha(kept), 60) == kept
    assert store.entry_count == 3


async def test_memory_store_keeps_no_document_larger_than_its_capacity() -> None:
    small = "{ __typename }"
    store = MemoryStore(persisted_query_capacity_bytes=entry_size(small) + 10)
    await store.put_persisted_query(sha(small), small, 60)
    huge = "{ __typename }" + " " * 100

    await store.put_persisted_query(sha(huge), huge, 60)

    assert await store.get_persisted_query(sha(huge), 60) is None
    assert await store.get_persisted_query(sha(small), 60) == small  # not evicted for it


async def test_memory_store_purges_expired_documents() -> None:
    clock = FakeClock()
    store = MemoryStore(clock=clock)
    for n in range(50):
        await store.put_persisted_query(sha(str(n)), str(n), 1)
    await store.put_persisted_query(sha("kept"), "kept", 3600)
    assert store.entry_count == 51

    clock.now += PURGE_INTERVAL_SECONDS
    await store.hit_rate_limit("tick", 5, 1)

    assert store.entry_count == 2  # "kept" and the rate-limit key
    assert await store.get_persisted_query(sha("kept"), 3600) == "kept"
    clock.now += 3599.9  # the hit just now restarted its hour
    assert await store.get_persisted_query(sha("kept"), 3600) == "kept"
