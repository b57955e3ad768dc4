"""One contract, both implementations: every test here runs on MemoryStore and RedisStore.

Time-dependent tests use 1-2 s windows/leases and real sleeps so they hold for both (Redis
keeps its own clock); the last section drives MemoryStore's injectable clock.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time

import pytest

from gateway.settings import Settings
from gateway.store.base import ClaimState, Store, StoredResponse
from gateway.store.factory import open_store
from gateway.store.memory_store import PURGE_INTERVAL_SECONDS, MemoryStore
from gateway.store.redis_store import RedisStore

BINARY_BODY = bytes(range(256)) + b"\x00\xff\xfe not utf-8: \xc3\x28 \r\n"

# ---------------------------------------------------------------- rate limit


async def test_limit_is_exactly_enforced(store: Store) -> None:
    decisions = [await store.hit_rate_limit("client-a", 5, 10) for _ in range(6)]

    assert [d.allowed for d in decisions] == [True] * 5 + [False]
    assert [d.remaining for d in decisions] == [4, 3, 2, 1, 0, 0]
    assert all(d.limit == 5 for d in decisions)
    assert decisions[0].reset_after == 10  # the only entry just entered a 10 s window
    refused = decisions[-1]
    assert 1 <= refused.reset_after <= 10
    again = await store.hit_rate_limit("client-a", 5, 10)
    assert not again.allowed
    assert again.remaining == 0
    assert again.reset_after >= 1


async def test_keys_are_independent(store: Store) -> None:
    assert (await store.hit_rate_limit("a", 1, 10)).allowed
    assert not (await store.hit_rate_limit("a", 1, 10)).allowed

    other = await store.hit_rate_limit("b", 1, 10)
    assert other.allowed
    assert other.remaining == 0


async def test_window_slides(store: Store) -> None:
    # Limit 2 per 2 s: hits at t=0 and t=1 fill the window. At t=2.1 the first has left
    # (a fixed window would also reset here) but the second still counts until t=3, and
    # the refused hit at t=1 must not count at all. Times are measured, so scheduling
    # delays only shrink the margins.
    assert (await store.hit_rate_limit("s", 2, 2)).allowed
    first_done = time.monotonic()
    await asyncio.sleep(1)
    assert (await store.hit_rate_limit("s", 2, 2)).allowed
    refused = await store.hit_rate_limit("s", 2, 2)
    assert not refused.allowed
    assert 1 <= refused.reset_after <= 2

    await asyncio.sleep(first_done + 2.1 - time.monotonic())
    slid = await store.hit_rate_limit("s", 2, 2)
    assert slid.allowed
    assert slid.remaining == 0
    assert not (await store.hit_rate_limit("s", 2, 2)).allowed


async def test_concurrent_hits_never_exceed_the_limit(store: Store) -> None:
    decisions = await asyncio.gather(*(store.hit_rate_limit("hot", 100, 60) for _ in range(200)))

    allowed = [d for d in decisions if d.allowed]
    assert len(allowed) == 100
    assert sorted(d.remaining for d in allowed) == list(range(100))
    assert all(d.remaining == 0 and d.reset_after >= 1 for d in decisions if not d.allowed)


async def test_zero_limit_refuses_everything(store: Store) -> None:
    decision = await store.hit_rate_limit("closed", 0, 5)
    assert not decision.allowed
    assert decision.remaining == 0
    assert decision.reset_after == 5


async def test_invalid_window_is_rejected(store: Store) -> None:
    with pytest.raises(ValueError, match="window_seconds"):
        await store.hit_rate_limit("k", 1, 0)


# ---------------------------------------------------------------- idempotency


async def test_claim_complete_replay_is_byte_exact(store: Store) -> None:
    claim = await store.claim_idempotency("idem-1", "fp-1", 30)
    assert claim.state is ClaimState.CLAIMED
    assert claim.owner is not None
    assert re.fullmatch(r"[0-9a-f]{32}", claim.owner)
    assert claim.response is None

    await store.complete_idempotency("idem-1", claim.owner, StoredResponse(201, BINARY_BODY), 60)

    for _ in range(2):
        replay = await store.claim_idempotency("idem-1", "fp-1", 30)
        assert replay.state is ClaimState.COMPLETED
        assert replay.owner is None
        assert replay.response == StoredResponse(201, BINARY_BODY)
        assert type(replay.response.body) is bytes


async def test_empty_body_round_trips(store: Store) -> None:
    claim = await store.claim_idempotency("empty", "fp", 30)
    assert claim.owner is not None
    await store.complete_idempotency("empty", claim.owner, StoredResponse(204, b""), 60)
    replay = await store.claim_idempotency("empty", "fp", 30)
    assert replay.response == StoredResponse(204, b"")


async def test_other_fingerprint_is_a_mismatch(store: Store) -> None:
    claim = await store.claim_idempotency("idem-2", "fp-a", 30)
    assert claim.owner is not None
    assert (await store.claim_idempotency("idem-2", "fp-b", 30)).state is ClaimState.MISMATCH

    await store.complete_idempotency("idem-2", claim.owner, StoredResponse(200, b"ok"), 60)
    mismatch = await store.claim_idempotency("idem-2", "fp-b", 30)
    assert mismatch.state is ClaimState.MISMATCH
    assert mismatch.response is None


async def test_second_claim_while_in_flight(store: Store) -> None:
    first = await store.claim_idempotency("idem-3", "fp", 30)
    second = await store.claim_idempotency("idem-3", "fp", 30)

    assert first.state is ClaimState.CLAIMED
    assert second.state is ClaimState.IN_FLIGHT
    assert second.owner is None
    assert second.response is None


async def test_release_lets_a_new_claim_succeed(store: Store) -> None:
    first = await store.claim_idempotency("idem-4", "fp", 30)
    assert first.owner is not None

    await store.release_idempotency("idem-4", "not-the-owner")
    assert (await store.claim_idempotency("idem-4", "fp", 30)).state is ClaimState.IN_FLIGHT

    await store.release_idempotency("idem-4", first.owner)
    second = await store.claim_idempotency("idem-4", "fp", 30)
    assert second.state is ClaimState.CLAIMED
    assert second.owner not in (None, first.owner)


async def test_release_does_not_drop_a_completed_record(store: Store) -> None:
    claim = await store.claim_idempotency("idem-5", "fp", 30)
    assert claim.owner is not None
    await store.complete_idempotency("idem-5", claim.owner, StoredResponse(200, b"done"), 60)

    await store.release_idempotency("idem-5", claim.owner)

    assert (await store.claim_idempotency("idem-5", "fp", 30)).state is ClaimState.COMPLETED


async def test_complete_by_a_non_owner_is_ignored(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    claim = await store.claim_idempotency("idem-6", "fp", 30)
    assert claim.owner is not None

    with caplog.at_level(logging.WARNING, logger="gateway.store"):
        await store.complete_idempotency("idem-6", "intruder", StoredResponse(200, b"x"), 60)
    assert "completion ignored" in caplog.text
    assert (await store.claim_idempotency("idem-6", "fp", 30)).state is ClaimState.IN_FLIGHT

    await store.complete_idempotency("idem-6", claim.owner, StoredResponse(201, b"a"), 60)
    await store.complete_idempotency("idem-6", claim.owner, StoredResponse(500, b"b"), 60)
    replay = await store.claim_idempotency("idem-6", "fp", 30)
    assert replay.response == StoredResponse(201, b"a")  # the first completion stands


async def test_complete_without_a_claim_stores_nothing(store: Store) -> None:
    await store.complete_idempotency("idem-7", "ghost", StoredResponse(200, b"x"), 60)
    assert (await store.claim_idempotency("idem-7", "fp", 30)).state is ClaimState.CLAIMED


async def test_expired_lease_can_be_reclaimed_and_stale_owner_is_ignored(store: Store) -> None:
    stale = await store.claim_idempotency("idem-8", "fp", 1)
    assert stale.owner is not None
    await asyncio.sleep(1.1)

    fresh = await store.claim_idempotency("idem-8", "fp", 30)
    assert fresh.state is ClaimState.CLAIMED
    assert fresh.owner is not None
    assert fresh.owner != stale.owner

    await store.complete_idempotency("idem-8", stale.owner, StoredResponse(200, b"stale"), 60)
    await store.release_idempotency("idem-8", stale.owner)
    assert (await store.claim_idempotency("idem-8", "fp", 30)).state is ClaimState.IN_FLIGHT

    await store.complete_idempotency("idem-8", fresh.owner, StoredResponse(201, b"fresh"), 60)
    replay = await store.claim_idempotency("idem-8", "fp", 30)
    assert replay.response == StoredResponse(201, b"fresh")


async def test_completed_record_expires_after_its_ttl(store: Store) -> None:
    claim = await store.claim_idempotency("idem-9", "fp", 30)
    assert claim.owner is not None
    await store.complete_idempotency("idem-9", claim.owner, StoredResponse(200, b"x"), 1)
    assert (await store.claim_idempotency("idem-9", "fp", 30)).state is ClaimState.COMPLETED

    await asyncio.sleep(1.1)

    assert (await store.claim_idempotency("idem-9", "other-fp", 30)).state is ClaimState.CLAIMED


async def test_concurrent_claims_have_exactly_one_winner(store: Store) -> None:
    claims = await asyncio.gather(*(store.claim_idempotency("race", "fp", 30) for _ in range(50)))

    states = [c.state for c in claims]
    assert states.count(ClaimState.CLAIMED) == 1
    assert states.count(ClaimState.IN_FLIGHT) == 49


async def test_invalid_lease_and_ttl_are_rejected(store: Store) -> None:
    with pytest.raises(ValueError, match="lease_seconds"):
        await store.claim_idempotency("k", "fp", 0)
    with pytest.raises(ValueError, match="ttl_seconds"):
        await store.complete_idempotency("k", "owner", StoredResponse(200, b""), 0)


async def test_ping(store: Store) -> None:
    await store.ping()


# ------------------------------------------- MemoryStore clock and purge; factory


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_memory_store_follows_its_clock() -> None:
    clock = FakeClock()
    store = MemoryStore(clock=clock)
    assert (await store.hit_rate_limit("k", 1, 60)).allowed
    clock.now += 59.5
    refused = await store.hit_rate_limit("k", 1, 60)
    assert not refused.allowed
    assert refused.reset_after == 1
    clock.now += 0.5  # exactly one window after the hit: it no longer counts
    assert (await store.hit_rate_limit("k", 1, 60)).allowed

    assert (await store.claim_idempotency("i", "fp", 10)).state is ClaimState.CLAIMED
    clock.now += 9.9
    assert (await store.claim_idempotency("i", "fp", 10)).state is ClaimState.IN_FLIGHT
    clock.now += 0.1
    assert (await store.claim_idempotency("i", "fp", 10)).state is ClaimState.CLAIMED


async def test_memory_store_purges_expired_entries() -> None:
    clock = FakeClock()
    store = MemoryStore(clock=clock)
    for n in range(100):
        await store.hit_rate_limit(f"rl-{n}", 5, 1)
        await store.claim_idempotency(f"idem-{n}", "fp", 1)
    kept = await store.claim_idempotency("kept", "fp", 3600)
    assert store.entry_count == 201

    clock.now += PURGE_INTERVAL_SECONDS
    await store.ping()  # no clock read: no purge
    assert store.entry_count == 201
    await store.hit_rate_limit("new", 5, 1)

    assert store.entry_count == 2  # "kept" and "new"
    assert (await store.claim_idempotency("kept", "fp", 1)).state is ClaimState.IN_FLIGHT
    assert kept.owner is not None


def test_open_store_without_url_warns_and_uses_memory(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="gateway.store"):
        store = open_store(None)
    assert isinstance(store, MemoryStore)
    assert "single-process" in caplog.text


async def test_open_store_with_url_uses_redis() -> None:
    store = open_store("redis://127.0.0.1:6379/15")
    assert isinstance(store, RedisStore)
    await store.close()


async def test_redis_cluster_setting_opens_a_cluster_store(redis_cluster_url: str) -> None:
    settings = Settings.from_env({"REDIS_URL": redis_cluster_url, "REDIS_CLUSTER": "true"})
    store = open_store(settings.redis_url, cluster=settings.redis_cluster)
    try:
        # Thirty keys land on all three nodes; a single-node client would get MOVED.
        decisions = [await store.hit_rate_limit(f"client-{n}", 1, 10) for n in range(30)]
    finally:
        await store.close()
    assert all(decision.allowed for decision in decisions)
