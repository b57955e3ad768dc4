"""The worker: leases, retries, the scheduler, and several workers at once."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal

import httpx
import pytest
from sqlmodel import col, select

from gateway.db import outbox as outbox_db
from gateway.db.tables import Invoice, OutboxMessage, WebhookAttempt
from gateway.delivery import worker
from gateway.delivery.worker import (
    OutboxProcessor,
    WorkerCounts,
    retry_delay,
    run_once,
    run_scheduler,
    run_worker,
    webhook_client,
)
from gateway.runtime import Runtime
from gateway.services.demo import CUSTOMER_ID, DEMO_APP_ID, WALLET_ID
from gateway.settings import Settings
from tests.apptest import DEMO_HEADERS, MovableClock, basic_invoice, seeded_gateway
from tests.delivery.harness import (
    Receiver,
    add_endpoint,
    delivery_settings,
    outbox,
    settled,
    work_until,
)
from tests.servers import free_port

Gateway = tuple[httpx.AsyncClient, Runtime]
OVERDUE_INVOICES = 100


@pytest.fixture
async def second_worker(settings: Settings) -> AsyncIterator[Runtime]:
    """Another worker's runtime: its own engine and connection pool."""
    runtime = Runtime.open(settings)
    try:
        yield runtime
    finally:
        await runtime.close()


async def insert_overdue(
    runtime: Runtime, count: int, *, email_every: int | None = None
) -> list[str]:
    """OPEN / PARTIALLYPAID invoices whose due date has passed, as if created days ago;
    every `email_every`-th one is delivered by EMAIL, the others MANUALLY."""
    now = runtime.clock()
    invoices = [
        Invoice(
            id=f"inv_overdue_{n:04d}",
            app_id=DEMO_APP_ID,
            invoice_number=f"OD-{n:04d}",
            name=f"Overdue {n}",
            email="client@example.com",
            customer_id=CUSTOMER_ID,
            wallet_id=WALLET_ID,
            due_date=now.date() - timedelta(days=1 + n % 5),
            date_created=now - timedelta(days=10),
            status="OPEN" if n % 2 else "PARTIALLYPAID",
            payment_methods=["CRYPTO"],
            delivery="EMAIL" if email_every and n % email_every == 0 else "MANUALLY",
            subtotal=Decimal("100.00"),
            tax_amount=Decimal("0.00"),
            total=Decimal("100.00"),
            amount_paid=Decimal("0.00") if n % 2 else Decimal("40.00"),
            sent_at=now - timedelta(days=10),
        )
        for n in range(count)
    ]
    async with runtime.sessions() as session:
        session.add_all(invoices)
        await session.commit()
    return [invoice.id for invoice in invoices]


async def statuses(runtime: Runtime) -> Counter[str]:
    async with runtime.sessions() as session:
        return Counter((await session.exec(select(Invoice.status))).all())


async def webhook_attempt_count(runtime: Runtime) -> int:
    async with runtime.sessions() as session:
        return len((await session.exec(select(WebhookAttempt.id))).all())


def assert_overdue_once(
    ids: list[str], messages: list[OutboxMessage], receiver: Receiver, endpoints: list[str]
) -> None:
    """One invoice.overdue per invoice per endpoint: in the outbox and at the receiver."""
    overdue = [m for m in messages if m.event_type == "invoice.overdue"]
    per_pair = Counter((m.invoice_id, m.endpoint_id) for m in overdue)
    assert len(per_pair) == len(ids) * len(endpoints)
    assert set(per_pair.values()) == {1}
    assert {m.status for m in overdue} == {"delivered"}

    assert receiver.bad_signatures == []
    got = [d for d in receiver.requests if d.event == "invoice.overdue"]
    # No message was sent twice (two workers never held the same one) ...
    assert len({d.webhook_id for d in got}) == len(got)
    # ... and every invoice reached every endpoint once, already PASTDUE in its payload.
    arrived = Counter((d.invoice_id, d.path) for d in got)
    assert arrived == Counter({(i, path): 1 for i in ids for path in endpoints})
    assert {d.body["data"]["status"] for d in got} == {"PASTDUE"}


