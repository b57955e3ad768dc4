"""Rate limiting through the REST shim, on the in-process store and on a real Redis."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest

from gateway.runtime import Runtime
from gateway.services.tenants import create_app_with_credential
from gateway.settings import Settings
from tests.apptest import DEMO_HEADERS, seeded_gateway

URL = "/api/v0/invoices"


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
async def gateway(
    request: pytest.FixtureRequest, sqlite_url: str
) -> AsyncIterator[tuple[httpx.AsyncClient, Runtime]]:
    from gateway.db.migrate import upgrade

    await asyncio.to_thread(upgrade, sqlite_url)
    redis_url = request.getfixturevalue("redis_url") if request.param == "redis" else None
    settings = Settings(database_url=sqlite_url, redis_url=redis_url, rate_limit_per_minute=10)
    async with seeded_gateway(settings) as pair:
        yield pair


async def test_limit_headers_and_429(gateway: tuple[httpx.AsyncClient, Runtime]) -> None:
    client, _runtime = gateway
    responses = [await client.get(URL, headers=DEMO_HEADERS) for _ in range(10)]
    assert [r.status_code for r in responses] == [200] * 10
    assert [int(r.headers["x-ratelimit-remaining"]) for r in responses] == list(range(9, -1, -1))
    first = responses[0].headers
    assert first["x-ratelimit-limit"] == "10"
    assert first["ratelimit-policy"] == '"default";q=10;w=60'
    assert first["ratelimit"].startswith('"default";r=9;t=')
    assert int(first["x-ratelimit-reset"]) > 1_700_000_000  # an epoch second

    refused = await client.post(URL, json={}, headers=DEMO_HEADERS)
    assert refused.status_code == 429
    body = refused.json()
    assert body == {
        "statusCode": 429,
        "message": "Rate limit exceeded. Maximum 10 requests per minute.",
        "error": "Too Many Requests",
        "retryAfter": body["retryAfter"],
    }
    assert 1 <= body["retryAfter"] <= 60
    assert refused.headers["retry-after"] == str(body["retryAfter"])
    assert refused.headers["x-ratelimit-remaining"] == "0"


async def test_other_clients_are_unaffected(gateway: tuple[httpx.AsyncClient, Runtime]) -> None:
    client, runtime = gateway
    for _ in range(10):
        await client.get(URL, headers=DEMO_HEADERS)
    assert (await client.get(URL, headers=DEMO_HEADERS)).status_code == 429
    other = await create_app_with_credential(runtime, "Other")
    headers = {
        "x-client-key": other.credential.client_key,
        "x-client-secret": other.credential.client_secret,
    }
    response = await client.get(URL, headers=headers)
    assert response.status_code == 200
    assert response.headers["x-ratelimit-remaining"] == "9"


async def test_concurrent_burst_accepts_exactly_the_limit(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, _runtime = gateway
    responses = await asyncio.gather(*(client.get(URL, headers=DEMO_HEADERS) for _ in range(25)))
    statuses = [r.status_code for r in responses]
    assert statuses.count(200) == 10
    assert statuses.count(429) == 15


async def test_unauthenticated_requests_do_not_spend_the_budget(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, _runtime = gateway
    for _ in range(20):
        assert (await client.get(URL)).status_code == 401
    assert (await client.get(URL, headers=DEMO_HEADERS)).status_code == 200
