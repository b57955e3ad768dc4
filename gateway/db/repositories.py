"""Tenant-scoped reads and writes. Every function takes the app id it is scoped to."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import func, or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.db.tables import (
    ApiCredential,
    App,
    Customer,
    Invoice,
    InvoiceItem,
    OutboxMessage,
    Product,
    Tax,
    Transaction,
    Wallet,
    WebhookEndpoint,
)

Row = TypeVar("Row", Customer, Wallet, Product, Tax, Invoice)


async def get_many(
    session: AsyncSession, model: type[Row], app_id: str, ids: Sequence[str]
) -> list[Row | None]:
    """Rows of one app by id, in the order of `ids`; None where a row is missing."""
    if not ids:
        return []
    stmt = select(model).where(col(model.id).in_(set(ids)), col(model.app_id) == app_id)
    found = {row.id: row for row in (await session.exec(stmt)).all()}
    return [found.get(key) for key in ids]


async def get_one(session: AsyncSession, model: type[Row], app_id: str, id_: str) -> Row | None:
    return (await get_many(session, model, app_id, [id_]))[0]


async def credential_by_client_key(
    session: AsyncSession, client_key: str
) -> tuple[ApiCredential, App] | None:
    stmt = (
        select(ApiCredential, App)
        .join(App, col(App.id) == col(ApiCredential.app_id))
        .where(ApiCredential.client_key == client_key)
    )
    row = (await session.exec(stmt)).first()
    return None if row is None else (row[0], row[1])


async def next_invoice_counter(session: AsyncSession, app_id: str) -> tuple[int, str]:
    """Increments the app's counter inside the caller's transaction; returns the new
    value and the app's number format.

    The UPDATE takes the row lock until commit, so concurrent creates for one app
    queue here and numbers come out gapless; a rollback gives the number back.
    """
    stmt = (
        update(App)
        .where(col(App.id) == app_id)
        .values(invoice_counter=App.invoice_counter + 1)
        .returning(col(App.invoice_counter), col(App.invoice_number_format))
    )
    counter, number_format = (await session.exec(stmt)).one()
    return int(counter), str(number_format)


async def invoice_by_idempotency_key(
    session: AsyncSession, app_id: str, key: str
) -> Invoice | None:
    stmt = select(Invoice).where(Invoice.app_id == app_id, Invoice.idempotency_key == key)
    return (await session.exec(stmt)).first()


async def invoice_by_payment_token(session: AsyncSession, token: str) -> Invoice | None:
    """Not app-scoped: the unguessable token is the credential."""
    stmt = select(Invoice).where(Invoice.payment_link_token == token)
    return (await session.exec(stmt)).first()


async def items_for_invoices(
    session: AsyncSession, app_id: str, invoice_ids: Sequence[str]
) -> list[list[InvoiceItem]]:
    if not invoice_ids:
        return []
    stmt = (
        select(InvoiceItem)
        .where(InvoiceItem.app_id == app_id, col(InvoiceItem.invoice_id).in_(set(invoice_ids)))
        .order_by(col(InvoiceItem.invoice_id), col(InvoiceItem.position))
    )
    grouped: dict[str, list[InvoiceItem]] = {key: [] for key in invoice_ids}
    for item in (await session.exec(stmt)).all():
        grouped[item.invoice_id].append(item)
    return [grouped[key] for key in invoice_ids]


async def transactions_for_invoices(
    session: AsyncSession, app_id: str, invoice_ids: Sequence[str]
) -> list[list[Transaction]]:
    if not invoice_ids:
        return []
    stmt = (
        select(Transaction)
        .where(Transaction.app_id == app_id, col(Transaction.invoice_id).in_(set(invoice_ids)))
        .order_by(col(Transaction.created_at), col(Transaction.id))
    )
    grouped: dict[str, list[Transaction]] = {key: [] for key in invoice_ids}
    for txn in (await session.exec(stmt)).all():
        grouped[txn.invoice_id].append(txn)
    return [grouped[key] for key in invoice_ids]


@dataclass(frozen=True)
class InvoiceFilter:
    status: str | None = None
    customer_id: str | None = None
    created_from: date | None = None
    created_to: date | None = None
    due_from: date | None = None
    due_to: date | None = None


def _filtered(app_id: str, filters: InvoiceFilter) -> Any:
    stmt = select(Invoice).where(Invoice.app_id == app_id)
    if filters.status is not None:
        stmt = stmt.where(Invoice.status == filters.status)
    if filters.customer_id is not None:
        stmt = stmt.where(Invoice.customer_id == filters.customer_id)
    if filters.created_from is not None:
        stmt = stmt.where(func.date(Invoice.date_created) >= filters.created_from)
    if filters.created_to is not None:
        stmt = stmt.where(func.date(Invoice.date_created) <= filters.created_to)
    if filters.due_from is not None:
        stmt = stmt.where(Invoice.due_date >= filters.due_from)
    if filters.due_to is not None:
        stmt = stmt.where(Invoice.due_date <= filters.due_to)
    return stmt


async def count_invoices(session: AsyncSession, app_id: str, filters: InvoiceFilter) -> int:
    stmt = select(func.count()).select_from(_filtered(app_id, filters).subquery())
    return int((await session.exec(stmt)).one())


async def list_invoices(
    session: AsyncSession, app_id: str, filters: InvoiceFilter, *, offset: int, limit: int
) -> list[Invoice]:
    """Newest first; ties broken by id so pages are stable."""
    stmt = (
        _filtered(app_id, filters)
        .order_by(col(Invoice.date_created).desc(), col(Invoice.id).desc())
        .offset(offset)
        .limit(limit)
    )
    return list((await session.exec(stmt)).all())


ListedRow = TypeVar("ListedRow", Customer, Wallet, Product, Tax)


async def list_rows(
    session: AsyncSession, model: type[ListedRow], app_id: str, *, offset: int, limit: int
) -> list[ListedRow]:
    """One app's rows of `model`, ordered by id (stable pages)."""
    id_column: Any = model.id
    stmt = (
        select(model).where(model.app_id == app_id).order_by(id_column).offset(offset).limit(limit)
    )
    return list((await session.exec(stmt)).all())


