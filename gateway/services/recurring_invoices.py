"""An app's recurring invoices: create, read, list, change, pause, resume and cancel a
schedule, each in one transaction with its recurring_invoice.* event. The worker's half,
making the invoices, is gateway.services.recurring_runs.

A template is priced when it is stored (create, update), so one that names a missing
customer or product is refused then; a change applies to the periods not yet invoiced.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time

from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.db import reads
from gateway.db.recurring_invoices import RECURRING_INVOICES, lock_schedule
from gateway.db.resource_pages import NEWEST_FIRST
from gateway.db.rows import RecurringInvoiceRow, row_of
from gateway.db.tables import RecurringInvoice
from gateway.domain.errors import InvalidInput, RecurringInvoiceNotFound
from gateway.domain.problems import Problem
from gateway.domain.recurring import (
    Cadence,
    CreateRecurringInvoiceCommand,
    Interval,
    InvoiceTemplate,
    Limits,
    ScheduleAction,
    ScheduleStatus,
    UpdateRecurringInvoiceCommand,
    check_action,
    due_date_for,
    next_run,
)
from gateway.domain.recurring_rules import checked_create, checked_update
from gateway.runtime import Runtime
from gateway.services.access import Caller
from gateway.services.events import ResourceType, emit_resource_event
from gateway.services.pricing import price_invoice
from gateway.services.recurring_json import render_recurring_invoice

NO_PERIOD = Problem(("end_date",), "NO_PERIOD", "leaves no period to invoice")


def run_moment(run_date: date | None) -> datetime | None:
    """When a period runs: 00:00 UTC of its day."""
    return None if run_date is None else datetime.combine(run_date, time.min, tzinfo=UTC)


def cadence_of(schedule: RecurringInvoice | RecurringInvoiceRow) -> Cadence:
    return Cadence(Interval(schedule.interval), schedule.anchor_day, schedule.start_date)


def limits_of(schedule: RecurringInvoice | RecurringInvoiceRow) -> Limits:
    return Limits(schedule.end_date, schedule.period_count)


def schedule_next(schedule: RecurringInvoice, period: int) -> None:
    """Sets the next period to `period`: its run time, or COMPLETED past the last one."""
    schedule.next_period = period
    run_date = next_run(cadence_of(schedule), limits_of(schedule), period)
    schedule.next_run_at = run_moment(run_date)
    if run_date is None:
        schedule.status = ScheduleStatus.COMPLETED.value


async def emit_schedule_event(
    session: AsyncSession, schedule: RecurringInvoice, action: str, now: datetime
) -> RecurringInvoiceRow:
    """The schedule as a row, after its recurring_invoice.<action> event is queued."""
    await session.flush()
    row = row_of(RecurringInvoiceRow, schedule)
    data = render_recurring_invoice(row)
    resource = ResourceType.RECURRING_INVOICE
    await emit_resource_event(session, row.app_id, resource, row.id, action, data, now)
    return row


async def _check_priceable(
    session: AsyncSession, app_id: str, template: InvoiceTemplate, run_date: date, days: int
) -> None:
    # Refuses a missing or inactive customer, wallet, product or tax now, not at the run.
    await price_invoice(session, app_id, template.command(due_date_for(run_date, days)))


async def create_recurring_invoice(
    runtime: Runtime, caller: Caller, command: CreateRecurringInvoiceCommand
) -> RecurringInvoiceRow:
    now = runtime.clock()
    command = checked_create(command, now.date())
    cadence = command.cadence
    limits = Limits(command.end_date, command.count)
    first = next_run(cadence, limits, 0)
    if first is None:
        raise InvalidInput([NO_PERIOD])
    schedule = RecurringInvoice(
        id=str(uuid.uuid4()),
        app_id=caller.app_id,
        status=ScheduleStatus.ACTIVE.value,
        interval=cadence.interval.value,
        anchor_day=cadence.anchor_day,
        start_date=cadence.start_date,
        end_date=command.end_date,
        period_count=command.count,
        days_until_due=command.days_until_due,
        template=command.template.stored(),
        next_period=0,
        next_run_at=run_moment(first),
        invoices_generated=0,
        created_at=now,
        updated_at=now,
    )
    async with runtime.sessions() as session:
        days = command.days_until_due
        await _check_priceable(session, caller.app_id, command.template, first, days)
        session.add(schedule)
        row = await emit_schedule_event(session, schedule, "created", now)
        await session.commit()
    return row


async def get_recurring_invoice(
    runtime: Runtime, caller: Caller, schedule_id: str
) -> RecurringInvoiceRow:
    async with runtime.sessions() as session:
        row = await reads.row_by_id(session, RecurringInvoiceRow, caller.app_id, schedule_id)
    if row is None:
        raise RecurringInvoiceNotFound()
    return row


async def list_recurring_invoices(
    runtime: Runtime,
    caller: Caller,
    status: ScheduleStatus | None,
    *,
    offset: int,
    limit: int,
) -> list[RecurringInvoiceRow]:
    """Newest first."""
    params = {"status": None if status is None else status.value}
    async with runtime.sessions() as session:
        return await RECURRING_INVOICES.offset_page(
            session, caller.app_id, params, NEWEST_FIRST, offset=offset, limit=limit
        )


async def _locked(session: AsyncSession, caller: Caller, schedule_id: str) -> RecurringInvoice:
    schedule = await lock_schedule(session, caller.app_id, schedule_id)
    if schedule is None:
        raise RecurringInvoiceNotFound()
    return schedule


async def update_recurring_invoice(
    runtime: Runtime, caller: Caller, schedule_id: str, command: UpdateRecurringInvoiceCommand
) -> RecurringInvoiceRow:
    """The template, end, count or days until due changed for the periods to come."""
    now = runtime.clock()
    async with runtime.sessions() as session:
        schedule = await _locked(session, caller, schedule_id)
        check_action(ScheduleAction.UPDATE, ScheduleStatus(schedule.status))
        changes = checked_update(command, schedule.start_date).changes()
        template = changes.pop("template", None)
        if isinstance(template, InvoiceTemplate):
            schedule.template = template.stored()
        if "count" in changes:
            changes["period_count"] = changes.pop("count")
        for name, value in changes.items():
            setattr(schedule, name, value)
        cadence, limits = cadence_of(schedule), limits_of(schedule)
        upcoming = next_run(cadence, limits, schedule.next_period)
        if upcoming is None and schedule.invoices_generated == 0:
            raise InvalidInput([NO_PERIOD])
        if isinstance(template, InvoiceTemplate):
            run_date = upcoming or cadence.run_date(schedule.next_period)
            await _check_priceable(
                session, caller.app_id, template, run_date, schedule.days_until_due
            )
        if schedule.status == ScheduleStatus.ACTIVE.value:
            schedule_next(schedule, schedule.next_period)
        elif upcoming is None:
            schedule.status = ScheduleStatus.COMPLETED.value
        schedule.updated_at = now
        row = await emit_schedule_event(session, schedule, "updated", now)
        await session.commit()
    return row


async def pause_recurring_invoice(
    runtime: Runtime, caller: Caller, schedule_id: str
) -> RecurringInvoiceRow:
    """No invoices until resumed."""
    now = runtime.clock()
    async with runtime.sessions() as session:
        schedule = await _locked(session, caller, schedule_id)
        check_action(ScheduleAction.PAUSE, ScheduleStatus(schedule.status))
        schedule.status = ScheduleStatus.PAUSED.value
        schedule.next_run_at = None
        schedule.updated_at = now
        row = await emit_schedule_event(session, schedule, "paused", now)
        await session.commit()
    return row


async def resume_recurring_invoice(
    runtime: Runtime, caller: Caller, schedule_id: str
) -> RecurringInvoiceRow:
    """Active again from the first period dated today or later: the periods that went
    by while it was paused are skipped. COMPLETED if none is left."""
    now = runtime.clock()
    async with runtime.sessions() as session:
        schedule = await _locked(session, caller, schedule_id)
        check_action(ScheduleAction.RESUME, ScheduleStatus(schedule.status))
        upcoming = cadence_of(schedule).first_period_on_or_after(now.date())
        schedule.status = ScheduleStatus.ACTIVE.value
        schedule.paused_reason = None
        schedule_next(schedule, max(schedule.next_period, upcoming))
        schedule.updated_at = now
        row = await emit_schedule_event(session, schedule, "resumed", now)
        await session.commit()
    return row


async def cancel_recurring_invoice(
    runtime: Runtime, caller: Caller, schedule_id: str
) -> RecurringInvoiceRow:
    """Ends the schedule for good; its invoices stay as they are."""
    now = runtime.clock()
    async with runtime.sessions() as session:
        schedule = await _locked(session, caller, schedule_id)
        check_action(ScheduleAction.CANCEL, ScheduleStatus(schedule.status))
        schedule.status = ScheduleStatus.CANCELLED.value
        schedule.next_run_at = None
        schedule.updated_at = now
        row = await emit_schedule_event(session, schedule, "cancelled", now)
        await session.commit()
    return row
