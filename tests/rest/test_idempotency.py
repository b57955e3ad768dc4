"""Idempotency through the REST shim, on the in-process store and on a real Redis."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import func
from sqlmodel import select

from gateway.db.tables import App, Invoice
from gateway.runtime import Runtime
from gateway.services.demo import DEMO_APP_ID
from gateway.services.tenants import create_app_with_credential
from gateway.settings import Settings
from gateway.store.memory_store import MemoryStore
from gateway.store.redis_store import RedisStore
from tests.apptest import DEMO_HEADERS, basic_invoice, seeded_gateway

URL = "/api/v0/invoices"


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
def store_url(request: pytest.FixtureRequest) -> str | None:
    if request.param == "memory":
        return None
    url: str = request.getfixturevalue("redis_url")
    return url


@pytest.fixture
async def gateway(
    migrated_database_url: str, store_url: str | None
) -> AsyncIterator[tuple[httpx.AsyncClient, Runtime]]:
    settings = Settings(database_url=migrated_database_url, redis_url=store_url)
    async with seeded_gateway(settings) as pair:
        yield pair


def keyed(key: str) -> dict[str, str]:
    return {**DEMO_HEADERS, "x-idempotency-key": key}


async def invoice_count(runtime: Runtime) -> int:
    async with runtime.sessions() as session:
        return (await session.exec(select(func.count()).select_from(Invoice))).one()


async def counter(runtime: Runtime) -> int:
    async with runtime.sessions() as session:
        app = await session.get(App, DEMO_APP_ID)
        assert app is not None
        return app.invoice_counter


async def test_fifty_concurrent_duplicates_create_one_invoice(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, runtime = gateway
    body = basic_invoice()
    responses = await asyncio.gather(
        *(client.post(URL, json=body, headers=keyed("dup-1")) for _ in range(50))
    )
    statuses = sorted(r.status_code for r in responses)
    assert set(statuses) <= {201, 409}
    created = [r for r in responses if r.status_code == 201]
    assert created, statuses
    assert len({r.content for r in created}) == 1  # every 201 is the same bytes
    for conflict in (r for r in responses if r.status_code == 409):
        assert conflict.json()["error"] == "Conflict"
    assert await invoice_count(runtime) == 1
    assert await counter(runtime) == 1  # one invoice number used

    retry = await client.post(URL, json=body, headers=keyed("dup-1"))
    assert retry.status_code == 201
    assert retry.content == created[0].content
    assert retry.headers["idempotent-replayed"] == "true"
    originals = [r for r in created if "idempotent-replayed" not in r.headers]
    assert len(originals) == 1  # the rest of the 201s are replays


async def test_same_key_with_another_body_is_422(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, runtime = gateway
    first = await client.post(URL, json=basic_invoice(), headers=keyed("k-422"))
    assert first.status_code == 201
    other = await client.post(URL, json=basic_invoice(name="Other"), headers=keyed("k-422"))
    assert other.status_code == 422
    assert other.json()["error"] == "Unprocessable Entity"
    assert "different request body" in other.json()["message"]
    assert await invoice_count(runtime) == 1


async def test_key_order_and_spacing_do_not_change_the_fingerprint(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, _runtime = gateway
    body = basic_invoice()
    first = await client.post(URL, json=body, headers=keyed("k-canon"))
    reordered = dict(reversed(list(body.items())))
    again = await client.post(URL, json=reordered, headers=keyed("k-canon"))
    assert again.status_code == 201 and again.content == first.content


async def test_record_lost_from_the_store_falls_back_to_the_database(
    gateway: tuple[httpx.AsyncClient, Runtime], store_url: str | None
) -> None:
    client, runtime = gateway
    first = await client.post(URL, json=basic_invoice(), headers=keyed("k-lost"))
    assert first.status_code == 201
    if store_url is None:
        runtime.store = MemoryStore()  # a restarted process: the memory is gone
    else:
        assert isinstance(runtime.store, RedisStore)
        import redis.asyncio as aioredis

        async with aioredis.Redis.from_url(store_url) as raw:
            await raw.flushall()
    retry = await client.post(URL, json=basic_invoice(), headers=keyed("k-lost"))
    assert retry.status_code == 201
    assert retry.json() == first.json()
    assert retry.headers["idempotent-replayed"] == "true"
    assert await invoice_count(runtime) == 1
    mismatch = await client.post(URL, json=basic_invoice(name="x"), headers=keyed("k-lost"))
    assert mismatch.status_code == 422


async def test_a_failed_request_releases_its_key(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, _runtime = gateway
    bad = basic_invoice(items=[{"product_id": "prod_invalid", "quantity": 1}])
    first = await client.post(URL, json=bad, headers=keyed("k-fail"))
    assert first.status_code == 400
    fixed = await client.post(URL, json=basic_invoice(), headers=keyed("k-fail"))
    assert fixed.status_code == 201
    assert "idempotent-replayed" not in fixed.headers


async def test_two_apps_with_one_key_are_independent(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, runtime = gateway
    other = await create_app_with_credential(runtime, "Other Business")
    other_headers = {
        "x-client-key": other.credential.client_key,
        "x-client-secret": other.credential.client_secret,
        "x-idempotency-key": "shared-key",
    }
    mine = await client.post(URL, json=basic_invoice(), headers=keyed("shared-key"))
    assert mine.status_code == 201
    # Same key, other app, other body: not a 422, the other app's own outcome (its 404).
    theirs = await client.post(URL, json=basic_invoice(name="x"), headers=other_headers)
    assert theirs.status_code == 404


@pytest.mark.parametrize("key", ["", "x" * 256, "tab\tkey"])
async def test_malformed_keys_are_400(gateway: tuple[httpx.AsyncClient, Runtime], key: str) -> None:
    client, _runtime = gateway
    headers = {**DEMO_HEADERS, "x-idempotency-key": key}
    response = await client.post(URL, json=basic_invoice(), headers=headers)
    assert response.status_code == 400
    assert "x-idempotency-key" in response.json()["message"][0]


async def test_idempotency_key_header_alias(gateway: tuple[httpx.AsyncClient, Runtime]) -> None:
    client, _runtime = gateway
    headers = {**DEMO_HEADERS, "Idempotency-Key": "alias-1"}
    first = await client.post(URL, json=basic_invoice(), headers=headers)
    second = await client.post(URL, json=basic_invoice(), headers=headers)
    assert second.headers["idempotent-replayed"] == "true"
    assert second.content == first.content