# --------------------------------------------------------------------------- several workers


async def test_two_workers_emit_overdue_once_per_invoice_and_endpoint(
    gateway: Gateway, second_worker: Runtime, receiver: Receiver
) -> None:
    _client, runtime = gateway
    await add_endpoint(runtime, receiver, "a")
    await add_endpoint(runtime, receiver, "b")
    ids = await insert_overdue(runtime, OVERDUE_INVOICES, email_every=None)
    workers = (runtime, second_worker)

    ticks = await asyncio.gather(*(run_scheduler(rt) for rt in workers))

    assert sum(tick.overdue for tick in ticks) == OVERDUE_INVOICES
    assert await statuses(runtime) == Counter({"PASTDUE": OVERDUE_INVOICES})
    assert len(await outbox(runtime, status="pending")) == 2 * OVERDUE_INVOICES

    async with webhook_client(runtime) as one, webhook_client(second_worker) as other:
        drained = await asyncio.gather(
            OutboxProcessor(runtime, one).process_due(),
            OutboxProcessor(second_worker, other).process_due(),
        )

    assert sum(counts.delivered for counts in drained) == 2 * OVERDUE_INVOICES
    assert_overdue_once(ids, await outbox(runtime, channel="webhook"), receiver, ["a", "b"])
    assert await webhook_attempt_count(runtime) == 2 * OVERDUE_INVOICES
    # Nothing is left to do: more passes, together, change nothing.
    again = await asyncio.gather(*(run_once(rt) for rt in workers))
    assert again == [WorkerCounts(), WorkerCounts()]


async def test_two_polling_workers_share_the_outbox(
    gateway: Gateway, second_worker: Runtime, receiver: Receiver
) -> None:
    _client, runtime = gateway
    await add_endpoint(runtime, receiver, "a")
    ids = await insert_overdue(runtime, OVERDUE_INVOICES, email_every=None)
    stop = asyncio.Event()
    workers = [
        asyncio.create_task(run_worker(rt, poll_interval=0.01, stop=stop))
        for rt in (runtime, second_worker)
    ]
    try:
        async with asyncio.timeout(30):
            await receiver.wait_for(OVERDUE_INVOICES)
    finally:
        stop.set()
        counts = await asyncio.gather(*workers)

    assert sum(c.overdue for c in counts) == OVERDUE_INVOICES
    assert sum(c.delivered for c in counts) == OVERDUE_INVOICES
    assert sum(c.lost_leases for c in counts) == 0
    assert_overdue_once(ids, await outbox(runtime, channel="webhook"), receiver, ["a"])


async def test_two_workers_queue_one_reminder_per_overdue_email_invoice(
    gateway: Gateway, second_worker: Runtime
) -> None:
    _client, runtime = gateway
    ids = await insert_overdue(runtime, OVERDUE_INVOICES, email_every=2)
    by_email = set(ids[::2])

    counts = await asyncio.gather(run_once(runtime), run_once(second_worker))

    assert sum(c.reminders for c in counts) == len(by_email)
    reminders = await outbox(runtime, channel="email", event_type="reminder")
    assert Counter(m.invoice_id for m in reminders) == Counter(dict.fromkeys(by_email, 1))
    # SMTP_URL is unset, so deliver_email logs each one and that counts as delivered.
    await work_until(runtime, lambda: settled(runtime))
    assert {m.status for m in await outbox(runtime, channel="email")} == {"delivered"}
    async with runtime.sessions() as session:
        flagged = (await session.exec(select(Invoice.id).where(Invoice.reminder_sent))).all()
    assert set(flagged) == by_email
    again = await asyncio.gather(run_once(runtime), run_once(second_worker))
    assert sum(c.reminders for c in again) == 0


async def test_marking_overdue_and_reminding_each_move_the_version(gateway: Gateway) -> None:
    _client, runtime = gateway
    ids = await insert_overdue(runtime, 4, email_every=2)
    await run_scheduler(runtime)
    await run_scheduler(runtime)  # nothing left to mark: no version moves
    async with runtime.sessions() as session:
        rows = (await session.exec(select(Invoice.id, Invoice.version))).all()
    # PASTDUE: version 2; the EMAIL ones' reminder too: version 3.
    assert dict(rows) == {invoice_id: 3 if n % 2 == 0 else 2 for n, invoice_id in enumerate(ids)}


