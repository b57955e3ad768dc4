"""An invoice's events in order on every channel, under load: 20 invoices sent and paid
twice at once, through the API, while two workers deliver to a real receiver that fails
now and then. The feed lists each invoice's events in the order they happened, and the
receiver gets them in that order too: a later event of an invoice waits while an earlier
one to the same endpoint is retried (gateway.db.outbox.claim_outbox_messages)."""

from __future__ import annotations

import asyncio
import random
from collections import defaultdict
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlmodel import col, update

from gateway.db.tables import Invoice
from gateway.delivery.worker import run_once, run_worker
from gateway.runtime import Runtime
from tests.apptest import DEMO_HEADERS, seeded_gateway
from tests.delivery.harness import (
    Receiver,
    add_endpoint,
    delivery_settings,
    outbox,
    settled,
    work_until,
)
from tests.events.feed import create_invoice, pay, rest_all, send

INVOICES = 20
LIFE = ["invoice.created", "invoice.sent", "invoice.partially_paid", "invoice.paid"]


@pytest.fixture
async def gateway(migrated_database_url: str) -> AsyncIterator[tuple[httpx.AsyncClient, Runtime]]:
    settings = delivery_settings(migrated_database_url, outbox_retry_base_seconds=0.005)
    async with seeded_gateway(settings) as pair:
        yield pair


async def lifecycle(client: httpx.AsyncClient, invoice_id: str) -> None:
    assert (await send(client, invoice_id)).status_code in (200, 201)
    assert (await pay(client, invoice_id, "1000.00")).status_code == 201
    assert (await pay(client, invoice_id, "1500.00")).status_code == 201


async def test_each_invoice_in_order_on_the_feed_and_at_the_receiver(
    gateway: tuple[httpx.AsyncClient, Runtime], receiver: Receiver
) -> None:
    client, runtime = gateway
    await add_endpoint(runtime, receiver, "a")
    # One answer in four a 500 (then retried), at random places.
    rng = random.Random(14)
    receiver.answer("a", *(500 if rng.random() < 0.25 else 200 for _ in range(INVOICES * 4)))
    drafts = await asyncio.gather(
        *(create_invoice(client, status="DRAFT", partial_payment=True) for _ in range(INVOICES))
    )
    stop = asyncio.Event()
    workers = [
        asyncio.create_task(run_worker(runtime, poll_interval=0.01, stop=stop)) for _ in range(2)
    ]
    try:
        await asyncio.gather(*(lifecycle(client, draft["id"]) for draft in drafts))
        async with asyncio.timeout(60):
            await receiver.wait_for(INVOICES * 4)
    finally:
        # A worker finishes the pass it is in: every delivery's outcome gets written.
        stop.set()
        await asyncio.gather(*workers)
    assert await settled(runtime)

    # The feed: each invoice's events in the order they happened.
    feed = await rest_all(client, take=100)
    assert [item["sequence"] for item in feed] == list(range(1, INVOICES * 4 + 1))
    on_feed: dict[str, list[str]] = defaultdict(list)
    for item in feed:
        on_feed[item["invoice_id"]].append(item["type"])
    assert on_feed == {draft["id"]: LIFE for draft in drafts}

    # The receiver: every request (failed ones too) in the order it arrived, per invoice,
    # follows the sequence; each event accepted exactly once.
    assert receiver.bad_signatures == []
    seq_of = {m.id: m.seq for m in await outbox(runtime, channel="webhook")}
    arrived: dict[str, list[int | None]] = defaultdict(list)
    for delivery in receiver.requests:
        arrived[delivery.invoice_id].append(seq_of[delivery.webhook_id])
    retried = sum(len(seqs) for seqs in arrived.values()) - INVOICES * 4
    assert retried > 0  # the test would prove nothing without retries
    for invoice_id, seqs in arrived.items():
        assert seqs == sorted(seqs), (invoice_id, seqs)  # type: ignore[type-var]
    accepted: dict[str, list[str]] = defaultdict(list)
    for delivery in receiver.accepted:
        accepted[delivery.invoice_id].append(delivery.event)
    assert accepted == {draft["id"]: LIFE for draft in drafts}


async def test_a_deleted_invoice_keeps_its_order(
    gateway: tuple[httpx.AsyncClient, Runtime], receiver: Receiver
) -> None:
    """Deleting a draft takes its row (and the messages' link to it) away; the order
    holds by the resource the events are about, so invoice.deleted still waits for an
    invoice.created that is being retried, and the feed keeps both."""
    client, runtime = gateway
    await add_endpoint(runtime, receiver, "a")
    receiver.answer("a", 500, 500)
    draft = await create_invoice(client, status="DRAFT")
    async with runtime.sessions() as session:
        # Only a draft without a number is deleted.
        await session.exec(
            update(Invoice).where(col(Invoice.id) == draft["id"]).values(invoice_number="")
        )
        await session.commit()
    first_pass = await run_once(runtime)
    assert first_pass.retried == 1 and first_pass.delivered == 0
    deleted = await client.delete(f"/api/v0/invoices/{draft['id']}", headers=DEMO_HEADERS)
    assert deleted.status_code == 200, deleted.text
    await work_until(runtime, lambda: settled(runtime))
    assert [d.event for d in receiver.requests] == [
        "invoice.created",
        "invoice.created",
        "invoice.created",
        "invoice.deleted",
    ]
    feed = await rest_all(client, take=10, invoice_id=draft["id"])
    assert [item["type"] for item in feed] == ["invoice.created", "invoice.deleted"]
