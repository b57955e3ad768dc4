"""Wallets in tests: the gateway on a clock the test moves, createWallet / deleteWallet
calls, another app, and what the database holds (wallets, their outbox events)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import func
from sqlmodel import col, select

from gateway.db.tables import OutboxMessage, Wallet
from gateway.encoding import loads
from gateway.runtime import Runtime
from gateway.services.tenants import create_app_with_credential
from gateway.services.webhook_endpoints import add_webhook_endpoint
from gateway.settings import Settings
from tests.apptest import DEMO_HEADERS, MovableClock, seeded_gateway
from tests.graphql.helpers import gql

# The demo rows are seeded at START; each wallet a test creates one STEP later.
START = datetime(2025, 3, 4, 5, 6, 7, 890000, tzinfo=UTC)
STEP = timedelta(seconds=1)

USDC_ETHEREUM = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48"
USDT_TRON = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"
USDC_SOLANA = "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v"

WALLET_FIELDS = "id address chain blockchain type createdAt updatedAt"
USER_ERRORS = "userErrors { field message code }"
CREATE_WALLET = f"""
mutation CreateWallet($input: CreateWalletInput!, $key: String) {{
  createWallet(input: $input, idempotencyKey: $key) {{
    wallet {{ {WALLET_FIELDS} }} {USER_ERRORS} replayed
  }}
}}
"""
DELETE_WALLET = f"""
mutation DeleteWallet($id: ID!) {{
  deleteWallet(id: $id) {{ wallet {{ {WALLET_FIELDS} }} {USER_ERRORS} }}
}}
"""


@asynccontextmanager
async def wallet_gateway(
    database_url: str, redis_url: str | None = None
) -> AsyncIterator[tuple[httpx.AsyncClient, Runtime, MovableClock]]:
    """`redis_url`: the idempotency store (else the in-process one)."""
    clock = MovableClock()
    clock.now = START
    settings = Settings(
        database_url=database_url, redis_url=redis_url, public_base_url="https://pay.example"
    )
    async with seeded_gateway(settings, clock=clock) as (client, runtime):
        yield client, runtime, clock


async def create_wallet(
    client: httpx.AsyncClient,
    clock: MovableClock,
    wallet_input: dict[str, Any],
    *,
    key: str | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """createWallet's payload, one STEP after the last create."""
    clock.now += STEP
    variables = {"input": wallet_input, "key": key}
    response = await gql(client, CREATE_WALLET, variables, headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["createWallet"]
    return payload


async def delete_wallet(
    client: httpx.AsyncClient, wallet_id: str, headers: dict[str, str] | None = None
) -> dict[str, Any]:
    response = await gql(client, DELETE_WALLET, {"id": wallet_id}, headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["deleteWallet"]
    return payload


async def listed(
    client: httpx.AsyncClient, headers: dict[str, str] = DEMO_HEADERS
) -> list[dict[str, Any]]:
    """The wallets GET /api/v0/wallets answers with."""
    response = await client.get("/api/v0/wallets", headers=headers)
    assert response.status_code == 200, response.text
    wallets: list[dict[str, Any]] = response.json()["data"]
    return wallets


async def other_app_headers(runtime: Runtime, name: str = "Other Business") -> dict[str, str]:
    other = await create_app_with_credential(runtime, name)
    return {
        "x-client-key": other.credential.client_key,
        "x-client-secret": other.credential.client_secret,
    }


async def listen_for_events(runtime: Runtime, app_id: str) -> None:
    """An enabled webhook endpoint, so the app's events reach the outbox."""
    await add_webhook_endpoint(runtime, app_id, "https://93.184.216.34/hooks")


async def count_wallets(runtime: Runtime) -> int:
    async with runtime.sessions() as session:
        count: int = (await session.exec(select(func.count()).select_from(Wallet))).one()
    return count


async def wallet_events(runtime: Runtime) -> list[tuple[str, str, dict[str, Any]]]:
    """(event type, wallet id, payload) of every wallet event on the outbox, oldest first."""
    stmt = (
        select(OutboxMessage)
        .where(col(OutboxMessage.resource_type) == "wallet")
        .order_by(col(OutboxMessage.created_at), col(OutboxMessage.event_type))
    )
    async with runtime.sessions() as session:
        messages = (await session.exec(stmt)).all()
    return [
        (message.event_type, str(message.resource_id), loads(message.payload))
        for message in messages
    ]