async def count_rows(session: AsyncSession, model: type[ListedRow], app_id: str) -> int:
    stmt = select(func.count()).select_from(model).where(model.app_id == app_id)
    return int((await session.exec(stmt)).one())


async def invoices_for_customers(
    session: AsyncSession, app_id: str, customer_ids: Sequence[str], *, offset: int, limit: int
) -> list[list[Invoice]]:
    """One page of each customer's invoices (newest first, as list_invoices), in one query."""
    if not customer_ids:
        return []
    position = (
        func.row_number()
        .over(
            partition_by=col(Invoice.customer_id),
            order_by=(col(Invoice.date_created).desc(), col(Invoice.id).desc()),
        )
        .label("position")
    )
    ranked = (
        select(col(Invoice.id).label("invoice_id"), position)
        .where(Invoice.app_id == app_id, col(Invoice.customer_id).in_(set(customer_ids)))
        .subquery()
    )
    stmt = (
        select(Invoice)
        .join(ranked, col(Invoice.id) == ranked.c.invoice_id)
        .where(ranked.c.position > offset, ranked.c.position <= offset + limit)
        .order_by(col(Invoice.customer_id), ranked.c.position)
    )
    grouped: dict[str, list[Invoice]] = {key: [] for key in customer_ids}
    for invoice in (await session.exec(stmt)).all():
        grouped[invoice.customer_id].append(invoice)
    return [grouped[key] for key in customer_ids]


async def count_invoices_for_customers(
    session: AsyncSession, app_id: str, customer_ids: Sequence[str]
) -> list[int]:
    if not customer_ids:
        return []
    stmt = (
        select(col(Invoice.customer_id), func.count())
        .where(Invoice.app_id == app_id, col(Invoice.customer_id).in_(set(customer_ids)))
        .group_by(col(Invoice.customer_id))
    )
    counts = {customer_id: int(count) for customer_id, count in (await session.exec(stmt)).all()}
    return [counts.get(key, 0) for key in customer_ids]


async def get_app(session: AsyncSession, app_id: str) -> App | None:
    return await session.get(App, app_id)


async def webhook_endpoints(session: AsyncSession, app_id: str) -> list[WebhookEndpoint]:
    stmt = (
        select(WebhookEndpoint)
        .where(WebhookEndpoint.app_id == app_id)
        .order_by(col(WebhookEndpoint.created_at), col(WebhookEndpoint.id))
    )
    return list((await session.exec(stmt)).all())


async def webhook_endpoint(
    session: AsyncSession, app_id: str, endpoint_id: str
) -> WebhookEndpoint | None:
    stmt = select(WebhookEndpoint).where(
        WebhookEndpoint.app_id == app_id, WebhookEndpoint.id == endpoint_id
    )
    return (await session.exec(stmt)).first()


async def disable_webhook_endpoint(
    session: AsyncSession, app_id: str, endpoint_id: str, reason: str
) -> bool:
    """False if the endpoint is missing or already disabled (its first reason stays)."""
    stmt = (
        update(WebhookEndpoint)
        .where(
            col(WebhookEndpoint.app_id) == app_id,
            col(WebhookEndpoint.id) == endpoint_id,
            col(WebhookEndpoint.enabled).is_(True),
        )
        .values(enabled=False, disabled_reason=reason)
    )
    result = await session.exec(stmt)
    return bool(result.rowcount == 1)