@pytest.mark.postgres
async def test_two_worker_processes_on_postgres(postgres_url: str, receiver: Receiver) -> None:
    from gateway.db.migrate import upgrade
    from tests.servers import run_in_thread

    run_in_thread(upgrade, postgres_url)
    async with seeded_gateway(delivery_settings(postgres_url)) as (_client, runtime):
        await add_endpoint(runtime, receiver, "a")
        await add_endpoint(runtime, receiver, "b")
        ids = await insert_overdue(runtime, OVERDUE_INVOICES, email_every=4)

        env = {
            **os.environ,
            "DATABASE_URL": postgres_url,
            "ALLOW_PRIVATE_WEBHOOK_URLS": "1",
            "LOG_LEVEL": "warning",
        }
        env.pop("SMTP_URL", None)
        procs = [
            await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "gateway.cli",
                "worker",
                "--once",
                env=env,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
            for _ in range(2)
        ]
        outputs = [await proc.communicate() for proc in procs]
        for proc, (_out, err) in zip(procs, outputs, strict=True):
            assert proc.returncode == 0, err.decode()
        counts = [json.loads(out) for out, _err in outputs]

        assert sum(c["overdue"] for c in counts) == OVERDUE_INVOICES
        assert sum(c["reminders"] for c in counts) == OVERDUE_INVOICES // 4
        assert await statuses(runtime) == Counter({"PASTDUE": OVERDUE_INVOICES})
        assert await settled(runtime)
        assert_overdue_once(ids, await outbox(runtime, channel="webhook"), receiver, ["a", "b"])
        reminders = await outbox(runtime, channel="email", event_type="reminder")
        assert sorted(m.invoice_id for m in reminders) == sorted(ids[::4])


# --------------------------------------------------------------------------- leases


async def test_a_leased_message_is_not_claimed_again_until_the_lease_ends(
    gateway: Gateway, second_worker: Runtime
) -> None:
    client, runtime = gateway
    response = await client.post(
        "/api/v0/invoices", json=basic_invoice(status="OPEN"), headers=DEMO_HEADERS
    )
    assert response.status_code == 201
    now = runtime.clock()
    lease = now + timedelta(minutes=5)
    async with runtime.sessions() as session:
        claimed = await outbox_db.claim_outbox_messages(session, now, lease, 10)
        await session.commit()
    assert [m.channel for m in claimed] == ["email"]
    async with second_worker.sessions() as session:
        assert await outbox_db.claim_outbox_messages(session, now, lease, 10) == []
        # Once the lease has run out (its worker died), another worker takes over ...
        later = lease + timedelta(seconds=1)
        taken = await outbox_db.claim_outbox_messages(
            session, later, later + timedelta(minutes=5), 10
        )
        await session.commit()
    assert [m.id for m in taken] == [claimed[0].id]
    # ... and the first worker's late outcome no longer counts.
    async with runtime.sessions() as session:
        assert not await outbox_db.settle_outbox_message(
            session, claimed[0].id, lease, {"status": "delivered"}
        )
        await session.commit()


