"""The worker's half of recurring invoices: every period that has come becomes one
invoice, through the createInvoice path (numbering, pricing, invoice.created, the email).

Exactly once per period, with any number of workers: a worker claims due schedules
locked (gateway.db.recurring_invoices.claim_due_schedules, SKIP LOCKED on PostgreSQL,
the write lock on SQLite), and writes each invoice, its (schedule, period) run row
(unique) and the schedule's next period in one transaction. A schedule whose runs fell
behind (no worker for three periods) gets one invoice per missed period, one period per
batch, each dated for its own period.

A template that can no longer be invoiced (its customer deleted, a product inactive) is
paused with the reason in `paused_reason` and a recurring_invoice.paused event, rather
than tried again every pass.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.db import reads
from gateway.db.recurring_invoices import claim_due_schedules
from gateway.db.rows import AppRow
from gateway.db.tables import RecurringInvoice, RecurringInvoiceRun
from gateway.domain.errors import GatewayError
from gateway.domain.recurring import InvoiceTemplate, ScheduleStatus, due_date_for
from gateway.runtime import Runtime
from gateway.services.access import Caller
from gateway.services.create_invoice import write_invoice
from gateway.services.pricing import price_invoice
from gateway.services.recurring_invoices import (
    cadence_of,
    emit_schedule_event,
    run_moment,
    schedule_next,
)

log = logging.getLogger("gateway.services.recurring_runs")

RUN_BATCH = 50
_MAX_REASON = 500


async def run_due_schedules(runtime: Runtime, batch: int = RUN_BATCH) -> int:
    """Invoices every period due now, one transaction per batch of schedules; returns
    how many invoices it made."""
    made = 0
    while True:
        async with runtime.sessions() as session:
            now = runtime.clock()
            schedules = await claim_due_schedules(session, now, batch)
            if not schedules:
                return made
            apps = await reads.apps_by_ids(session, [s.app_id for s in schedules])
            for schedule in schedules:
                made += await _run_period(session, runtime, schedule, apps[schedule.app_id], now)
            await session.commit()


async def _run_period(
    session: AsyncSession,
    runtime: Runtime,
    schedule: RecurringInvoice,
    app: AppRow,
    now: datetime,
) -> int:
    period = schedule.next_period
    run_date = cadence_of(schedule).run_date(period)
    template = InvoiceTemplate.from_stored(schedule.template)
    command = template.command(due_date_for(run_date, schedule.days_until_due))
    try:
        # Pricing only reads: nothing of this schedule is written if it fails.
        priced = await price_invoice(session, app.id, command)
    except GatewayError as exc:
        log.warning("recurring invoice %s paused: %s", schedule.id, exc.message)
        schedule.status = ScheduleStatus.PAUSED.value
        schedule.next_run_at = None
        schedule.paused_reason = exc.message[:_MAX_REASON]
        schedule.updated_at = now
        await emit_schedule_event(session, schedule, "paused", now)
        return 0
    caller = Caller(app_id=app.id, app_name=app.name, client_key="")
    dated = run_moment(run_date)
    view = await write_invoice(session, runtime, caller, command, priced, now, dated=dated)
    session.add(
        RecurringInvoiceRun(
            app_id=app.id,
            recurring_invoice_id=schedule.id,
            period=period,
            run_date=run_date,
            invoice_id=view.invoice.id,
            created_at=now,
        )
    )
    schedule.invoices_generated += 1
    schedule.last_invoice_id = view.invoice.id
    schedule.updated_at = now
    schedule_next(schedule, period + 1)
    return 1
