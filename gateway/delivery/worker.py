"""The background worker: delivers the outbox and runs the scheduler.

Any number of workers may run against one database at once:

* outbox: a worker leases due messages with one UPDATE (claim_outbox_messages), so
  no two workers hold the same message; it delivers them, then writes the outcome
  and drops the lease. While it delivers, it renews the lease every third of
  OUTBOX_LEASE_SECONDS, so a delivery may take longer than the lease; a worker that
  dies stops renewing, and its messages go to another worker once the lease runs out.
* scheduler: each step is one UPDATE ... RETURNING that changes a row only if it
  still needs the change, so exactly one worker sees each change and writes the
  event or email it causes, in the same transaction. It also deletes the events the
  log keeps no longer (EVENT_RETENTION_DAYS), in bounded batches.
* recurring invoices: due schedules are claimed locked (SKIP LOCKED), and each period
  becomes one invoice with a unique (schedule, period) row in the same transaction
  (gateway.services.recurring_runs), so a period is invoiced once however many workers
  run, and missed periods are caught up one by one.

Scheduled sends need no step of their own: their outbox rows become due at send_date.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.db import outbox as outbox_db
from gateway.db import reads
from gateway.db.availability import is_unreachable
from gateway.db.event_log import prune_events
from gateway.db.invoice_views import load_invoice_views
from gateway.db.tables import OutboxMessage
from gateway.delivery.email import deliver_email
from gateway.delivery.errors import DeliveryFailed
from gateway.delivery.webhooks import deliver_webhook
from gateway.domain.status import ALLOWED_TRANSITIONS, DeliveryMethod, InvoiceStatus
from gateway.metrics.outbox import record_claimed, record_outcome
from gateway.runtime import Runtime
from gateway.services.events import EmailKind, InvoiceEvent, emit, queue_email
from gateway.services.recurring_runs import run_due_schedules
from gateway.tracing.outbox import delivery_span, failed

log = logging.getLogger("gateway.delivery.worker")

BATCH_SIZE = 20
CONCURRENCY = 10
SCHEDULER_BATCH = 500
EVENT_PRUNE_BATCH = 1000
SCHEDULER_INTERVAL_SECONDS = 60.0
MAX_BACKOFF_SECONDS = 3600.0
# While the database is unreachable, passes wait doubling from the poll interval to this.
MAX_OUTAGE_WAIT_SECONDS = 30.0
_MAX_ERROR = 1000

_OVERDUE_FROM = sorted(
    status for status, targets in ALLOWED_TRANSITIONS.items() if InvoiceStatus.PASTDUE in targets
)


@dataclass
class WorkerCounts:
    """What one pass did; run_once returns it (tests and --once read it)."""

    overdue: int = 0
    reminders: int = 0
    recurring: int = 0
    delivered: int = 0
    retried: int = 0
    dead: int = 0
    lost_leases: int = 0
    events_pruned: int = 0

    @property
    def outcome(self) -> str:
        """What a one-message count says: delivered, retried, dead or lost_lease."""
        if self.delivered:
            return "delivered"
        if self.dead:
            return "dead"
        return "retried" if self.retried else "lost_lease"

    def add(self, other: WorkerCounts) -> None:
        for counter in fields(self):
            setattr(self, counter.name, getattr(self, counter.name) + getattr(other, counter.name))


def retry_delay(attempts: int, base_seconds: float) -> float:
    """Seconds before the next try after `attempts` failed ones: doubling from
    `base_seconds`, capped at an hour, half of it random so that messages failing
    together (an endpoint down) don't all come back at the same instant."""
    delay = min(MAX_BACKOFF_SECONDS, base_seconds * 2.0 ** min(attempts - 1, 32))
    return delay / 2 + random.uniform(0, delay / 2)  # noqa: S311 (jitter, not a secret)


# --------------------------------------------------------------------------- scheduler


