"""The customer use cases, shared by the REST shim and GraphQL: create, get, list,
update, delete. Each runs in one transaction of the caller's app, stamps its clock's
time and puts its customer.* event on the outbox in that transaction.

An email address belongs to at most one customer of an app, compared in lower case:
checked before the write, and backed by the unique (app_id, email_key) for a request
that raced past the check. A customer invoices refer to is archived by a delete
(status DELETED, kept for them); any other is removed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.db import reads
from gateway.db.customer_writes import email_holder, lock_customer
from gateway.db.references import Referenced, remove_unless_used
from gateway.db.resource_pages import CUSTOMER_ORDERINGS, CUSTOMERS, CustomerFilter
from gateway.db.rows import CustomerRow, row_of
from gateway.db.tables import Customer
from gateway.domain.customers import (
    CreateCustomerCommand,
    UpdateCustomerCommand,
    email_key,
    full_name,
)
from gateway.domain.errors import CustomerEmailTaken, CustomerNotFound
from gateway.domain.resource_enums import CustomerStatus
from gateway.runtime import Runtime
from gateway.services.access import Caller
from gateway.services.customer_json import render_customer
from gateway.services.events import ResourceType, emit_resource_event


async def create_customer(
    runtime: Runtime, caller: Caller, command: CreateCustomerCommand
) -> CustomerRow:
    now = runtime.clock()
    customer = Customer(
        id=str(uuid.uuid4()),
        app_id=caller.app_id,
        first_name=command.first_name,
        last_name=command.last_name,
        name=full_name(command.first_name, command.last_name),
        phone_number=command.phone_number,
        email=command.email,
        email_key=email_key(command.email),
        customer_type=command.customer_type.value,
        status=command.status.value,
        created_at=now,
        updated_at=now,
    )
    async with runtime.sessions() as session:
        await _check_email(session, customer)
        session.add(customer)
        row = row_of(CustomerRow, customer)
        await _commit(session, row, "created", now)
    return row


async def get_customer(runtime: Runtime, caller: Caller, customer_id: str) -> CustomerRow:
    async with runtime.sessions() as session:
        row = await reads.row_by_id(session, CustomerRow, caller.app_id, customer_id)
    if row is None:
        raise CustomerNotFound()
    return row


_NEWEST_FIRST = CUSTOMER_ORDERINGS[("CREATED_AT", True)]


@dataclass(frozen=True)
class CustomerList:
    total: int
    rows: list[CustomerRow]


async def list_customers(
    runtime: Runtime, caller: Caller, filters: CustomerFilter, *, offset: int, limit: int
) -> CustomerList:
    """Newest first, with the number of customers the filters match."""
    async with runtime.sessions() as session:
        params = filters.params()
        total = await CUSTOMERS.count(session, caller.app_id, params)
        rows = await CUSTOMERS.offset_page(
            session, caller.app_id, params, _NEWEST_FIRST, offset=offset, limit=limit
        )
    return CustomerList(total, rows)


async def update_customer(
    runtime: Runtime, caller: Caller, customer_id: str, command: UpdateCustomerCommand
) -> CustomerRow:
    """The fields the command gives change; without any, nothing is written."""
    now = runtime.clock()
    changes = command.changes()
    async with runtime.sessions() as session:
        customer = await _locked(session, caller, customer_id)
        if not changes:
            return row_of(CustomerRow, customer)
        for name, value in changes.items():
            setattr(customer, name, value.value if isinstance(value, CustomerStatus) else value)
        customer.name = full_name(customer.first_name, customer.last_name)
        customer.email_key = email_key(customer.email)
        customer.updated_at = now
        await _check_email(session, customer)
        row = row_of(CustomerRow, customer)
        await _commit(session, row, "updated", now)
    return row


@dataclass(frozen=True)
class DeletedCustomer:
    # The customer as the delete left it (archived), or as it was before it was removed.
    customer: CustomerRow
    # True when invoices refer to it: kept with status DELETED instead of removed.
    archived: bool
    deleted_at: datetime


async def delete_customer(runtime: Runtime, caller: Caller, customer_id: str) -> DeletedCustomer:
    """Archive or remove the customer. An archived customer is deleted already: deleting
    it again changes nothing and answers as the first delete did."""
    now = runtime.clock()
    async with runtime.sessions() as session:
        customer = await _locked(session, caller, customer_id)
        if customer.status == CustomerStatus.DELETED:
            return DeletedCustomer(row_of(CustomerRow, customer), True, customer.updated_at)
        row = row_of(CustomerRow, customer)
        archived = await remove_unless_used(session, Referenced.CUSTOMER, caller.app_id, customer)
        if archived:
            customer.status = CustomerStatus.DELETED.value
            customer.updated_at = now
            row = row_of(CustomerRow, customer)
        await _commit(session, row, "deleted", now)
    return DeletedCustomer(row, archived, now)


async def _locked(session: AsyncSession, caller: Caller, customer_id: str) -> Customer:
    customer = await lock_customer(session, caller.app_id, customer_id)
    if customer is None:
        raise CustomerNotFound()
    return customer


async def _check_email(session: AsyncSession, customer: Customer) -> None:
    if customer.email_key is None:
        return
    holder = await email_holder(session, customer.app_id, customer.email_key)
    if holder is not None and holder != customer.id:
        raise CustomerEmailTaken()


async def _commit(session: AsyncSession, row: CustomerRow, action: str, now: datetime) -> None:
    """The event about `row`, then the commit; a lost race for the email is a conflict."""
    try:
        await emit_resource_event(
            session, row.app_id, ResourceType.CUSTOMER, row.id, action, render_customer(row), now
        )
        await session.commit()
    except IntegrityError:
        await session.rollback()
        raise CustomerEmailTaken() from None
