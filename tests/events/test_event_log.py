"""The event log (gateway.db.event_log, gateway.services.events) on SQLite and PostgreSQL:
every event once, numbered 1, 2, 3 ... per app, whether or not the app has webhook
endpoints; webhooks name the event they deliver; the sequence of concurrent writers is
their commit order, so a reader following the log never finds a hole behind it."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
from sqlmodel import select

from gateway.db.event_log import (
    events_after,
    last_event_seq,
    oldest_retained_seq,
    prune_events,
)
from gateway.db.tables import Event, OutboxMessage
from gateway.encoding import dumps
from gateway.runtime import Runtime
from gateway.services.demo import DEMO_APP_ID
from gateway.services.events import ResourceType, emit_resource_event
from gateway.services.tenants import create_app_with_credential
from schema.events import Event as EventType
from tests.apptest import DEMO_HEADERS, basic_invoice
from tests.delivery.harness import Receiver, add_endpoint, outbox

Gateway = tuple[httpx.AsyncClient, Runtime]


async def log_of(runtime: Runtime, app_id: str = DEMO_APP_ID) -> list[Any]:
    async with runtime.sessions() as session:
        return await events_after(
            session, app_id, after=None, types=None, invoice_id=None, limit=1000
        )


async def create_and_pay(client: httpx.AsyncClient) -> dict[str, Any]:
    response = await client.post("/api/v0/invoices", json=basic_invoice(), headers=DEMO_HEADERS)
    assert response.status_code == 201, response.text
    invoice: dict[str, Any] = response.json()
    paid = await client.post(
        f"/api/v0/invoices/{invoice['id']}/payments",
        json={"amount": "2500.00", "method": "CRYPTO", "reference": "tx-1"},
        headers=DEMO_HEADERS,
    )
    assert paid.status_code in (200, 201), paid.text
    return invoice


async def test_every_event_is_logged_once_without_any_endpoint(gateway: Gateway) -> None:
    client, runtime = gateway
    invoice = await create_and_pay(client)
    events = await log_of(runtime)
    assert [(e.seq, e.type) for e in events] == [
        (1, "invoice.created"),
        (2, "invoice.sent"),
        (3, "invoice.paid"),
    ]
    for event in events:
        assert event.id.startswith("evt_")
        assert (event.resource_type, event.resource_id) == ("invoice", invoice["id"])
        assert event.invoice_id == invoice["id"]
        assert event.data()["id"] == invoice["id"]
    assert await outbox(runtime, channel="webhook") == []
    async with runtime.sessions() as session:
        assert await last_event_seq(session, DEMO_APP_ID) == 3
        assert await oldest_retained_seq(session, DEMO_APP_ID) == 1


async def test_webhooks_name_the_event_they_deliver(gateway: Gateway, receiver: Receiver) -> None:
    client, runtime = gateway
    await add_endpoint(runtime, receiver, "a")
    await add_endpoint(runtime, receiver, "b")
    await create_and_pay(client)
    events = {event.id: event for event in await log_of(runtime)}
    messages = await outbox(runtime, channel="webhook")
    assert len(messages) == 2 * len(events) == 6
    for message in messages:
        assert message.event_id is not None
        event = events[message.event_id]
        assert (message.seq, message.event_type, message.payload) == (
            event.seq,
            event.type,
            event.payload,
        )
        assert message.invoice_id == event.invoice_id


async def test_resource_events_share_the_app_sequence_and_apps_count_apart(
    gateway: Gateway,
) -> None:
    _client, runtime = gateway
    other = await create_app_with_credential(runtime, "Other")
    now = datetime.now(UTC)
    async with runtime.sessions() as session:
        for app_id in (DEMO_APP_ID, other.app_id, DEMO_APP_ID):
            await emit_resource_event(
                session,
                app_id,
                ResourceType.TAX,
                "tax_1",
                "created",
                {"rate": Decimal("8.50")},
                now,
            )
        assert session.info["event_seqs"] == {DEMO_APP_ID: 2, other.app_id: 1}
        await session.commit()
    mine = await log_of(runtime)
    assert [(e.seq, e.type, e.invoice_id) for e in mine] == [
        (1, "tax.created", None),
        (2, "tax.created", None),
    ]
    assert [e.seq for e in await log_of(runtime, other.app_id)] == [1]


async def test_a_rolled_back_transaction_gives_its_sequences_back(gateway: Gateway) -> None:
    _client, runtime = gateway
    now = datetime.now(UTC)
    async with runtime.sessions() as session:
        await emit_resource_event(session, DEMO_APP_ID, ResourceType.TAX, "t1", "created", {}, now)
        await session.rollback()
    async with runtime.sessions() as session:
        await emit_resource_event(session, DEMO_APP_ID, ResourceType.TAX, "t2", "created", {}, now)
        await session.commit()
    assert [(e.seq, e.resource_id) for e in await log_of(runtime)] == [(1, "t2")]


async def test_filters_and_the_graphql_item(gateway: Gateway) -> None:
    client, runtime = gateway
    first = await create_and_pay(client)
    second = await create_and_pay(client)
    async with runtime.sessions() as session:
        paid = await events_after(
            session, DEMO_APP_ID, after=1, types=["invoice.paid"], invoice_id=None, limit=10
        )
        assert [(e.seq, e.invoice_id) for e in paid] == [(3, first["id"]), (6, second["id"])]
        about_second = await events_after(
            session, DEMO_APP_ID, after=None, types=None, invoice_id=second["id"], limit=1
        )
        assert [e.seq for e in about_second] == [4]
    item = EventType.from_row(paid[0])
    assert (item.sequence, item.cursor, item.type, item.invoice_id) == (
        3,
        "3",
        "invoice.paid",
        first["id"],
    )
    # The data is the webhook body's, number for number.
    assert dumps(item.data) == dumps(paid[0].data())
    assert b'"total":2500.00' in dumps(item.data)


async def test_pruning_removes_a_prefix_and_moves_the_oldest_retained(gateway: Gateway) -> None:
    _client, runtime = gateway
    start = datetime(2026, 1, 1, tzinfo=UTC)
    # Clocks of concurrent writers disagree: seq 3 was stamped before seq 2.
    stamps = [
        start,
        start + timedelta(seconds=2),
        start + timedelta(seconds=1),
        start + timedelta(days=1),
    ]
    for n, stamp in enumerate(stamps):
        async with runtime.sessions() as session:
            await emit_resource_event(
                session, DEMO_APP_ID, ResourceType.TAX, f"t{n}", "created", {}, stamp
            )
            await session.commit()
    async with runtime.sessions() as session:
        # Cut between seq 3 (1 s) and seq 2 (2 s): seq 2 goes with 3, so no hole is left.
        assert await prune_events(session, start + timedelta(seconds=1, milliseconds=500), 1) == 1
        assert await prune_events(session, start + timedelta(seconds=1, milliseconds=500), 10) == 2
        await session.commit()
        assert await oldest_retained_seq(session, DEMO_APP_ID) == 4
        assert await prune_events(session, start + timedelta(days=2), 10) == 1
        await session.commit()
        # Nothing retained: the oldest a reader can get is the next one.
        assert await oldest_retained_seq(session, DEMO_APP_ID) == 5


async def test_concurrent_writers_never_leave_a_hole_behind_a_reader(gateway: Gateway) -> None:
    """Writers hold their transaction open a random while after taking their numbers;
    were numbers handed out without the lock (a database sequence, say), one committed
    after a higher one and a reader following the log would skip it."""
    _client, runtime = gateway
    writers, per_writer = 12, 4
    total = writers * per_writer
    done = asyncio.Event()

    async def write(n: int) -> None:
        for k in range(per_writer):
            async with runtime.sessions() as session:
                await emit_resource_event(
                    session,
                    DEMO_APP_ID,
                    ResourceType.TAX,
                    f"t{n}-{k}",
                    "created",
                    {},
                    datetime.now(UTC),
                )
                await asyncio.sleep(random.uniform(0, 0.01))
                await session.commit()

    seen: list[int] = []

    async def read() -> None:
        cursor = 0
        while len(seen) < total:
            async with runtime.sessions() as session:
                page = await events_after(
                    session, DEMO_APP_ID, after=cursor, types=None, invoice_id=None, limit=7
                )
            for event in page:
                # Contiguous: the next one is always the one right after the cursor.
                assert event.seq == cursor + 1, (cursor, [e.seq for e in page])
                cursor = event.seq
                seen.append(event.seq)
            if not page:
                if done.is_set() and len(seen) < total:
                    # One last read after every writer committed.
                    continue
                await asyncio.sleep(0)

    async def writers_then_done() -> None:
        await asyncio.gather(*(write(n) for n in range(writers)))
        done.set()

    async with asyncio.timeout(30):
        await asyncio.gather(writers_then_done(), read())
    assert seen == list(range(1, total + 1))
    async with runtime.sessions() as session:
        rows = (await session.exec(select(Event.seq))).all()
        assert sorted(rows) == seen
        assert (await session.exec(select(OutboxMessage))).all() == []