async def mark_overdue(runtime: Runtime) -> int:
    """OPEN / PARTIALLYPAID invoices due before today -> PASTDUE, with invoice.overdue."""

    async def step(session: AsyncSession, now: datetime) -> list[str]:
        ids = await outbox_db.mark_invoices_past_due(
            session, _OVERDUE_FROM, InvoiceStatus.PASTDUE, now.date(), SCHEDULER_BATCH
        )
        invoices = await reads.invoices_of_any_app(session, ids)
        apps = await reads.apps_by_ids(session, list({inv.app_id for inv in invoices}))
        base_url = runtime.settings.public_base_url
        # Apps in one order in every worker: emitting locks an app's event counter until
        # commit, and two workers taking two apps' counters in opposite orders would
        # deadlock.
        for app_id, app in sorted(apps.items()):
            mine = [inv for inv in invoices if inv.app_id == app_id]
            for view in await load_invoice_views(session, app_id, app.name, mine):
                await emit(session, view, [InvoiceEvent.OVERDUE], now, base_url)
        return ids

    return await _in_batches(runtime, step)


async def queue_reminders(runtime: Runtime) -> int:
    """One reminder email per PASTDUE invoice delivered by email."""

    async def step(session: AsyncSession, now: datetime) -> list[str]:
        ids = await outbox_db.mark_reminders_due(
            session, InvoiceStatus.PASTDUE, DeliveryMethod.EMAIL, SCHEDULER_BATCH
        )
        for invoice in await reads.invoices_of_any_app(session, ids):
            queue_email(session, invoice, EmailKind.REMINDER, now, now)
        return ids

    return await _in_batches(runtime, step)


async def prune_event_log(runtime: Runtime) -> int:
    """Deletes the events older than EVENT_RETENTION_DAYS, a bounded batch per
    transaction (gateway.db.event_log.prune_events keeps each app's log without holes)."""
    before = runtime.clock() - timedelta(days=runtime.settings.event_retention_days)
    total = 0
    while True:
        async with runtime.sessions() as session:
            pruned = await prune_events(session, before, EVENT_PRUNE_BATCH)
            await session.commit()
        total += pruned
        if pruned < EVENT_PRUNE_BATCH:
            return total


async def _in_batches(
    runtime: Runtime, step: Callable[[AsyncSession, datetime], Awaitable[list[str]]]
) -> int:
    """Runs a scheduler step, one transaction a batch, until a batch comes back short."""
    total = 0
    while True:
        async with runtime.sessions() as session:
            ids = await step(session, runtime.clock())
            await session.commit()
        total += len(ids)
        if len(ids) < SCHEDULER_BATCH:
            return total


# --------------------------------------------------------------------------- outbox


@dataclass
class _Lease:
    """One claimed batch: the messages still being delivered and the time their lease
    runs to, which renewals move on. `lock` keeps a renewal and a settle from crossing
    (a settle that read the old time after the renewal wrote the new one would fail)."""

    until: datetime
    message_ids: set[str]
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


