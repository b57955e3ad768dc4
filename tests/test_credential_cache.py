"""The credential cache of authentication (gateway.credential_cache): hits run no SQL,
entries expire, a revocation refuses the next request in the writer's process and in
every replica sharing the Redis, an invalidation channel that is down makes the cache
bypassed, and the cache stays bounded. On SQLite and PostgreSQL, with the in-process
channel and with Redis."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace

import httpx
import pytest
import redis.asyncio as aioredis
from sqlalchemy import text

from gateway.credential_cache import CredentialCache
from gateway.credential_channel import RedisChannel
from gateway.db.repositories import CredentialRecord
from gateway.db.statements import count_statements
from gateway.domain.errors import Unauthorized
from gateway.runtime import Runtime
from gateway.services.access import Caller, authenticate
from gateway.services.credential_admin import revoke_credential, rotate_credential
from gateway.services.demo import DEMO_CLIENT_KEY, DEMO_CLIENT_SECRET
from gateway.services.tenants import create_app_with_credential
from gateway.settings import Settings
from tests.apptest import DEMO_HEADERS, seeded_gateway

Replica = tuple[httpx.AsyncClient, Runtime]
GQL = {"query": "{ invoices(first: 1) { edges { node { id } } } }"}


@pytest.fixture(params=["local", pytest.param("redis", marks=pytest.mark.redis)])
def settings(request: pytest.FixtureRequest, migrated_database_url: str) -> Settings:
    redis_url = request.getfixturevalue("redis_url") if request.param == "redis" else None
    return Settings(database_url=migrated_database_url, redis_url=redis_url)


@pytest.fixture
def redis_settings(migrated_database_url: str, redis_url: str) -> Settings:
    return Settings(database_url=migrated_database_url, redis_url=redis_url)


async def until(condition: Callable[[], bool], seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)


async def live(runtime: Runtime) -> Runtime:
    """The runtime once its invalidation channel is subscribed (at once in-process)."""
    await until(runtime.credentials.channel.live)
    return runtime


async def sql_of(work: Awaitable[object]) -> int:
    with count_statements() as counted:
        await work
    return counted.value


def auth(
    runtime: Runtime, key: str = DEMO_CLIENT_KEY, secret: str = DEMO_CLIENT_SECRET
) -> Awaitable[Caller]:
    return authenticate(runtime, key, secret)


@contextlib.asynccontextmanager
async def replicas(settings: Settings) -> AsyncIterator[tuple[Replica, Replica]]:
    """Two gateway instances on one database (and, with Redis, one Redis)."""
    async with seeded_gateway(settings) as one, seeded_gateway(settings) as two:
        await live(one[1])
        await live(two[1])
        yield one, two


async def test_a_cache_hit_runs_no_sql(settings: Settings) -> None:
    async with seeded_gateway(settings) as (client, runtime):
        await live(runtime)
        assert await sql_of(auth(runtime)) == 1
        assert await sql_of(auth(runtime)) == 0
        # The whole request: GraphQL and REST both authenticate from the cache.
        response = await client.post("/graphql", json=GQL, headers=DEMO_HEADERS)
        assert response.status_code == 200
        assert "errors" not in response.json()


async def test_a_wrong_secret_is_refused_with_the_entry_cached(settings: Settings) -> None:
    async with seeded_gateway(settings) as (client, runtime):
        await live(runtime)
        await auth(runtime)
        with pytest.raises(Unauthorized):
            await sql_of(auth(runtime, secret=DEMO_CLIENT_SECRET + "x"))
        with count_statements() as counted:
            wrong = {**DEMO_HEADERS, "x-client-secret": "cs_wrong"}
            response = await client.get("/api/v0/invoices", headers=wrong)
        assert response.status_code == 401
        assert counted.value == 0  # refused from the cached hash
        assert (await client.get("/api/v0/invoices", headers=DEMO_HEADERS)).status_code == 200


async def test_an_entry_expires_after_the_ttl(settings: Settings) -> None:
    async with seeded_gateway(replace(settings, credential_cache_seconds=0.3)) as (_, runtime):
        await live(runtime)
        assert await sql_of(auth(runtime)) == 1
        assert await sql_of(auth(runtime)) == 0
        await asyncio.sleep(0.35)
        assert await sql_of(auth(runtime)) == 1


async def test_zero_seconds_turns_the_cache_off(settings: Settings) -> None:
    async with seeded_gateway(replace(settings, credential_cache_seconds=0)) as (_, runtime):
        await live(runtime)
        for _ in range(3):
            assert await sql_of(auth(runtime)) == 1
        assert len(runtime.credentials.cache) == 0


async def _refused(replica: Replica, key: str, secret: str) -> None:
    client, _ = replica
    headers = {"x-client-key": key, "x-client-secret": secret}
    assert (await client.get("/api/v0/invoices", headers=headers)).status_code == 401
    assert (await client.post("/graphql", json=GQL, headers=headers)).status_code == 401


async def _accepted(replica: Replica, key: str, secret: str) -> None:
    client, _ = replica
    headers = {"x-client-key": key, "x-client-secret": secret}
    assert (await client.get("/api/v0/invoices", headers=headers)).status_code == 200


async def test_a_revocation_refuses_the_next_request_in_every_replica(settings: Settings) -> None:
    async with replicas(settings) as (one, two):
        generation = two[1].credentials.cache.generation
        new = await create_app_with_credential(one[1], "Replicated")
        if settings.redis_url is not None:  # the invalidation reached two
            await until(lambda: two[1].credentials.cache.generation != generation, 2.0)
        key, secret = new.credential.client_key, new.credential.client_secret
        for replica in (one, two):
            await _accepted(replica, key, secret)
            assert await sql_of(auth(replica[1], key, secret)) == 0  # cached in both
        generation = two[1].credentials.cache.generation
        outcome = await revoke_credential(one[1], key)
        assert outcome.propagated
        await _refused(one, key, secret)  # the writer's process: at once
        if settings.redis_url is None:
            return  # no channel between instances without Redis; each is its own process
        # The other replica: as soon as the message arrived, long before the TTL.
        await until(lambda: two[1].credentials.cache.generation != generation, 2.0)
        await _refused(two, key, secret)


async def test_a_rotation_refuses_the_old_secret_and_takes_the_new(settings: Settings) -> None:
    async with replicas(settings) as (one, two):
        for replica in (one, two):
            await _accepted(replica, DEMO_CLIENT_KEY, DEMO_CLIENT_SECRET)
        generation = two[1].credentials.cache.generation
        outcome = await rotate_credential(one[1], DEMO_CLIENT_KEY)
        assert outcome.issued is not None
        await _refused(one, DEMO_CLIENT_KEY, DEMO_CLIENT_SECRET)
        await _accepted(one, outcome.issued.client_key, outcome.issued.client_secret)
        if settings.redis_url is not None:
            await until(lambda: two[1].credentials.cache.generation != generation, 2.0)
            await _refused(two, DEMO_CLIENT_KEY, DEMO_CLIENT_SECRET)
            await _accepted(two, outcome.issued.client_key, outcome.issued.client_secret)


@pytest.mark.redis
async def test_a_cli_revocation_reaches_every_replica(
    redis_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gateway.cli import main

    monkeypatch.setenv("DATABASE_URL", redis_settings.database_url)
    monkeypatch.setenv("REDIS_URL", redis_settings.redis_url or "")
    monkeypatch.setenv("LOG_LEVEL", "error")
    async with replicas(redis_settings) as (one, two):
        for replica in (one, two):
            await _accepted(replica, DEMO_CLIENT_KEY, DEMO_CLIENT_SECRET)
        generations = [replica[1].credentials.cache.generation for replica in (one, two)]
        code = await asyncio.to_thread(main, ["credentials", "revoke", DEMO_CLIENT_KEY])
        assert code == 0
        for replica, generation in zip((one, two), generations, strict=True):
            await until(lambda r=replica, g=generation: r[1].credentials.cache.generation != g, 2.0)
            await _refused(replica, DEMO_CLIENT_KEY, DEMO_CLIENT_SECRET)


async def _revoke_unannounced(runtime: Runtime, client_key: str) -> None:
    """A change no one publishes: what a replica would miss while disconnected."""
    async with runtime.engine.begin() as connection:
        await connection.execute(
            text("UPDATE api_credential SET revoked = :yes WHERE client_key = :key"),
            {"yes": True, "key": client_key},
        )


@pytest.mark.redis
async def test_the_cache_is_bypassed_while_the_channel_is_down(redis_settings: Settings) -> None:
    async with seeded_gateway(redis_settings) as (client, runtime):
        await live(runtime)
        await _accepted((client, runtime), DEMO_CLIENT_KEY, DEMO_CLIENT_SECRET)
        assert await sql_of(auth(runtime)) == 0
        # Redis drops the subscriber's connection, as in a restart: every message from
        # now until the subscription is back could be missed.
        async with aioredis.Redis.from_url(redis_settings.redis_url or "") as admin:
            await admin.execute_command("CLIENT", "KILL", "TYPE", "pubsub")
        await until(lambda: not runtime.credentials.channel.live(), 2.0)
        assert len(runtime.credentials.cache) == 0
        assert await sql_of(auth(runtime)) == 1  # read, not kept
        assert await sql_of(auth(runtime)) == 1
        # So a change made meanwhile (and never announced) is seen at once.
        await _revoke_unannounced(runtime, DEMO_CLIENT_KEY)
        await _refused((client, runtime), DEMO_CLIENT_KEY, DEMO_CLIENT_SECRET)
        # Once resubscribed, the cache works again.
        await live(runtime)
        new = await create_app_with_credential(runtime, "After the outage")
        assert (
            await sql_of(auth(runtime, new.credential.client_key, new.credential.client_secret))
            == 1
        )
        assert (
            await sql_of(auth(runtime, new.credential.client_key, new.credential.client_secret))
            == 0
        )


@pytest.mark.redis
async def test_an_unanswered_heartbeat_makes_the_channel_not_live(redis_url: str) -> None:
    channel = RedisChannel(redis_url, heartbeat_seconds=0.1, liveness_seconds=0.4)
    cache = CredentialCache(60, channel)
    channel.attach(cache)
    try:
        channel.live()
        await until(channel.live, 3.0)
        cache.put(_record("ck_a"), cache.generation)
        assert cache.get("ck_a") is not None
        async with aioredis.Redis.from_url(redis_url) as admin:
            await admin.execute_command("CLIENT", "PAUSE", "1500", "ALL")
            started = time.monotonic()
            await until(lambda: not channel.live(), 1.0)
            assert time.monotonic() - started < 0.8
            assert cache.get("ck_a") is None
            assert len(cache) == 0
            await admin.execute_command("CLIENT", "UNPAUSE")
        await until(channel.live, 5.0)
    finally:
        await channel.close()


def _record(key: str, app_id: str = "app_1") -> CredentialRecord:
    return CredentialRecord(key, "hash", False, app_id, "App")


class AlwaysLive:
    def live(self) -> bool:
        return True


def test_the_cache_keeps_the_most_recently_used_entries() -> None:
    cache = CredentialCache(60, AlwaysLive(), max_entries=3)
    for key in ("a", "b", "c"):
        cache.put(_record(key), cache.generation)
    assert cache.get("a") is not None  # a is now the most recent
    cache.put(_record("d"), cache.generation)
    assert len(cache) == 3
    assert cache.get("b") is None
    assert [key for key in "acd" if cache.get(key) is not None] == ["a", "c", "d"]


def test_a_lookup_older_than_an_invalidation_is_not_kept() -> None:
    cache = CredentialCache(60, AlwaysLive())
    started = cache.generation
    cache.invalidate(["a"])  # a revocation commits while the lookup reads
    cache.put(_record("a"), started)
    assert cache.get("a") is None
    cache.put(_record("a"), cache.generation)
    assert cache.get("a") is not None
    cache.invalidate(app_ids=["app_1"])
    assert cache.get("a") is None


async def test_unknown_keys_are_not_cached(settings: Settings) -> None:
    async with seeded_gateway(settings) as (_, runtime):
        await live(runtime)
        await auth(runtime)
        for n in range(50):
            with pytest.raises(Unauthorized):
                await auth(runtime, f"ck_random_{n}", "cs_whatever")
        assert len(runtime.credentials.cache) == 1


class Switch:
    def __init__(self) -> None:
        self.on = True

    def live(self) -> bool:
        return self.on


def test_nothing_is_served_or_kept_while_the_channel_is_not_live() -> None:
    channel = Switch()
    cache = CredentialCache(60, channel)
    cache.put(_record("a"), cache.generation)
    channel.on = False  # e.g. the listener has not noticed yet that Redis is gone
    assert cache.get("a") is None
    assert len(cache) == 0
    cache.put(_record("a"), cache.generation)
    assert len(cache) == 0
    channel.on = True
    cache.put(_record("a"), cache.generation)
    assert cache.get("a") is not None
