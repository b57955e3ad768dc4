"""createWallet and deleteWallet: every answer and error, with codes; what they write
(wallet rows, wallet.* events on the outbox) and what they leave alone."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest

from gateway.db.tables import Product, Wallet
from gateway.runtime import Runtime
from gateway.services.demo import DEMO_APP_ID, WALLET_ID
from tests.apptest import DEMO_HEADERS, MovableClock, basic_invoice
from tests.graphql.helpers import gql
from tests.graphql.wallets import (
    CREATE_WALLET,
    USDC_ETHEREUM,
    USDC_SOLANA,
    USDT_TRON,
    count_wallets,
    create_wallet,
    delete_wallet,
    listed,
    listen_for_events,
    other_app_headers,
    wallet_events,
    wallet_gateway,
)

Gateway = tuple[httpx.AsyncClient, Runtime, MovableClock]

AT_FIRST_CREATE = "2025-03-04T05:06:08.890000+00:00"
DEMO_APP = {"id": DEMO_APP_ID, "name": "My Business App"}


@pytest.fixture
async def gateway(migrated_database_url: str, redis_url: str) -> AsyncIterator[Gateway]:
    """Idempotency keys kept in Redis, as in production."""
    async with wallet_gateway(migrated_database_url, redis_url) as running:
        yield running


def refused(payload: dict[str, Any], field: list[str] | None, message: str, code: str) -> None:
    assert payload["wallet"] is None
    assert payload["userErrors"] == [{"field": field, "message": message, "code": code}]


async def nothing_written(runtime: Runtime, wallets: int = 1) -> None:
    """Only the demo wallet (or `wallets` in all) and no wallet event."""
    assert await count_wallets(runtime) == wallets
    assert await wallet_events(runtime) == []


# --------------------------------------------------------------------------- createWallet


@pytest.mark.parametrize(
    ("chain", "address", "blockchain"),
    [
        ("ETHEREUM", USDC_ETHEREUM, "ETHEREUM"),
        ("POLYGON", "0x3c499c542cEF5E3811e1192ce70d8cC03d5c3359", "POLYGON"),
        ("AVALANCHE_C_CHAIN", "0xB97EF9Ef8734C71904D8002F8b6Bc66Dd9c48a6E", "AVALANCHE_C_CHAIN"),
        ("BASE", "0x833589fcd6edb6e08f4c7c32d4f71b54bda02913", "BASE"),
        ("SOLANA", USDC_SOLANA, "SOLANA"),
        ("TRON", USDT_TRON, "TRON"),
    ],
)
async def test_a_wallet_is_created_on_each_chain(
    gateway: Gateway, chain: str, address: str, blockchain: str
) -> None:
    client, runtime, clock = gateway
    await listen_for_events(runtime, DEMO_APP_ID)
    payload = await create_wallet(client, clock, {"address": address, "chain": chain})
    wallet = payload["wallet"]
    assert payload == {
        "wallet": {
            "id": wallet["id"],
            "address": address,
            "chain": chain.lower(),
            "blockchain": blockchain,
            "type": "APP",
            "createdAt": AT_FIRST_CREATE,
            "updatedAt": AT_FIRST_CREATE,
        },
        "userErrors": [],
        "replayed": False,
    }
    assert len(wallet["id"]) == 36 and wallet["id"].count("-") == 4  # a UUID
    rest = (await listed(client))[1]
    assert (rest["id"], rest["address"], rest["chain"]) == (wallet["id"], address, chain.lower())
    # The event carries the wallet as GET /api/v0/wallets shows it.
    [(event_type, resource_id, event)] = await wallet_events(runtime)
    assert (event_type, resource_id) == ("wallet.created", wallet["id"])
    timestamp = "2025-03-04T05:06:08.890Z"
    assert event == {"type": "wallet.created", "timestamp": timestamp, "data": rest}


async def test_a_type_may_be_given(gateway: Gateway) -> None:
    client, _runtime, clock = gateway
    wallet_input = {"address": USDT_TRON, "chain": "TRON", "type": "TREASURY"}
    payload = await create_wallet(client, clock, wallet_input)
    assert payload["userErrors"] == []
    assert payload["wallet"]["type"] == "TREASURY"


async def test_no_event_without_a_webhook_endpoint(gateway: Gateway) -> None:
    client, runtime, clock = gateway
    payload = await create_wallet(client, clock, {"address": USDT_TRON, "chain": "TRON"})
    assert payload["userErrors"] == []
    assert await count_wallets(runtime) == 2
    assert await wallet_events(runtime) == []


@pytest.mark.parametrize(
    ("chain", "address", "reason"),
    [
        (
            "ETHEREUM",
            "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB49",
            "its mixed-case letters do not match the EIP-55 checksum",
        ),
        (
            "BASE",
            "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB4",
            "expected 0x followed by 40 hexadecimal digits",
        ),
        ("POLYGON", USDT_TRON, "expected 0x followed by 40 hexadecimal digits"),
        (
            "SOLANA",
            "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt10",
            "expected 32 to 44 base58 characters encoding a 32-byte public key",
        ),
        ("TRON", "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u", "its base58check checksum does not match"),
        ("TRON", USDC_ETHEREUM, "expected 34 base58 characters starting with T"),
        (
            "AVALANCHE_C_CHAIN",
            "0x" + "f" * 150,
            "expected 0x followed by 40 hexadecimal digits",
        ),
    ],
)
async def test_an_address_not_of_its_chain_is_refused(
    gateway: Gateway, chain: str, address: str, reason: str
) -> None:
    client, runtime, clock = gateway
    await listen_for_events(runtime, DEMO_APP_ID)
    payload = await create_wallet(client, clock, {"address": address, "chain": chain})
    message = f"address is not a valid {chain.lower()} address: {reason}"
    refused(payload, ["input", "address"], message, "INVALID_WALLET_ADDRESS")
    await nothing_written(runtime)


@pytest.mark.parametrize(
    ("wallet_input", "errors"),
    [
        (
            {"address": "", "chain": "ETHEREUM"},
            [(["input", "address"], "address should not be empty")],
        ),
        (
            {"address": "0x\u0000" + "a" * 39, "chain": "ETHEREUM"},
            [(["input", "address"], "address must not contain null or surrogate characters")],
        ),
        (
            {"address": "T" * 100_000, "chain": "TRON"},
            [(["input", "address"], "address must be shorter than or equal to 200 characters")],
        ),
        (
            {"address": USDT_TRON, "chain": "TRON", "type": ""},
            [(["input", "type"], "type should not be empty")],
        ),
        (
            {"address": USDT_TRON, "chain": "TRON", "type": "A\u0000"},
            [(["input", "type"], "type must not contain null or surrogate characters")],
        ),
        (
            {"address": "\u0000", "chain": "SOLANA", "type": "x" * 33},
            [
                (["input", "address"], "address must not contain null or surrogate characters"),
                (["input", "type"], "type must be shorter than or equal to 32 characters"),
            ],
        ),
    ],
)
async def test_unstorable_input_is_invalid_input(
    gateway: Gateway, wallet_input: dict[str, Any], errors: list[tuple[list[str], str]]
) -> None:
    client, runtime, clock = gateway
    await listen_for_events(runtime, DEMO_APP_ID)
    payload = await create_wallet(client, clock, wallet_input)
    assert payload["wallet"] is None
    assert payload["userErrors"] == [
        {"field": field, "message": message, "code": "INVALID_INPUT"} for field, message in errors
    ]
    await nothing_written(runtime)


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        (
            {"input": {"address": USDT_TRON, "chain": "tron"}},
            "Variable '$input' has invalid value at .chain: "
            "Value 'tron' does not exist in 'Chain' enum. Did you mean the enum value 'TRON'?",
        ),
        (
            {"input": {"address": USDT_TRON, "chain": "BITCOIN"}},
            "Variable '$input' has invalid value at .chain: "
            "Value 'BITCOIN' does not exist in 'Chain' enum.",
        ),
        (
            {"input": {"address": USDT_TRON}},
            "Variable '$input' has invalid value: Expected value of type 'CreateWalletInput' "
            f"to include required field 'chain', found: {{'address': '{USDT_TRON}'}}.",
        ),
        (
            {"input": {"address": 42, "chain": "TRON"}},
            "Variable '$input' has invalid value at .address: "
            "String cannot represent a non string value: 42",
        ),
        (
            {"input": {"address": USDT_TRON, "chain": "TRON", "extra": 1}},
            "Variable '$input' has invalid value: Expected value of type 'CreateWalletInput' "
            "not to include unknown field 'extra', found: "
            f"{{'address': '{USDT_TRON}', 'chain': 'TRON', 'extra': 1}}.",
        ),
        ({"input": [USDT_TRON]}, None),
    ],
)
async def test_input_of_the_wrong_shape_is_a_validation_error(
    gateway: Gateway, variables: dict[str, Any], message: str | None
) -> None:
    client, runtime, _clock = gateway
    await listen_for_events(runtime, DEMO_APP_ID)
    response = await gql(client, CREATE_WALLET, variables)
    assert response.status_code == 200
    body = response.json()
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    if message is not None:
        assert error["message"] == message
    await nothing_written(runtime)


async def test_an_address_the_app_has_on_the_chain_is_refused(gateway: Gateway) -> None:
    client, runtime, clock = gateway
    first = await create_wallet(client, clock, {"address": USDC_ETHEREUM, "chain": "ETHEREUM"})
    assert first["userErrors"] == []
    await listen_for_events(runtime, DEMO_APP_ID)
    # One EVM account in any case; base58 addresses as written.
    for address, chain in [
        (USDC_ETHEREUM, "ETHEREUM"),
        (USDC_ETHEREUM.lower(), "ETHEREUM"),
        ("0x" + USDC_ETHEREUM[2:].upper(), "ETHEREUM"),
    ]:
        payload = await create_wallet(client, clock, {"address": address, "chain": chain})
        message = "This app already has a wallet with this address on ethereum"
        refused(payload, ["input", "address"], message, "WALLET_ALREADY_EXISTS")
    await nothing_written(runtime, wallets=2)
    # The same account on another EVM chain is another wallet.
    polygon = await create_wallet(client, clock, {"address": USDC_ETHEREUM, "chain": "POLYGON"})
    assert polygon["userErrors"] == []
    assert await count_wallets(runtime) == 3


async def test_a_stored_chain_in_any_case_is_the_same_chain(gateway: Gateway) -> None:
    client, runtime, clock = gateway
    async with runtime.sessions() as session:
        stored = Wallet(id="wal_lower", app_id=DEMO_APP_ID, address=USDT_TRON, blockchain="tron")
        session.add(stored)
        await session.commit()
    payload = await create_wallet(client, clock, {"address": USDT_TRON, "chain": "TRON"})
    message = "This app already has a wallet with this address on tron"
    refused(payload, ["input", "address"], message, "WALLET_ALREADY_EXISTS")
    assert (await listed(client))[1]["chain"] == "tron"


async def test_concurrent_creates_of_one_address_make_one_wallet(gateway: Gateway) -> None:
    client, runtime, clock = gateway
    clock.now = datetime(2025, 3, 5, tzinfo=UTC)
    variables = {"input": {"address": USDC_SOLANA, "chain": "SOLANA"}}
    responses = await asyncio.gather(*(gql(client, CREATE_WALLET, variables) for _ in range(6)))
    payloads = [response.json()["data"]["createWallet"] for response in responses]
    created = [payload for payload in payloads if payload["wallet"] is not None]
    assert len(created) == 1
    codes = [[e["code"] for e in payload["userErrors"]] for payload in payloads]
    assert sorted(codes) == [[]] + [["WALLET_ALREADY_EXISTS"]] * 5
    assert await count_wallets(runtime) == 2


async def test_another_apps_address_is_free(gateway: Gateway) -> None:
    client, runtime, clock = gateway
    other = await other_app_headers(runtime)
    wallet_input = {"address": USDC_SOLANA, "chain": "SOLANA"}
    theirs = await create_wallet(client, clock, wallet_input, headers=other)
    mine = await create_wallet(client, clock, wallet_input)
    assert theirs["userErrors"] == [] and mine["userErrors"] == []
    assert theirs["wallet"]["id"] != mine["wallet"]["id"]


# --------------------------------------------------------------------------- idempotency


async def test_the_same_key_and_input_return_the_same_wallet(gateway: Gateway) -> None:
    client, runtime, clock = gateway
    await listen_for_events(runtime, DEMO_APP_ID)
    wallet_input = {"address": USDT_TRON, "chain": "TRON"}
    first = await create_wallet(client, clock, wallet_input, key="wallet-key-1")
    again = await create_wallet(client, clock, wallet_input, key="wallet-key-1")
    assert first["replayed"] is False
    assert again == {**first, "replayed": True}
    # The header is the same key.
    header = {"x-idempotency-key": "wallet-key-1"}
    by_header = await create_wallet(client, clock, wallet_input, headers=header)
    assert by_header == again
    assert await count_wallets(runtime) == 2
    assert [event[0] for event in await wallet_events(runtime)] == ["wallet.created"]


async def test_the_same_key_with_other_input_is_refused(gateway: Gateway) -> None:
    client, runtime, clock = gateway
    first = await create_wallet(
        client, clock, {"address": USDT_TRON, "chain": "TRON"}, key="wallet-key-2"
    )
    assert first["userErrors"] == []
    await listen_for_events(runtime, DEMO_APP_ID)
    other = await create_wallet(
        client, clock, {"address": USDC_SOLANA, "chain": "SOLANA"}, key="wallet-key-2"
    )
    refused(
        other,
        ["idempotencyKey"],
        "This idempotency key was already used with a different request body",
        "IDEMPOTENCY_KEY_REUSED",
    )
    await nothing_written(runtime, wallets=2)


@pytest.mark.parametrize("key", ["", "x" * 256, "tab\there", "nul\u0000"])
async def test_a_bad_key_is_refused(gateway: Gateway, key: str) -> None:
    client, runtime, clock = gateway
    await listen_for_events(runtime, DEMO_APP_ID)
    payload = await create_wallet(client, clock, {"address": USDT_TRON, "chain": "TRON"}, key=key)
    refused(
        payload,
        ["idempotencyKey"],
        "idempotencyKey must be 1 to 255 printable characters",
        "INVALID_INPUT",
    )
    await nothing_written(runtime)


async def test_a_refused_create_does_not_use_up_its_key(gateway: Gateway) -> None:
    client, _runtime, clock = gateway
    bad = {"address": USDT_TRON[:-1] + "u", "chain": "TRON"}
    refused_payload = await create_wallet(client, clock, bad, key="wallet-key-3")
    assert refused_payload["userErrors"][0]["code"] == "INVALID_WALLET_ADDRESS"
    good = {"address": USDT_TRON, "chain": "TRON"}
    payload = await create_wallet(client, clock, good, key="wallet-key-3")
    assert payload["userErrors"] == [] and payload["replayed"] is False


async def test_a_replay_after_the_wallet_was_deleted(gateway: Gateway) -> None:
    client, _runtime, clock = gateway
    wallet_input = {"address": USDT_TRON, "chain": "TRON"}
    first = await create_wallet(client, clock, wallet_input, key="wallet-key-4")
    assert (await delete_wallet(client, first["wallet"]["id"]))["userErrors"] == []
    again = await create_wallet(client, clock, wallet_input, key="wallet-key-4")
    assert again == {
        "wallet": None,
        "userErrors": [
            {"field": None, "message": "Wallet could not be found", "code": "WALLET_NOT_FOUND"}
        ],
        "replayed": True,
    }


# --------------------------------------------------------------------------- deleteWallet


async def test_an_unused_wallet_is_removed(gateway: Gateway) -> None:
    client, runtime, clock = gateway
    created = await create_wallet(client, clock, {"address": USDT_TRON, "chain": "TRON"})
    wallet = created["wallet"]
    before = (await listed(client))[1]
    await listen_for_events(runtime, DEMO_APP_ID)
    clock.now = datetime(2025, 4, 1, tzinfo=UTC)
    payload = await delete_wallet(client, wallet["id"])
    assert payload == {"wallet": wallet, "userErrors": []}
    assert [w["id"] for w in await listed(client)] == [WALLET_ID]
    assert await count_wallets(runtime) == 1
    [(event_type, resource_id, event)] = await wallet_events(runtime)
    assert (event_type, resource_id) == ("wallet.deleted", wallet["id"])
    timestamp = "2025-04-01T00:00:00.000Z"
    assert event == {"type": "wallet.deleted", "timestamp": timestamp, "data": before}
    # Gone: a second delete finds nothing.
    again = await delete_wallet(client, wallet["id"])
    refused(again, ["id"], "Wallet could not be found", "WALLET_NOT_FOUND")


async def test_a_wallet_an_invoice_uses_is_kept(gateway: Gateway) -> None:
    client, runtime, clock = gateway
    wallet = (await create_wallet(client, clock, {"address": USDT_TRON, "chain": "TRON"}))["wallet"]
    invoice = await client.post(
        "/api/v0/invoices", json=basic_invoice(walletId=wallet["id"]), headers=DEMO_HEADERS
    )
    assert invoice.status_code == 201, invoice.text
    await listen_for_events(runtime, DEMO_APP_ID)
    for wallet_id in (wallet["id"], WALLET_ID):
        if wallet_id == WALLET_ID:  # the demo wallet, once an invoice uses it too
            used = await client.post("/api/v0/invoices", json=basic_invoice(), headers=DEMO_HEADERS)
            assert used.status_code == 201
        payload = await delete_wallet(client, wallet_id)
        message = "Wallet cannot be deleted: invoices or products use it"
        refused(payload, None, message, "WALLET_IN_USE")
    await nothing_written(runtime, wallets=2)
    # The invoice still shows its wallet.
    shown = await client.get(f"/api/v0/invoices/{invoice.json()['id']}", headers=DEMO_HEADERS)
    assert shown.json()["wallet"] == {
        "id": wallet["id"],
        "address": USDT_TRON,
        "blockchain": "TRON",
        "type": "APP",
    }


async def test_a_wallet_a_product_uses_is_kept(gateway: Gateway) -> None:
    client, runtime, clock = gateway
    wallet = (await create_wallet(client, clock, {"address": USDT_TRON, "chain": "TRON"}))["wallet"]
    async with runtime.sessions() as session:
        session.add(
            Product(
                id="prod_paid_in_tron",
                app_id=DEMO_APP_ID,
                name="Paid in USDT",
                price=Decimal("10.00"),
                wallet_id=wallet["id"],
            )
        )
        await session.commit()
    payload = await delete_wallet(client, wallet["id"])
    message = "Wallet cannot be deleted: invoices or products use it"
    refused(payload, None, message, "WALLET_IN_USE")
    assert await count_wallets(runtime) == 2


async def test_another_apps_wallet_is_not_found(gateway: Gateway) -> None:
    client, runtime, clock = gateway
    other = await other_app_headers(runtime)
    await listen_for_events(runtime, DEMO_APP_ID)
    for wallet_id in (WALLET_ID, "no-such-wallet", "nul\u0000id", "x" * 10_000, ""):
        payload = await delete_wallet(client, wallet_id, headers=other)
        refused(payload, ["id"], "Wallet could not be found", "WALLET_NOT_FOUND")
    assert [w["id"] for w in await listed(client)] == [WALLET_ID]
    await nothing_written(runtime)
    # Nor can the other app's own wallet be removed by the demo app.
    theirs = await create_wallet(
        client, clock, {"address": USDT_TRON, "chain": "TRON"}, headers=other
    )
    payload = await delete_wallet(client, theirs["wallet"]["id"])
    refused(payload, ["id"], "Wallet could not be found", "WALLET_NOT_FOUND")
    assert len(await listed(client, other)) == 1


async def test_the_delete_mutation_takes_an_id(gateway: Gateway) -> None:
    client, runtime, _clock = gateway
    response = await gql(client, "mutation { deleteWallet { userErrors { code } } }")
    assert response.status_code == 200
    [error] = response.json()["errors"]
    assert error["message"] == (
        "Argument 'Mutation.deleteWallet(id:)' of type 'ID!' is required, but it was not provided."
    )
    assert await count_wallets(runtime) == 1
