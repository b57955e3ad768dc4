"""Running the gateway in-process for tests: lifespan entered, httpx on top."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.types import Receive, Scope, Send

from gateway.app import create_app
from gateway.runtime import Runtime, utc_now
from gateway.services.demo import (
    CUSTOMER_ID,
    DEMO_CLIENT_KEY,
    DEMO_CLIENT_SECRET,
    WALLET_ID,
    seed_demo,
)
from gateway.settings import Settings

DEMO_HEADERS = {"x-client-key": DEMO_CLIENT_KEY, "x-client-secret": DEMO_CLIENT_SECRET}


def future(days: int = 30) -> str:
    return (date.today() + timedelta(days=days)).isoformat()


def basic_invoice(**overrides: Any) -> dict[str, Any]:
    """The spec's "Basic Invoice Creation" body, due date moved into the future."""
    body: dict[str, Any] = {
        "name": "Website Development Services",
        "email": "client@example.com",
        "customer_id": CUSTOMER_ID,
        "walletId": WALLET_ID,
        "items": [{"product_id": "prod_123456789", "quantity": 1}],
        "due_date": future(),
        "delivery": "EMAIL",
        "payment_link": True,
        "payment_methods": ["CRYPTO", "BANK_TRANSFER"],
        "status": "OPEN",
        "partial_payment": False,
    }
    body.update(overrides)
    return body


@asynccontextmanager
async def running(app: Starlette) -> AsyncIterator[tuple[httpx.AsyncClient, Runtime]]:
    async with app.router.lifespan_context(app) as state:
        assert state is not None

        async def with_state(scope: Scope, receive: Receive, send: Send) -> None:
            scope["state"] = dict(state)
            await app(scope, receive, send)

        transport = httpx.ASGITransport(app=with_state, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as client:
            yield client, state["runtime"]


class MovableClock:
    """A clock a test can move forward; starts at the real time."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


@asynccontextmanager
async def seeded_gateway(
    settings: Settings, clock: Callable[[], datetime] = utc_now
) -> AsyncIterator[tuple[httpx.AsyncClient, Runtime]]:
    async with running(create_app(settings, clock=clock)) as (client, runtime):
        await seed_demo(runtime)
        yield client, runtime
