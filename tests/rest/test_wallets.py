"""/api/v0/wallets: GET, the app's wallets oldest first in the v0 shape, no parameters;
POST, a new wallet: its answer, every refusal, idempotency and tenancy."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlmodel import select

from gateway.db.tables import Wallet
from gateway.runtime import Runtime
from gateway.services.demo import DEMO_APP_ID, WALLET_ID
from tests.apptest import DEMO_HEADERS, MovableClock
from tests.graphql.wallets import (
    STEP,
    USDC_ETHEREUM,
    USDC_SOLANA,
    USDT_TRON,
    count_wallets,
    create_wallet,
    listed,
    listen_for_events,
    other_app_headers,
    wallet_events,
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


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
async def test_only_get_and_post_are_allowed(
    gateway: tuple[httpx.AsyncClient, Runtime, MovableClock], method: str
) -> None:
    client, _runtime, _clock = gateway
    response = await client.request(method, URL, headers=DEMO_HEADERS, json={})
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD, POST"
    assert await listed(client) == [DEMO_WALLET]


# --------------------------------------------------------------------------- POST

Gateway = tuple[httpx.AsyncClient, Runtime, MovableClock]
AT_FIRST_POST = "2025-03-04T05:06:08.890Z"


async def post_wallet(
    client: httpx.AsyncClient,
    clock: MovableClock,
    body: object,
    headers: dict[str, str] = DEMO_HEADERS,
) -> httpx.Response:
    """POST /api/v0/wallets one STEP after the last create."""
    clock.now += STEP
    return await client.post(URL, json=body, headers=headers)


async def stored_type(runtime: Runtime, wallet_id: str) -> str:
    async with runtime.sessions() as session:
        wallet = (await session.exec(select(Wallet).where(Wallet.id == wallet_id))).one()
    return wallet.type


def refused(response: httpx.Response, status: int, message: str | list[str]) -> None:
    error = {400: "Bad Request", 409: "Conflict", 422: "Unprocessable Entity"}[status]
    assert response.status_code == status, response.text
    assert response.json() == {"statusCode": status, "message": message, "error": error}


async def nothing_written(runtime: Runtime, wallets: int = 1) -> None:
    assert await count_wallets(runtime) == wallets
    assert await wallet_events(runtime) == []


@pytest.mark.parametrize(
    ("chain", "address"),
    [
        ("ethereum", USDC_ETHEREUM),
        ("polygon", "0x3c499c542cEF5E3811e1192ce70d8cC03d5c3359"),
        ("avalanche_c_chain", "0xB97EF9Ef8734C71904D8002F8b6Bc66Dd9c48a6E"),
        ("base", "0x833589fcd6edb6e08f4c7c32d4f71b54bda02913"),
        ("solana", USDC_SOLANA),
        ("tron", USDT_TRON),
    ],
)
async def test_post_creates_a_wallet_shown_as_the_list_shows_it(
    gateway: Gateway, chain: str, address: str
) -> None:
    client, runtime, clock = gateway
    await listen_for_events(runtime, DEMO_APP_ID)
    response = await post_wallet(client, clock, {"address": address, "chain": chain})
    assert response.status_code == 201, response.text
    assert response.headers["content-type"] == "application/json"
    assert "Idempotent-Replayed" not in response.headers
    wallet = response.json()
    assert len(wallet["id"]) == 36 and wallet["id"].count("-") == 4  # a UUID
    assert wallet == v0_wallet(wallet["id"], address, chain, AT_FIRST_POST, DEMO_APP)
    assert await listed(client) == [DEMO_WALLET, wallet]
    assert await stored_type(runtime, wallet["id"]) == "APP"
    [(event_type, resource_id, event)] = await wallet_events(runtime)
    assert (event_type, resource_id) == ("wallet.created", wallet["id"])
    assert event == {"type": "wallet.created", "timestamp": AT_FIRST_POST, "data": wallet}


async def test_post_takes_a_type(gateway: Gateway) -> None:
    client, runtime, clock = gateway
    body = {"address": USDT_TRON, "chain": "tron", "type": "TREASURY"}
    response = await post_wallet(client, clock, body)
    assert response.status_code == 201, response.text
    assert await stored_type(runtime, response.json()["id"]) == "TREASURY"
    null_type = {"address": USDC_SOLANA, "chain": "solana", "type": None}
    response = await post_wallet(client, clock, null_type)
    assert response.status_code == 201, response.text
    assert await stored_type(runtime, response.json()["id"]) == "APP"


@pytest.mark.parametrize(
    ("chain", "address", "reason"),
    [
        (
            "ethereum",
            "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB49",
            "its mixed-case letters do not match the EIP-55 checksum",
        ),
        (
            "base",
            "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB4",
            "expected 0x followed by 40 hexadecimal digits",
        ),
        ("polygon", USDT_TRON, "expected 0x followed by 40 hexadecimal digits"),
        (
            "solana",
            "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt10",
            "expected 32 to 44 base58 characters encoding a 32-byte public key",
        ),
        ("tron", "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u", "its base58check checksum does not match"),
        ("tron", USDC_ETHEREUM, "expected 34 base58 characters starting with T"),
    ],
)
async def test_post_refuses_an_address_not_of_its_chain(
    gateway: Gateway, chain: str, address: str, reason: str
) -> None:
    client, runtime, clock = gateway
    await listen_for_events(runtime, DEMO_APP_ID)
    response = await post_wallet(client, clock, {"address": address, "chain": chain})
    refused(response, 400, f"address is not a valid {chain} address: {reason}")
    await nothing_written(runtime)


async def test_post_refuses_an_address_the_app_has_on_the_chain(gateway: Gateway) -> None:
    client, runtime, clock = gateway
    first = await post_wallet(client, clock, {"address": USDC_ETHEREUM, "chain": "ethereum"})
    assert first.status_code == 201, first.text
    await listen_for_events(runtime, DEMO_APP_ID)
    for address in [USDC_ETHEREUM, USDC_ETHEREUM.lower(), "0x" + USDC_ETHEREUM[2:].upper()]:
        response = await post_wallet(client, clock, {"address": address, "chain": "ethereum"})
        refused(response, 409, "This app already has a wallet with this address on ethereum")
    await nothing_written(runtime, wallets=2)
    polygon = await post_wallet(client, clock, {"address": USDC_ETHEREUM, "chain": "polygon"})
    assert polygon.status_code == 201, polygon.text


_CHAINS = "ethereum, solana, polygon, avalanche_c_chain, tron, base"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {},
            [
                "address should not be empty",
                "address must be a string",
                "chain should not be empty",
                f"chain must be one of the following values: {_CHAINS}",
            ],
        ),
        (
            {"address": "", "chain": ""},
            [
                "address should not be empty",
                "chain should not be empty",
                f"chain must be one of the following values: {_CHAINS}",
            ],
        ),
        (
            {"address": 42, "chain": "tron"},
            ["address must be a string"],
        ),
        (
            {"address": USDT_TRON, "chain": "TRON"},
            [f"chain must be one of the following values: {_CHAINS}"],
        ),
        (
            {"address": USDT_TRON, "chain": "bitcoin"},
            [f"chain must be one of the following values: {_CHAINS}"],
        ),
        (
            {"address": USDT_TRON, "chain": ["tron"]},
            [f"chain must be one of the following values: {_CHAINS}"],
        ),
        (
            {"address": "0x\u0000" + "a" * 39, "chain": "ethereum"},
            ["address must not contain null or surrogate characters"],
        ),
        (
            {"address": "T" * 100_000, "chain": "tron"},
            ["address must be shorter than or equal to 200 characters"],
        ),
        ({"address": USDT_TRON, "chain": "tron", "type": ""}, ["type should not be empty"]),
        ({"address": USDT_TRON, "chain": "tron", "type": 7}, ["type must be a string"]),
        (
            {"address": "\u0000", "chain": "solana", "type": "x" * 33},
            [
                "address must not contain null or surrogate characters",
                "type must be shorter than or equal to 32 characters",
            ],
        ),
        ([{"address": USDT_TRON, "chain": "tron"}], ["request body must be a JSON object"]),
        ("tron", ["request body must be a JSON object"]),
    ],
)
async def test_post_refuses_bad_input_and_writes_nothing(
    gateway: Gateway, body: object, message: list[str]
) -> None:
    client, runtime, clock = gateway
    await listen_for_events(runtime, DEMO_APP_ID)
    refused(await post_wallet(client, clock, body), 400, message)
    await nothing_written(runtime)


async def test_post_refuses_a_body_that_is_no_json(gateway: Gateway) -> None:
    client, runtime, _clock = gateway
    response = await client.post(URL, content=b'{"address": ', headers=DEMO_HEADERS)
    refused(response, 400, ["request body must be valid JSON"])
    await nothing_written(runtime)


@pytest.mark.parametrize("header", ["idempotency-key", "Idempotency-Key", "x-idempotency-key"])
async def test_post_once_per_idempotency_key(gateway: Gateway, header: str) -> None:
    client, runtime, clock = gateway
    headers = {**DEMO_HEADERS, header: "wallet-key-1"}
    body = {"address": USDT_TRON, "chain": "tron"}
    first = await post_wallet(client, clock, body, headers)
    again = await post_wallet(client, clock, body, headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.content == first.content
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    other = await post_wallet(client, clock, {"address": USDC_SOLANA, "chain": "solana"}, headers)
    refused(other, 422, "This idempotency key was already used with a different request body")
    assert await listed(client) == [DEMO_WALLET, first.json()]
    assert await count_wallets(runtime) == 2


async def test_a_refused_post_does_not_use_up_its_key(gateway: Gateway) -> None:
    client, runtime, clock = gateway
    headers = {**DEMO_HEADERS, "idempotency-key": "wallet-key-2"}
    wrong = await post_wallet(client, clock, {"address": USDT_TRON, "chain": "solana"}, headers)
    assert wrong.status_code == 400
    right = await post_wallet(client, clock, {"address": USDT_TRON, "chain": "tron"}, headers)
    assert right.status_code == 201, right.text
    assert "Idempotent-Replayed" not in right.headers
    assert await count_wallets(runtime) == 2


async def test_post_creates_in_the_calling_app_only(gateway: Gateway) -> None:
    client, runtime, clock = gateway
    other = await other_app_headers(runtime)
    body = {"address": USDC_SOLANA, "chain": "solana"}
    theirs = await post_wallet(client, clock, body, other)
    assert theirs.status_code == 201, theirs.text
    wallet = theirs.json()
    assert wallet["app"]["id"] != DEMO_APP_ID and wallet["app"]["name"] == "Other Business"
    assert await listed(client, other) == [wallet]
    assert await listed(client) == [DEMO_WALLET]
    # The same address is free in the demo app, and taken again in the other one.
    mine = await post_wallet(client, clock, body)
    assert mine.status_code == 201, mine.text
    assert mine.json()["app"] == DEMO_APP
    again = await post_wallet(client, clock, body, other)
    refused(again, 409, "This app already has a wallet with this address on solana")
    # One app's idempotency key is not another's.
    keyed = {"idempotency-key": "shared-key"}
    tron = {"address": USDT_TRON, "chain": "tron"}
    first = await post_wallet(client, clock, tron, {**DEMO_HEADERS, **keyed})
    second = await post_wallet(client, clock, tron, {**other, **keyed})
    assert (first.status_code, second.status_code) == (201, 201)
    assert "Idempotent-Replayed" not in second.headers
    assert first.json()["id"] != second.json()["id"]


async def test_post_requires_credentials(gateway: Gateway) -> None:
    client, runtime, _clock = gateway
    response = await client.post(URL, json={"address": USDT_TRON, "chain": "tron"})
    assert response.status_code == 401
    assert await count_wallets(runtime) == 1
