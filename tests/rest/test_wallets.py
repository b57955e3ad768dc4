"""GET /api/v0/wallets: the app's wallets, oldest first, in the v0 shape; no parameters."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from gateway.runtime import Runtime
from gateway.services.demo import DEMO_APP_ID, WALLET_ID
from tests.apptest import DEMO_HEADERS, MovableClock
from tests.graphql.wallets import (
    USDC_ETHEREUM,
    USDC_SOLANA,
    USDT_TRON,
    create_wallet,
    listed,
    other_app_headers,
    wallet_gateway,
)

URL = "/api/v0/wallets"
DEMO_APP = {"id": DEMO_APP_ID, "name": "My Business App"}


def v0_wallet(wallet_id: str, address: str, chain: str, at: str, app: dict[str, str]) -> Any:
    return {
        "id": wallet_id,
        "bridge_id": None,
        "address": address,
        "chain": chain,
        "balances": [],
        "created_at": at,
        "updated_at": at,
        "business": None,
        "app": app,
    }


# Seeded at tests.graphql.wallets.START; it stores its chain as "ETHEREUM".
DEMO_WALLET = v0_wallet(
    WALLET_ID, "0x742d35Cc6635C0532925a3b8d", "ethereum", "2025-03-04T05:06:07.890Z", DEMO_APP
)


@pytest.fixture
async def gateway(
    migrated_database_url: str,
) -> AsyncIterator[tuple[httpx.AsyncClient, Runtime, MovableClock]]:
    async with wallet_gateway(migrated_database_url) as running:
        yield running


async def test_every_wallet_of_the_app_oldest_first(
    gateway: tuple[httpx.AsyncClient, Runtime, MovableClock],
) -> None:
    client, _runtime, clock = gateway
    assert await listed(client) == [DEMO_WALLET]
    created = [
        (await create_wallet(client, clock, {"address": address, "chain": chain}))["wallet"]
        for address, chain in [
            (USDT_TRON, "TRON"),
            (USDC_SOLANA, "SOLANA"),
            ("0xB97EF9Ef8734C71904D8002F8b6Bc66Dd9c48a6E", "AVALANCHE_C_CHAIN"),
        ]
    ]
    response = await client.get(URL, headers=DEMO_HEADERS)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {
        "data": [
            DEMO_WALLET,
            v0_wallet(created[0]["id"], USDT_TRON, "tron", "2025-03-04T05:06:08.890Z", DEMO_APP),
            v0_wallet(
                created[1]["id"], USDC_SOLANA, "solana", "2025-03-04T05:06:09.890Z", DEMO_APP
            ),
            v0_wallet(
                created[2]["id"],
                "0xB97EF9Ef8734C71904D8002F8b6Bc66Dd9c48a6E",
                "avalanche_c_chain",
                "2025-03-04T05:06:10.890Z",
                DEMO_APP,
            ),
        ]
    }


async def test_another_app_lists_only_its_own_wallets(
    gateway: tuple[httpx.AsyncClient, Runtime, MovableClock],
) -> None:
    client, runtime, clock = gateway
    other = await other_app_headers(runtime)
    assert await listed(client, other) == []
    # The demo app's address is free in another app.
    wallet_input = {"address": USDC_ETHEREUM, "chain": "ETHEREUM"}
    theirs = (await create_wallet(client, clock, wallet_input, headers=other))["wallet"]
    mine = (await create_wallet(client, clock, wallet_input))["wallet"]
    other_app = (await listed(client, other))[0]["app"]
    assert other_app["id"].startswith("app_") and other_app["id"] != DEMO_APP_ID
    assert other_app == {"id": other_app["id"], "name": "Other Business"}
    assert await listed(client, other) == [
        v0_wallet(theirs["id"], USDC_ETHEREUM, "ethereum", "2025-03-04T05:06:08.890Z", other_app)
    ]
    assert await listed(client) == [
        DEMO_WALLET,
        v0_wallet(mine["id"], USDC_ETHEREUM, "ethereum", "2025-03-04T05:06:09.890Z", DEMO_APP),
    ]


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("skip=0", ["skip"]),
        ("take=10", ["take"]),
        ("chain=ethereum", ["chain"]),
        ("page=1&limit=5", ["page", "limit"]),
        ("x", ["x"]),
    ],
)
async def test_any_query_parameter_is_a_400_naming_it(
    gateway: tuple[httpx.AsyncClient, Runtime, MovableClock], query: str, names: list[str]
) -> None:
    client, _runtime, _clock = gateway
    response = await client.get(f"{URL}?{query}", headers=DEMO_HEADERS)
    assert response.status_code == 400
    assert response.json() == {
        "statusCode": 400,
        "message": [f"{name} is not an accepted query parameter; accepted: none" for name in names],
        "error": "Bad Request",
    }


async def test_credentials_are_required(
    gateway: tuple[httpx.AsyncClient, Runtime, MovableClock],
) -> None:
    client, _runtime, _clock = gateway
    response = await client.get(URL)
    assert response.status_code == 401
    assert response.json() == {
        "statusCode": 401,
        "message": "Invalid or missing API credentials",
        "error": "Unauthorized",
    }
    wrong = {**DEMO_HEADERS, "x-client-secret": "not-the-secret"}
    assert (await client.get(URL, headers=wrong)).status_code == 401


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
async def test_only_get_is_allowed(
    gateway: tuple[httpx.AsyncClient, Runtime, MovableClock], method: str
) -> None:
    client, _runtime, _clock = gateway
    response = await client.request(method, URL, headers=DEMO_HEADERS, json={})
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD"
    assert await listed(client) == [DEMO_WALLET]
