"""The worker leaves VOID and UNCOLLECTIBLE invoices alone: never marked past due, no
reminder, and an invoice email that was waiting for its send date is not sent once the
invoice is void."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from gateway.delivery.worker import run_once
from gateway.settings import Settings
from tests.apptest import DEMO_HEADERS, MovableClock, basic_invoice, seeded_gateway
from tests.delivery.harness import outbox
from tests.delivery.test_worker import clock_at


async def test_void_and_uncollectible_invoices_are_not_chased(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    clock = MovableClock()
    today = clock.now.date()
    async with seeded_gateway(settings, clock) as (client, runtime):
        ids = {}
        for action in ("void", "mark_uncollectible", None):
            body = basic_invoice(
                send_date=(today + timedelta(days=2)).isoformat(),
                due_date=(today + timedelta(days=5)).isoformat(),
            )
            created = await client.post("/api/v0/invoices", json=body, headers=DEMO_HEADERS)
            invoice_id = created.json()["id"]
            ids[action] = invoice_id
            if action is not None:
                path = f"/api/v0/invoices/{invoice_id}/{action}"
                assert (await client.post(path, headers=DEMO_HEADERS)).status_code == 200

        with caplog.at_level(logging.INFO), clock_at(clock, today + timedelta(days=2)):
            await run_once(runtime)
        skipped = [r.getMessage() for r in caplog.records if "skipped" in r.getMessage()]
        assert skipped == ["invoice email skipped, invoice INV-000001 is void"]
        assert {m.status for m in await outbox(runtime, channel="email")} == {"delivered"}

        with clock_at(clock, today + timedelta(days=6)):
            counts = await run_once(runtime)
        assert (counts.overdue, counts.reminders) == (1, 1)  # the third invoice only
        for action, status in (("void", "VOID"), ("mark_uncollectible", "UNCOLLECTIBLE")):
            fetched = await client.get(f"/api/v0/invoices/{ids[action]}", headers=DEMO_HEADERS)
            assert (fetched.json()["status"], fetched.json()["reminder_sent"]) == (status, False)
        reminders = await outbox(runtime, channel="email", event_type="reminder")
        assert [m.invoice_id for m in reminders] == [ids[None]]