@dataclass
class OutboxProcessor:
    runtime: Runtime
    client: httpx.AsyncClient
    concurrency: int = CONCURRENCY
    batch_size: int = BATCH_SIZE
    _slots: asyncio.Semaphore = field(init=False)

    def __post_init__(self) -> None:
        self._slots = asyncio.Semaphore(self.concurrency)

    async def process_due(self) -> WorkerCounts:
        """Delivers due messages, batch after batch, until none is left to claim."""
        counts = WorkerCounts()
        # Only what was due when the pass began: a message retried in this pass waits
        # for the next one, however short its backoff.
        started = self.runtime.clock()
        while True:
            claimed, batch = await self.process_batch(due_at=started)
            counts.add(batch)
            if claimed == 0:
                return counts

    async def process_batch(self, due_at: datetime | None = None) -> tuple[int, WorkerCounts]:
        """Claims one batch of messages due at `due_at` (default: now) and delivers it;
        returns how many it claimed and the outcomes."""
        lease, messages = await self._claim(due_at or self.runtime.clock())
        counts = WorkerCounts()
        renewing = asyncio.create_task(self._keep_leased(lease))
        try:
            outcomes = await asyncio.gather(
                *(self._process(message, lease) for message in messages),
                return_exceptions=True,
            )
        finally:
            renewing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewing
        for message, outcome in zip(messages, outcomes, strict=True):
            if isinstance(outcome, BaseException):
                # Most likely the database went away while writing the outcome: the
                # lease runs out and another pass retries the message.
                if is_unreachable(outcome):
                    self.runtime.database.report_failure(outcome)
                else:
                    log.error("could not settle %s", message.id, exc_info=outcome)
                counts.add(WorkerCounts(lost_leases=1))
                record_outcome(message.channel, "lost_lease")
            else:
                counts.add(outcome)
                record_outcome(message.channel, outcome.outcome)
        return len(messages), counts

    @property
    def _lease_length(self) -> timedelta:
        return timedelta(seconds=self.runtime.settings.outbox_lease_seconds)

    async def _claim(self, due_at: datetime) -> tuple[_Lease, list[OutboxMessage]]:
        lease_until = self.runtime.clock() + self._lease_length
        async with self.runtime.sessions() as session:
            messages = await outbox_db.claim_outbox_messages(
                session, due_at, lease_until, self.batch_size
            )
            await session.commit()
        record_claimed(messages, self.runtime.clock())
        return _Lease(lease_until, {message.id for message in messages}), messages

    async def _keep_leased(self, lease: _Lease) -> None:
        """Renews the lease every third of its length until cancelled; a renewal that
        fails (the database away) is logged and tried again at the next turn."""
        interval = self.runtime.settings.outbox_lease_seconds / 3
        while lease.message_ids:
            await asyncio.sleep(interval)
            async with lease.lock:
                if not lease.message_ids:
                    return
                renewed_until = self.runtime.clock() + self._lease_length
                try:
                    async with self.runtime.sessions() as session:
                        held = await outbox_db.renew_outbox_leases(
                            session, sorted(lease.message_ids), lease.until, renewed_until
                        )
                        await session.commit()
                except Exception:
                    log.warning(
                        "could not renew the lease on %d messages",
                        len(lease.message_ids),
                        exc_info=True,
                    )
                    continue
                lease.until = renewed_until
                # Not held any more: another worker took it over (this lease had run
                # out); its settle will find out and count it lost.
                lease.message_ids.intersection_update(held)

    async def _process(self, message: OutboxMessage, lease: _Lease) -> WorkerCounts:
        async with self._slots:
            failure = await self._attempt(message)
        values, counts = self._outcome(message, failure)
        async with lease.lock:
            lease.message_ids.discard(message.id)
            async with self.runtime.sessions() as session:
                settled = await outbox_db.settle_outbox_message(
                    session, message.id, lease.until, values
                )
                await session.commit()
        if not settled:
            log.warning("lease on %s ran out before its outcome was written", message.id)
            return WorkerCounts(lost_leases=1)
        return counts

    async def _attempt(self, message: OutboxMessage) -> DeliveryFailed | None:
        if not self.runtime.settings.tracing.enabled:
            return await self._deliver(message)
        # The span joins the trace of the request that wrote the message, and the
        # webhook request carries it on (traceparent).
        with delivery_span(message) as span:
            failure = await self._deliver(message)
            if failure is not None:
                failed(span, failure.reason)
            return failure

    async def _deliver(self, message: OutboxMessage) -> DeliveryFailed | None:
        try:
            if message.channel == "webhook":
                await deliver_webhook(self.runtime, message, self.client)
            elif message.channel == "email":
                await deliver_email(self.runtime, message)
            else:
                return DeliveryFailed(f"unknown channel {message.channel!r}", retryable=False)
        except DeliveryFailed as failure:
            return failure
        except Exception as exc:
            if is_unreachable(exc):
                self.runtime.database.report_failure(exc)
                return DeliveryFailed("database unreachable", retryable=True)
            # A bug or an outage we did not foresee: log it loudly, but keep the message.
            log.exception("delivering %s failed unexpectedly", message.id)
            return DeliveryFailed(f"unexpected error: {exc!r}", retryable=True)
        return None

    def _outcome(
        self, message: OutboxMessage, failure: DeliveryFailed | None
    ) -> tuple[dict[str, Any], WorkerCounts]:
        settings = self.runtime.settings
        now = self.runtime.clock()
        attempts = message.attempts + 1
        if failure is None:
            return (
                {"status": "delivered", "attempts": attempts, "delivered_at": now},
                WorkerCounts(delivered=1),
            )
        error = failure.reason[:_MAX_ERROR]
        if not failure.retryable or attempts >= settings.outbox_max_attempts:
            log.warning("giving up on %s after %d attempts: %s", message.id, attempts, error)
            return (
                {"status": "dead", "attempts": attempts, "last_error": error},
                WorkerCounts(dead=1),
            )
        delay = timedelta(seconds=retry_delay(attempts, settings.outbox_retry_base_seconds))
        return (
            {"attempts": attempts, "last_error": error, "next_attempt_at": now + delay},
            WorkerCounts(retried=1),
        )


