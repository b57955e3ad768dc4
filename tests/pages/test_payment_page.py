from __future__ import annotations

from datetime import timedelta

from gateway.settings import Settings
from tests.apptest import DEMO_HEADERS, MovableClock, basic_invoice, future, seeded_gateway
from tests.spec_examples import SPEC_EXAMPLES


async def test_payment_link_page_lifecycle(migrated_database_url: str) -> None:
    clock = MovableClock()
    settings = Settings(database_url=migrated_database_url, public_base_url="http://gw.test")
    async with seeded_gateway(settings, clock) as (client, _runtime):
        body = SPEC_EXAMPLES["curl-comprehensive"]
        created = (await client.post("/api/v0/invoices", json=body, headers=DEMO_HEADERS)).json()
        path = created["payment_link_url"].removeprefix("http://gw.test")

        page = await client.get(path)
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        for text in ("INV-000001", "17,414.25 USDC", "Cryptocurrency", "credit card", "Consulting"):
            assert text in page.text
        assert created["payment_link_expires_at"] == f"{future(61)}T00:00:00.000Z"

        assert (await client.get("/pay/" + "x" * 32)).status_code == 404
        assert (await client.get("/pay/" + "x" * 500)).status_code == 404

        clock.now += timedelta(days=61)  # the whole due date has passed
        expired = await client.get(path)
        assert expired.status_code == 410
        assert "expired" in expired.text


async def test_no_link_without_payment_link(migrated_database_url: str) -> None:
    settings = Settings(database_url=migrated_database_url)
    async with seeded_gateway(settings) as (client, _runtime):
        response = await client.post(
            "/api/v0/invoices", json=basic_invoice(payment_link=False), headers=DEMO_HEADERS
        )
        assert response.json()["payment_link_url"] is None
        assert response.json()["payment_link_expires_at"] is None