async def test_an_unexpected_error_is_retried(
    gateway: Gateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, runtime = gateway

    async def broken(_runtime: Runtime, _message: OutboxMessage) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(worker, "deliver_email", broken)
    response = await client.post(
        "/api/v0/invoices", json=basic_invoice(status="OPEN"), headers=DEMO_HEADERS
    )
    assert response.status_code == 201

    counts = await run_once(runtime)

    assert counts.retried == 1
    [email] = await outbox(runtime, channel="email")
    assert (email.status, email.attempts, email.locked_until) == ("pending", 1, None)
    assert email.last_error == "unexpected error: RuntimeError('boom')"
    assert email.next_attempt_at > email.created_at


def test_retry_delay_doubles_with_jitter_and_is_capped() -> None:
    for attempts, full in [(1, 5.0), (2, 10.0), (4, 40.0), (12, 3600.0), (5000, 3600.0)]:
        delays = [retry_delay(attempts, 5.0) for _ in range(200)]
        assert all(full / 2 <= d <= full for d in delays)
        assert max(delays) - min(delays) > 0


# --------------------------------------------------------------------------- time passing


@contextmanager
def clock_at(clock: MovableClock, day: date) -> Iterator[None]:
    previous = clock.now
    clock.now = clock.now.replace(year=day.year, month=day.month, day=day.day)
    try:
        yield
    finally:
        clock.now = previous


async def test_time_passing_makes_invoices_overdue_and_sends_scheduled_emails(
    settings: Settings, receiver: Receiver
) -> None:
    clock = MovableClock()
    today = clock.now.date()
    async with seeded_gateway(settings, clock) as (client, runtime):
        await add_endpoint(runtime, receiver, "a")
        body = basic_invoice(
            status="OPEN",
            send_date=(today + timedelta(days=2)).isoformat(),
            due_date=(today + timedelta(days=5)).isoformat(),
        )
        response = await client.post("/api/v0/invoices", json=body, headers=DEMO_HEADERS)
        assert response.status_code == 201

        first = await run_once(runtime)
        assert (first.overdue, first.delivered) == (0, 2)  # created, sent; email waits
        [email] = await outbox(runtime, channel="email")
        assert email.status == "pending"

        with clock_at(clock, today + timedelta(days=2)):
            assert (await run_once(runtime)).delivered == 1
        [email] = await outbox(runtime, channel="email")
        assert email.status == "delivered"

        with clock_at(clock, today + timedelta(days=5)):  # the due date itself: not yet
            assert (await run_once(runtime)).overdue == 0
        with clock_at(clock, today + timedelta(days=6)):
            counts = await run_once(runtime)
        assert (counts.overdue, counts.reminders, counts.delivered) == (1, 1, 2)
        events = [d.event for d in receiver.accepted]
        assert sorted(events[:2]) == ["invoice.created", "invoice.sent"]
        assert events[2:] == ["invoice.overdue"]


async def test_run_worker_stops_when_asked(gateway: Gateway) -> None:
    _client, runtime = gateway
    stop = asyncio.Event()
    task = asyncio.create_task(run_worker(runtime, poll_interval=30, stop=stop))
    await asyncio.sleep(0.2)
    stop.set()
    async with asyncio.timeout(5):
        await task
    assert not await outbox(runtime, status="pending")


async def test_overdue_leaves_paid_draft_and_future_invoices_alone(gateway: Gateway) -> None:
    _client, runtime = gateway
    ids = await insert_overdue(runtime, 4)
    async with runtime.sessions() as session:
        for invoice_id, status in zip(ids, ["PAID", "DRAFT", "PASTDUE", "OPEN"], strict=True):
            invoice = await session.get(Invoice, invoice_id)
            assert invoice is not None
            invoice.status = status
            if invoice_id == ids[3]:
                invoice.due_date = runtime.clock().date()  # due today: not overdue yet
            session.add(invoice)
        await session.commit()

    counts = await run_once(runtime)

    assert counts.overdue == 0
    async with runtime.sessions() as session:
        rows = (await session.exec(select(Invoice.status).order_by(col(Invoice.id)))).all()
    assert list(rows) == ["PAID", "DRAFT", "PASTDUE", "OPEN"]


async def test_an_unreachable_database_is_logged_once_and_backed_off_from(
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = Settings(database_url=f"postgresql+asyncpg://gateway@127.0.0.1:{free_port()}/x")
    runtime = Runtime.open(settings)
    stop = asyncio.Event()
    try:
        with caplog.at_level(logging.INFO):
            task = asyncio.create_task(run_worker(runtime, poll_interval=0.05, stop=stop))
            await asyncio.sleep(1.5)
            stop.set()
            await asyncio.wait_for(task, timeout=10)  # it kept going, and stops when asked
    finally:
        await runtime.close()
    logged = [
        r
        for r in caplog.records
        if r.levelno >= logging.WARNING and r.name not in ("gateway.store", "gateway.secrets")
    ]
    assert [r.getMessage().split(" (")[0] for r in logged] == ["database unreachable"]
    assert logged[0].exc_info is None
    # 0.05 s between passes would be ~30 passes; doubling waits make it about six.
    assert 2 <= runtime.database.failures <= 8


async def test_a_live_workers_long_delivery_is_not_taken_over(
    gateway: Gateway, second_worker: Runtime, receiver: Receiver
) -> None:
    """The delivery takes three leases' time; the worker renews its lease meanwhile, so
    the other worker, polling all along, never claims the message: one request."""
    client, runtime = gateway
    short = Settings(
        **{**vars(runtime.settings), "outbox_lease_seconds": 1.0, "webhook_timeout_seconds": 20.0}
    )
    first = Runtime(short, runtime.engine, runtime.sessions, runtime.store, runtime.clock)
    other = Runtime(
        short, second_worker.engine, second_worker.sessions, second_worker.store, runtime.clock
    )
    await add_endpoint(runtime, receiver, "slow")
    receiver.hang("slow", seconds=3.0)
    response = await client.post(
        "/api/v0/invoices", json=basic_invoice(status="DRAFT"), headers=DEMO_HEADERS
    )
    assert response.status_code == 201

    delivering = asyncio.create_task(run_once(first))
    async with asyncio.timeout(15):
        await receiver.wait_for_requests(1)  # the first worker holds it; the receiver waits
    stop = asyncio.Event()
    polling = asyncio.create_task(run_worker(other, poll_interval=0.05, stop=stop))
    try:
        counts = await delivering
    finally:
        stop.set()
        other_counts = await polling
    assert counts.delivered == 1 and counts.lost_leases == 0
    assert other_counts.delivered == 0
    assert len(receiver.requests) == 1
    [message] = await outbox(runtime, channel="webhook")
    assert message.status == "delivered" and message.attempts == 1


@pytest.mark.postgres
async def test_a_killed_workers_message_goes_to_another_worker_within_the_lease(
    postgres_url: str, receiver: Receiver
) -> None:
    """A worker process is SIGKILLed while a slow receiver holds its delivery: it stops
    renewing, and another worker delivers the message once the short lease runs out
    (not after minutes)."""
    from gateway.db.migrate import upgrade
    from tests.servers import run_in_thread

    lease_seconds = 2.0
    run_in_thread(upgrade, postgres_url)
    settings = delivery_settings(postgres_url, outbox_lease_seconds=lease_seconds)
    async with seeded_gateway(settings) as (client, runtime):
        await add_endpoint(runtime, receiver, "slow")
        receiver.hang("slow", seconds=120.0)  # the killed worker's request never ends
        response = await client.post(
            "/api/v0/invoices", json=basic_invoice(status="DRAFT"), headers=DEMO_HEADERS
        )
        assert response.status_code == 201
        env = {
            **os.environ,
            "DATABASE_URL": postgres_url,
            "ALLOW_PRIVATE_WEBHOOK_URLS": "1",
            "OUTBOX_LEASE_SECONDS": str(lease_seconds),
            "WEBHOOK_TIMEOUT_SECONDS": "300",
            "LOG_LEVEL": "warning",
        }
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "gateway.cli", "worker", "--poll-interval", "0.1", env=env
        )
        try:
            async with asyncio.timeout(60):
                await receiver.wait_for_requests(1)  # the worker process is delivering
        finally:
            proc.kill()
            await proc.wait()
        killed_at = asyncio.get_running_loop().time()

        await work_until(runtime, lambda: settled(runtime))  # fails after 15 s
        taken_over_after = asyncio.get_running_loop().time() - killed_at

        [message] = await outbox(runtime, channel="webhook")
    assert message.status == "delivered" and message.attempts == 1  # the kill wrote nothing
    assert [d.webhook_id for d in receiver.accepted] == [message.id]
    assert len(receiver.requests) == 2  # the same webhook-id, sent again
    assert taken_over_after < 15  # the lease (2 s) and a pass, with room; not 5 minutes
