"""Tenant-scoped reads and writes. Every function takes the app id it is scoped to."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.db.tables import (
    ApiCredential,
    App,
    Customer,
    Invoice,
    InvoiceItem,
    Product,
    Tax,
    Transaction,
    Wallet,
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
