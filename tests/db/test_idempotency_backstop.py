"""The database backs idempotency up: creates with one key that all get past the store
(its record lost, or a claim expired while the first was still running) race to the
unique (app, idempotency key) and end with one invoice, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func
from sqlmodel import select

from gateway.db.tables import App, Invoice, InvoiceItem, OutboxMessage
from gateway.rest.v0_invoice_body import parse_create_invoice
from gateway.runtime import Runtime
from gateway.services.create_invoice import Idempotency, create_invoice
from gateway.services.demo import DEMO_APP_ID
from tests.apptest import basic_invoice
from tests.graphql.seeding import DEMO_CALLER

RACERS = 8


@pytest.fixture
def runtime(seeded_runtime: Runtime) -> Runtime:
    return seeded_runtime


async def _count(runtime: Runtime, model: type[Invoice | InvoiceItem | OutboxMessage]) -> int:
    async with runtime.sessions() as session:
        return int((await session.exec(select(func.count()).select_from(model))).one())


async def test_racing_creates_with_one_key_make_one_invoice(runtime: Runtime) -> None:
    command = parse_create_invoice(basic_invoice(status="OPEN", delivery="EMAIL"))
    key = Idempotency(key="race-1", fingerprint="f" * 64)
    results = await asyncio.gather(
        *(create_invoice(runtime, DEMO_CALLER, command, key) for _ in range(RACERS))
    )
    assert len({result.view.invoice.id for result in results}) == 1
    assert sum(result.created for result in results) == 1
    assert await _count(runtime, Invoice) == 1
    assert await _count(runtime, InvoiceItem) == len(command.items)
    assert await _count(runtime, OutboxMessage) == 1  # one email, not one per racer
    async with runtime.sessions() as session:
        app = await session.get(App, DEMO_APP_ID)
    assert app is not None and app.invoice_counter == 1  # the losers' numbers rolled back
    assert results[0].view.invoice.invoice_number == "INV-000001"