# --------------------------------------------------------------------------- running


def webhook_client(runtime: Runtime) -> httpx.AsyncClient:
    # trust_env=False: an HTTP(S)_PROXY from the environment would connect on our
    # behalf and skip the check of the address we connect to.
    return httpx.AsyncClient(
        timeout=runtime.settings.webhook_timeout_seconds,
        follow_redirects=False,
        trust_env=False,
        headers={"user-agent": "invoice-gateway-webhooks/1"},
    )


async def run_scheduler(runtime: Runtime) -> WorkerCounts:
    # Recurring invoices first: one already past due on catch-up is marked overdue now.
    recurring = await run_due_schedules(runtime)
    overdue = await mark_overdue(runtime)
    reminders = await queue_reminders(runtime)
    pruned = await prune_event_log(runtime)
    return WorkerCounts(
        overdue=overdue, reminders=reminders, recurring=recurring, events_pruned=pruned
    )


async def run_once(runtime: Runtime, *, client: httpx.AsyncClient | None = None) -> WorkerCounts:
    """One scheduler tick, then every message due now (not those waiting for a retry)."""
    async with contextlib.AsyncExitStack() as stack:
        if client is None:
            client = await stack.enter_async_context(webhook_client(runtime))
        counts = await run_scheduler(runtime)
        counts.add(await OutboxProcessor(runtime, client).process_due())
        return counts


async def run_worker(
    runtime: Runtime,
    *,
    once: bool = False,
    poll_interval: float = 1.0,
    stop: asyncio.Event | None = None,
    scheduler_interval: float = SCHEDULER_INTERVAL_SECONDS,
) -> WorkerCounts:
    """Polls until `stop` is set (or after one pass with `once`).

    A pass that is under way when `stop` is set finishes first, so no delivery is cut
    off between sending and recording it. Errors of one pass (the database away, say)
    are logged and the next pass tries again; while the database is unreachable that is
    one line per outage, and the passes back off (up to MAX_OUTAGE_WAIT_SECONDS).
    """
    if once:
        return await run_once(runtime)
    stop = stop or asyncio.Event()
    total = WorkerCounts()
    loop = asyncio.get_running_loop()
    next_tick = loop.time()
    async with webhook_client(runtime) as client:
        processor = OutboxProcessor(runtime, client)
        wait = poll_interval
        while not stop.is_set():
            busy = False
            try:
                if loop.time() >= next_tick:
                    total.add(await run_scheduler(runtime))
                    next_tick = loop.time() + scheduler_interval
                claimed, counts = await processor.process_batch()
                total.add(counts)
                # A full batch: more may be due, so go on without waiting (the scheduler
                # still gets its turn between batches).
                busy = claimed == processor.batch_size
                wait = poll_interval
            except Exception as exc:
                if not is_unreachable(exc):
                    log.exception("worker pass failed; retrying in %.1f s", poll_interval)
                    wait = poll_interval
                else:
                    runtime.database.report_failure(exc)
                    wait = max(poll_interval, min(wait * 2, MAX_OUTAGE_WAIT_SECONDS))
            if busy:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=wait)
    return total