# The worker serves every app at once, so the functions below are not app-scoped.


async def claim_outbox_messages(
    session: AsyncSession, now: datetime, lease_until: datetime, limit: int
) -> list[OutboxMessage]:
    """Leases up to `limit` due messages to the caller until `lease_until`.

    One statement: on PostgreSQL the subquery's FOR UPDATE SKIP LOCKED passes over
    rows another worker is claiming right now instead of waiting for them, and the
    claim condition is repeated on the UPDATE so a row re-checked after a concurrent
    commit is never leased twice. SQLite ignores FOR UPDATE; it runs one writer at a
    time, and a single statement leaves no gap between the read and the write.
    """
    claimable = (
        col(OutboxMessage.status) == "pending",
        col(OutboxMessage.next_attempt_at) <= now,
        or_(col(OutboxMessage.locked_until).is_(None), col(OutboxMessage.locked_until) < now),
    )
    due = (
        select(col(OutboxMessage.id))
        .where(*claimable)
        .order_by(col(OutboxMessage.next_attempt_at), col(OutboxMessage.id))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    stmt = (
        update(OutboxMessage)
        .where(col(OutboxMessage.id).in_(due), *claimable)
        .values(locked_until=lease_until)
        .returning(OutboxMessage)
        .execution_options(synchronize_session=False)
    )
    return list((await session.exec(stmt)).scalars().all())


async def settle_outbox_message(
    session: AsyncSession, message_id: str, lease_until: datetime, values: dict[str, Any]
) -> bool:
    """Writes the outcome of one delivery and releases the lease.

    Only while the caller still holds the lease it was given: if it ran past it and
    another worker took the message over, that worker's outcome counts, not this one.
    """
    stmt = (
        update(OutboxMessage)
        .where(col(OutboxMessage.id) == message_id, col(OutboxMessage.locked_until) == lease_until)
        .values(locked_until=None, **values)
    )
    result = await session.exec(stmt)
    return bool(result.rowcount == 1)


async def mark_invoices_past_due(
    session: AsyncSession, from_statuses: Sequence[str], to_status: str, today: date, limit: int
) -> list[str]:
    """Moves up to `limit` invoices due before `today` to `to_status`; returns their ids.

    One UPDATE, so concurrent callers each get back only the rows they changed
    themselves and whatever follows a change happens once per invoice. SKIP LOCKED
    (PostgreSQL) passes over rows another transaction holds; the next call sees them.
    """
    moving = (
        col(Invoice.status).in_(from_statuses),
        col(Invoice.due_date) < today,
    )
    batch = select(col(Invoice.id)).where(*moving).limit(limit).with_for_update(skip_locked=True)
    stmt = (
        update(Invoice)
        .where(col(Invoice.id).in_(batch), *moving)
        .values(status=to_status)
        .returning(col(Invoice.id))
        .execution_options(synchronize_session=False)
    )
    return [str(invoice_id) for invoice_id in (await session.exec(stmt)).scalars().all()]


async def mark_reminders_due(
    session: AsyncSession, status: str, delivery: str, limit: int
) -> list[str]:
    """Sets reminder_sent on up to `limit` invoices in `status`, delivered by `delivery`,
    that have had no reminder; returns their ids (one UPDATE, as mark_invoices_past_due)."""
    due = (
        col(Invoice.status) == status,
        col(Invoice.delivery) == delivery,
        col(Invoice.reminder_sent).is_(False),
    )
    batch = select(col(Invoice.id)).where(*due).limit(limit).with_for_update(skip_locked=True)
    stmt = (
        update(Invoice)
        .where(col(Invoice.id).in_(batch), *due)
        .values(reminder_sent=True)
        .returning(col(Invoice.id))
        .execution_options(synchronize_session=False)
    )
    return [str(invoice_id) for invoice_id in (await session.exec(stmt)).scalars().all()]


async def invoices_by_ids(session: AsyncSession, ids: Sequence[str]) -> list[Invoice]:
    """Invoices of any app, ordered by app then id."""
    if not ids:
        return []
    stmt = (
        select(Invoice)
        .where(col(Invoice.id).in_(set(ids)))
        .order_by(col(Invoice.app_id), col(Invoice.id))
    )
    return list((await session.exec(stmt)).all())


async def apps_by_ids(session: AsyncSession, ids: Sequence[str]) -> dict[str, App]:
    if not ids:
        return {}
    stmt = select(App).where(col(App.id).in_(set(ids)))
    return {app.id: app for app in (await session.exec(stmt)).all()}
