"""The worker's recurring invoices: one invoice per period through the createInvoice path,
catching up after downtime, pause and resume, template changes, and two workers over
the same schedules; SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import update
from sqlmodel import col, select

from gateway.db.tables import Customer, Invoice, OutboxMessage, RecurringInvoiceRun
from gateway.delivery.worker import run_scheduler
from gateway.domain.recurring import ScheduleStatus, UpdateRecurringInvoiceCommand
from gateway.rest.v0_recurring_body import parse_create_recurring_invoice
from gateway.runtime import Runtime
from gateway.services.access import Caller
from gateway.services.demo import CUSTOMER_ID, DEMO_APP_ID, WALLET_ID
from gateway.services.recurring_invoices import (
    create_recurring_invoice,
    get_recurring_invoice,
    pause_recurring_invoice,
    resume_recurring_invoice,
    update_recurring_invoice,
)
from gateway.services.recurring_runs import run_due_schedules
from gateway.services.webhook_endpoints import add_webhook_endpoint
from gateway.settings import Settings
from tests.apptest import DEMO_HEADERS, MovableClock, seeded_gateway

CALLER = Caller(app_id=DEMO_APP_ID, app_name="Demo", client_key="")
SCHEDULES = 100


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture
async def gateway(
    settings: Settings, clock: MovableClock
) -> AsyncIterator[tuple[httpx.AsyncClient, Runtime]]:
    async with seeded_gateway(settings, clock=clock) as pair:
        yield pair


@pytest.fixture
def runtime(gateway: tuple[httpx.AsyncClient, Runtime]) -> Runtime:
    return gateway[1]


def body(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "invoice": {
            "name": "Weekly cleaning",
            "email": "client@example.com",
            "customer_id": CUSTOMER_ID,
            "walletId": WALLET_ID,
            "items": [{"product_id": "prod_123456789", "quantity": 1}],
            "delivery": "EMAIL",
            "payment_link": True,
            "payment_methods": ["CRYPTO"],
            "status": "OPEN",
            "partial_payment": False,
        },
        "interval": "WEEKLY",
        "start_date": date.today().isoformat(),
        "days_until_due": 14,
    }
    values.update(overrides)
    return values


async def new_schedule(runtime: Runtime, **overrides: Any) -> str:
    command = parse_create_recurring_invoice(body(**overrides))
    return (await create_recurring_invoice(runtime, CALLER, command)).id


async def invoices(runtime: Runtime) -> list[Invoice]:
    async with runtime.sessions() as session:
        stmt = select(Invoice).order_by(col(Invoice.date_created), col(Invoice.invoice_number))
        return list((await session.exec(stmt)).all())


async def runs(runtime: Runtime) -> list[RecurringInvoiceRun]:
    async with runtime.sessions() as session:
        stmt = select(RecurringInvoiceRun).order_by(col(RecurringInvoiceRun.id))
        return list((await session.exec(stmt)).all())


def midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


async def test_a_worker_stopped_for_three_periods_catches_up_with_exactly_three(
    runtime: Runtime, clock: MovableClock
) -> None:
    await add_webhook_endpoint(runtime, DEMO_APP_ID, "https://93.184.216.34/recurring")
    today = date.today()
    schedule_id = await new_schedule(runtime)
    clock.now += timedelta(days=20)  # periods of today, today + 7 and today + 14
    counts = await run_scheduler(runtime)
    assert counts.recurring == 3
    made = await invoices(runtime)
    days = [today, today + timedelta(days=7), today + timedelta(days=14)]
    assert [invoice.date_created for invoice in made] == [midnight(day) for day in days]
    assert [invoice.due_date for invoice in made] == [day + timedelta(days=14) for day in days]
    assert len({invoice.invoice_number for invoice in made}) == 3
    assert {invoice.name for invoice in made} == {"Weekly cleaning"}
    # Due dates gone by on catch-up: the same pass marks them overdue.
    assert [invoice.status for invoice in made] == ["PASTDUE", "OPEN", "OPEN"]
    assert [(run.period, run.run_date) for run in await runs(runtime)] == list(
        zip(range(3), days, strict=True)
    )
    async with runtime.sessions() as session:
        stmt = select(OutboxMessage).where(col(OutboxMessage.invoice_id).is_not(None))
        messages = list((await session.exec(stmt)).all())
    created = [m.invoice_id for m in messages if m.event_type == "invoice.created"]
    emails = [m.invoice_id for m in messages if m.channel == "email" and m.event_type == "invoice"]
    assert sorted(created) == sorted(emails) == sorted(invoice.id for invoice in made)
    schedule = await get_recurring_invoice(runtime, CALLER, schedule_id)
    assert schedule.invoices_generated == 3
    assert schedule.last_invoice_id == made[-1].id
    assert schedule.next_run_at == midnight(today + timedelta(days=21))
    # Nothing more is due: another pass makes nothing.
    assert await run_due_schedules(runtime) == 0
    assert len(await invoices(runtime)) == 3


async def test_a_schedule_completes_after_its_count(runtime: Runtime, clock: MovableClock) -> None:
    schedule_id = await new_schedule(runtime, count=2)
    clock.now += timedelta(days=30)
    assert await run_due_schedules(runtime) == 2
    schedule = await get_recurring_invoice(runtime, CALLER, schedule_id)
    assert schedule.status == ScheduleStatus.COMPLETED
    assert schedule.next_run_at is None and schedule.invoices_generated == 2


async def test_a_paused_schedule_makes_nothing_and_skips_what_it_missed(
    runtime: Runtime, clock: MovableClock
) -> None:
    today = date.today()
    schedule_id = await new_schedule(runtime)
    await pause_recurring_invoice(runtime, CALLER, schedule_id)
    clock.now += timedelta(days=20)
    assert await run_due_schedules(runtime) == 0
    resumed = await resume_recurring_invoice(runtime, CALLER, schedule_id)
    # Periods 0, 1 and 2 went by while paused: the next is period 3.
    assert resumed.next_period == 3
    assert resumed.next_run_at == midnight(today + timedelta(days=21))
    assert await run_due_schedules(runtime) == 0
    clock.now += timedelta(days=1)
    assert await run_due_schedules(runtime) == 1
    assert [invoice.date_created for invoice in await invoices(runtime)] == [
        midnight(today + timedelta(days=21))
    ]


async def test_a_template_change_applies_to_the_periods_to_come(
    runtime: Runtime, clock: MovableClock
) -> None:
    schedule_id = await new_schedule(runtime)
    assert await run_due_schedules(runtime) == 1
    new_template = parse_create_recurring_invoice(
        body(invoice={**body()["invoice"], "name": "Deep cleaning"})
    ).template
    changes = UpdateRecurringInvoiceCommand(template=new_template, days_until_due=3)
    await update_recurring_invoice(runtime, CALLER, schedule_id, changes)
    clock.now += timedelta(days=7)
    assert await run_due_schedules(runtime) == 1
    first, second = await invoices(runtime)
    assert (first.name, second.name) == ("Weekly cleaning", "Deep cleaning")
    assert second.due_date - first.due_date == timedelta(days=7 - 11)


async def test_a_template_that_can_no_longer_be_invoiced_pauses_the_schedule(
    runtime: Runtime, clock: MovableClock
) -> None:
    schedule_id = await new_schedule(runtime)
    async with runtime.sessions() as session:
        await session.exec(
            update(Customer).where(col(Customer.id) == CUSTOMER_ID).values(status="BLACKLISTED")
        )
        await session.commit()
    assert await run_due_schedules(runtime) == 0
    schedule = await get_recurring_invoice(runtime, CALLER, schedule_id)
    assert schedule.status == ScheduleStatus.PAUSED and schedule.next_run_at is None
    assert schedule.paused_reason is not None and "BLACKLISTED" in schedule.paused_reason
    assert await invoices(runtime) == []


async def test_two_workers_over_schedules_due_in_the_same_minute_make_each_invoice_once(
    runtime: Runtime, settings: Settings, clock: MovableClock
) -> None:
    for _ in range(SCHEDULES):
        await new_schedule(runtime)
    second = Runtime.open(settings, clock)
    try:
        made = await asyncio.gather(
            run_due_schedules(runtime, batch=10), run_due_schedules(second, batch=10)
        )
    finally:
        await second.close()
    assert sum(made) == SCHEDULES
    numbers = sorted(invoice.invoice_number for invoice in await invoices(runtime))
    assert len(numbers) == SCHEDULES
    counters = [int(number.removeprefix("INV-")) for number in numbers]
    assert counters == list(range(counters[0], counters[0] + SCHEDULES))
    assert len({(run.recurring_invoice_id, run.period) for run in await runs(runtime)}) == SCHEDULES


async def test_a_discounted_free_form_template_makes_invoices_with_its_lines_and_discounts(
    gateway: tuple[httpx.AsyncClient, Runtime], clock: MovableClock
) -> None:
    client, runtime = gateway
    template = {
        **body()["invoice"],
        "items": [
            {
                "product_id": "prod_123456789",  # 2500.00
                "quantity": 1,
                "discount": {"type": "FIXED", "value": 50},
            },
            {
                "description": "Garden care",
                "unit_price": 200,
                "quantity": 1.5,
                "discount": {"type": "PERCENTAGE", "value": 12.5},
            },
        ],
        "discount": {"type": "PERCENTAGE", "value": 10},
    }
    response = await client.post(
        "/api/v0/recurring_invoices", json=body(invoice=template), headers=DEMO_HEADERS
    )
    assert response.status_code == 201, response.text
    clock.now += timedelta(days=7)  # two weekly periods
    assert (await run_scheduler(runtime)).recurring == 2
    made = await invoices(runtime)
    assert len(made) == 2
    # What createInvoice makes of the same body is what the worker made.
    by_hand = await client.post(
        "/api/v0/invoices",
        json={**template, "due_date": made[1].due_date.isoformat()},
        headers=DEMO_HEADERS,
    )
    assert by_hand.status_code == 201, by_hand.text
    amounts = ("subtotal", "discount", "discount_amount", "tax_amount", "total", "amount_due")
    line_keys = ("productId", "name", "quantity", "unit_price", "line_total", "discount")
    line_keys += ("discount_amount", "invoice_discount_amount", "net_total")
    expected = by_hand.json()
    for invoice in made:
        fetched = await client.get(f"/api/v0/invoices/{invoice.id}", headers=DEMO_HEADERS)
        shown = fetched.json()
        assert {k: shown[k] for k in amounts} == {k: expected[k] for k in amounts}
        assert [{k: line[k] for k in line_keys} for line in shown["items"]] == [
            {k: line[k] for k in line_keys} for line in expected["items"]
        ]
    # 2500 - 50 = 2450; 300 - 12.5% = 262.50; 10% of 2712.50 = 271.25 off.
    assert expected["subtotal"] == 2800 and expected["total"] == 2441.25
    assert expected["discount"] == {"type": "PERCENTAGE", "value": 10}
    assert expected["discount_amount"] == 358.75
    free_form = expected["items"][1]
    assert (free_form["productId"], free_form["name"]) == (None, "Garden care")
    assert (free_form["unit_price"], free_form["discount_amount"]) == (200, 37.5)
