"""The open pixel and the click-through link the invoice email carries."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest

from gateway.db.tables import Invoice
from gateway.pages.tracking import PIXEL
from gateway.runtime import Runtime
from gateway.settings import Settings
from tests.apptest import DEMO_HEADERS, MovableClock, basic_invoice, seeded_gateway

BASE_URL = "https://pay.example"


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture
async def gateway(
    migrated_database_url: str, clock: MovableClock
) -> AsyncIterator[tuple[httpx.AsyncClient, Runtime]]:
    settings = Settings(database_url=migrated_database_url, public_base_url=BASE_URL)
    async with seeded_gateway(settings, clock) as pair:
        yield pair


async def create(gateway: tuple[httpx.AsyncClient, Runtime], **overrides: Any) -> Invoice:
    client, runtime = gateway
    body = basic_invoice(**overrides)
    response = await client.post("/api/v0/invoices", json=body, headers=DEMO_HEADERS)
    assert response.status_code == 201, response.text
    return await reload(runtime, response.json()["id"])


async def reload(runtime: Runtime, invoice_id: str) -> Invoice:
    async with runtime.sessions() as session:
        invoice = await session.get(Invoice, invoice_id)
    assert invoice is not None
    return invoice


def assert_pixel(response: httpx.Response) -> None:
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/gif"
    assert "no-store" in response.headers["cache-control"]
    assert response.content == PIXEL
    assert response.content.startswith(b"GIF89a")


async def test_the_first_open_is_recorded_once(
    gateway: tuple[httpx.AsyncClient, Runtime], clock: MovableClock
) -> None:
    client, runtime = gateway
    invoice = await create(gateway)
    assert invoice.first_opened_at is None

    assert_pixel(await client.get(f"/t/o/{invoice.tracking_token}.gif"))
    first = (await reload(runtime, invoice.id)).first_opened_at
    assert first is not None

    clock.now += timedelta(hours=3)
    assert_pixel(await client.get(f"/t/o/{invoice.tracking_token}.gif"))
    again = await reload(runtime, invoice.id)
    assert again.first_opened_at == first
    assert again.first_clicked_at is None


async def test_only_the_first_open_and_click_move_the_version(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, runtime = gateway
    invoice = await create(gateway)
    assert invoice.version == 1
    for _ in range(2):
        await client.get(f"/t/o/{invoice.tracking_token}.gif")
        await client.get(f"/t/c/{invoice.tracking_token}")
    assert (await reload(runtime, invoice.id)).version == 3


async def test_unknown_tokens_still_get_the_pixel(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, _runtime = gateway
    assert_pixel(await client.get("/t/o/not-a-token.gif"))
    assert_pixel(await client.get(f"/t/o/{'x' * 500}.gif"))


async def test_click_redirects_to_the_payment_link(
    gateway: tuple[httpx.AsyncClient, Runtime], clock: MovableClock
) -> None:
    client, runtime = gateway
    invoice = await create(gateway)

    response = await client.get(f"/t/c/{invoice.tracking_token}")
    assert response.status_code == 302
    assert response.headers["location"] == f"{BASE_URL}/pay/{invoice.payment_link_token}"
    first = (await reload(runtime, invoice.id)).first_clicked_at
    assert first is not None

    clock.now += timedelta(minutes=5)
    assert (await client.get(f"/t/c/{invoice.tracking_token}")).status_code == 302
    assert (await reload(runtime, invoice.id)).first_clicked_at == first


async def test_click_without_payment_link_shows_the_invoice(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, runtime = gateway
    invoice = await create(gateway, payment_link=False)

    response = await client.get(f"/t/c/{invoice.tracking_token}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    for text in ("INV-000001", "2,500.00 USDC", "Cryptocurrency", "My Business App"):
        assert text in response.text
    assert (await reload(runtime, invoice.id)).first_clicked_at is not None


async def test_click_with_an_unknown_token_is_not_found(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, _runtime = gateway
    response = await client.get("/t/c/not-a-token")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert (await client.get(f"/t/c/{'x' * 500}")).status_code == 404


async def test_tracking_needs_no_credentials_and_sets_no_rate_limit_headers(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, _runtime = gateway
    invoice = await create(gateway)
    response = await client.get(f"/t/o/{invoice.tracking_token}.gif")
    assert response.status_code == 200
    assert "x-ratelimit-limit" not in response.headers
