"""An app's taxes: create, read, list, change and delete, each in one transaction with
its tax.created / tax.updated / tax.deleted event. A tax that invoices use is archived
on delete (active false, kept and readable) rather than removed; an invoice keeps the
tax amount it was priced with, so a new percentage applies to future invoices only.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.db import reads, repositories
from gateway.db.references import Referenced, remove_unless_used
from gateway.db.resource_pages import OLDEST_FIRST, TAXES, TaxFilter
from gateway.db.rows import TaxRow, row_of
from gateway.db.tables import Tax
from gateway.domain.errors import TaxIdNotFound, TaxRateFixed
from gateway.domain.tax_rules import check_app_ids
from gateway.domain.taxes import PERCENTAGE_PLACES, CreateTaxCommand, UpdateTaxCommand
from gateway.runtime import Runtime
from gateway.services.access import Caller
from gateway.services.events import ResourceType, emit_resource_event
from gateway.services.tax_json import render_tax

_STORED_PLACES = Decimal(1).scaleb(-PERCENTAGE_PLACES)


def _stored_rate(percentage: Decimal) -> Decimal:
    """The rate as its column gives it back (20.5 -> 20.5000): the same on every read."""
    return percentage.quantize(_STORED_PLACES)


@dataclass(frozen=True)
class DeletedTax:
    tax: TaxRow
    # True when invoices use it: kept with active false instead of removed.
    archived: bool


async def _emit(session: AsyncSession, tax: TaxRow, action: str, now: datetime) -> None:
    data = render_tax(tax)
    await emit_resource_event(session, tax.app_id, ResourceType.TAX, tax.id, action, data, now)


async def create_tax(runtime: Runtime, caller: Caller, command: CreateTaxCommand) -> TaxRow:
    check_app_ids(command.app_ids, caller.app_id)
    now = runtime.clock()
    tax = Tax(
        id=str(uuid.uuid4()),
        app_id=caller.app_id,
        name=command.name,
        rate=_stored_rate(command.percentage),
        type="PERCENTAGE",
        inclusive=False,
        components=None,
        description=command.description,
        active=command.active,
        created_at=now,
        updated_at=now,
    )
    async with runtime.sessions() as session:
        session.add(tax)
        await session.flush()
        row = row_of(TaxRow, tax)
        await _emit(session, row, "created", now)
        await session.commit()
    return row


async def get_tax(runtime: Runtime, caller: Caller, tax_id: str) -> TaxRow:
    async with runtime.sessions() as session:
        row = await reads.row_by_id(session, TaxRow, caller.app_id, tax_id)
    if row is None:
        raise TaxIdNotFound()
    return row


async def list_taxes(
    runtime: Runtime, caller: Caller, filters: TaxFilter, *, offset: int, limit: int
) -> list[TaxRow]:
    async with runtime.sessions() as session:
        return await TAXES.offset_page(
            session, caller.app_id, filters.params(), OLDEST_FIRST, offset=offset, limit=limit
        )


async def _stored(session: AsyncSession, caller: Caller, tax_id: str) -> Tax:
    tax = await repositories.get_one(session, Tax, caller.app_id, tax_id)
    if tax is None:
        raise TaxIdNotFound()
    return tax


async def update_tax(
    runtime: Runtime, caller: Caller, tax_id: str, changes: UpdateTaxCommand
) -> TaxRow:
    """The given fields changed; invoices already priced keep their amounts."""
    given = changes.changes()
    app_ids = given.pop("app_ids", ())
    assert isinstance(app_ids, tuple)
    check_app_ids(app_ids, caller.app_id)
    now = runtime.clock()
    async with runtime.sessions() as session:
        tax = await _stored(session, caller, tax_id)
        if "percentage" in given and (tax.type != "PERCENTAGE" or tax.components):
            raise TaxRateFixed("compound" if tax.components else tax.type)
        if "percentage" in given:
            percentage = given.pop("percentage")
            assert isinstance(percentage, Decimal)
            given["rate"] = _stored_rate(percentage)
        for name, value in given.items():
            setattr(tax, name, value)
        tax.updated_at = now
        await session.flush()
        row = row_of(TaxRow, tax)
        await _emit(session, row, "updated", now)
        await session.commit()
    return row


async def delete_tax(runtime: Runtime, caller: Caller, tax_id: str) -> DeletedTax:
    """Removed, or archived (active false) when an invoice of the app uses it."""
    now = runtime.clock()
    async with runtime.sessions() as session:
        tax = await _stored(session, caller, tax_id)
        archived = await remove_unless_used(session, Referenced.TAX, caller.app_id, tax)
        if archived:
            tax.active = False
            tax.updated_at = now
            await session.flush()
        row = row_of(TaxRow, tax)
        await _emit(session, row, "deleted", now)
        await session.commit()
    return DeletedTax(row, archived)
