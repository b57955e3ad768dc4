"""Tenant-scoped reads and writes. Every function takes the app id it is scoped to.

The statements a request runs every time (reads by id, the credential, the idempotency
key, the counter, a page of invoices) are built once with bound parameters: building a
statement and its cache key per call cost more CPU than running it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import bindparam, func, update
from sqlalchemy import select as sa_select
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from gateway.db.binds import APP_ID, IDS, table_of
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

_BY_IDS: dict[type[Any], SelectOfScalar[Any]] = {
    model: select(model).where(col(model.id).in_(IDS), col(model.app_id) == APP_ID)
    for model in (Customer, Wallet, Product, Tax, Invoice)
}


async def get_many(
    session: AsyncSession, model: type[Row], app_id: str, ids: Sequence[str]
) -> list[Row | None]:
    """Rows of one app by id, in the order of `ids`; None where a row is missing."""
    if not ids:
        return []
    stmt: SelectOfScalar[Row] = _BY_IDS[model]
    result = await session.exec(stmt, params={"ids": list(set(ids)), "app_id": app_id})
    found = {row.id: row for row in result.all()}
    return [found.get(key) for key in ids]


async def get_one(session: AsyncSession, model: type[Row], app_id: str, id_: str) -> Row | None:
    return (await get_many(session, model, app_id, [id_]))[0]


@dataclass(frozen=True)
class CredentialRecord:
    """What authentication needs of a credential and its app."""

    client_key: str
    secret_hash: str
    revoked: bool
    app_id: str
    app_name: str


_CREDENTIALS = table_of(ApiCredential)
_APPS = table_of(App)
# Core columns, not ORM entities: every request runs it, and no row object is needed.
_CREDENTIAL = (
    sa_select(
        _CREDENTIALS.c.client_key,
        _CREDENTIALS.c.secret_hash,
        _CREDENTIALS.c.revoked,
        _APPS.c.id,
        _APPS.c.name,
    )
    .join_from(_CREDENTIALS, _APPS, _APPS.c.id == _CREDENTIALS.c.app_id)
    .where(_CREDENTIALS.c.client_key == bindparam("client_key"))
)


async def credential_by_client_key(
    session: AsyncSession, client_key: str
) -> CredentialRecord | None:
    connection = await session.connection()
    row = (await connection.execute(_CREDENTIAL, {"client_key": client_key})).first()
    return None if row is None else CredentialRecord(*row)


_NEXT_COUNTER = (
    update(_APPS)
    .where(_APPS.c.id == APP_ID)
    .values(invoice_counter=_APPS.c.invoice_counter + 1)
    .returning(_APPS.c.invoice_counter, _APPS.c.invoice_number_format)
)


async def next_invoice_counter(session: AsyncSession, app_id: str) -> tuple[int, str]:
    """Increments the app's counter inside the caller's transaction; returns the new
    value and the app's number format.

    The UPDATE takes the row lock until commit, so concurrent creates for one app
    queue here and numbers come out gapless; a rollback gives the number back.
    """
    connection = await session.connection()
    result = await connection.execute(_NEXT_COUNTER, {"app_id": app_id})
    counter, number_format = result.one()
    return int(counter), str(number_format)


_BY_IDEMPOTENCY_KEY = select(Invoice).where(
    col(Invoice.app_id) == APP_ID, col(Invoice.idempotency_key) == bindparam("key")
)


async def invoice_by_idempotency_key(
    session: AsyncSession, app_id: str, key: str
) -> Invoice | None:
    params = {"app_id": app_id, "key": key}
    return (await session.exec(_BY_IDEMPOTENCY_KEY, params=params)).first()


async def invoice_by_payment_token(session: AsyncSession, token: str) -> Invoice | None:
    """Not app-scoped: the unguessable token is the credential."""
    stmt = select(Invoice).where(Invoice.payment_link_token == token)
    return (await session.exec(stmt)).first()


_ITEMS_OF = (
    select(InvoiceItem)
    .where(col(InvoiceItem.app_id) == APP_ID, col(InvoiceItem.invoice_id).in_(IDS))
    .order_by(col(InvoiceItem.invoice_id), col(InvoiceItem.position))
)


async def items_for_invoices(
    session: AsyncSession, app_id: str, invoice_ids: Sequence[str]
) -> list[list[InvoiceItem]]:
    if not invoice_ids:
        return []
    params = {"app_id": app_id, "ids": list(set(invoice_ids))}
    grouped: dict[str, list[InvoiceItem]] = {key: [] for key in invoice_ids}
    for item in (await session.exec(_ITEMS_OF, params=params)).all():
        grouped[item.invoice_id].append(item)
    return [grouped[key] for key in invoice_ids]


_TRANSACTIONS_OF = (
    select(Transaction)
    .where(col(Transaction.app_id) == APP_ID, col(Transaction.invoice_id).in_(IDS))
    .order_by(col(Transaction.created_at), col(Transaction.id))
)


async def transactions_for_invoices(
    session: AsyncSession, app_id: str, invoice_ids: Sequence[str]
) -> list[list[Transaction]]:
    if not invoice_ids:
        return []
    params = {"app_id": app_id, "ids": list(set(invoice_ids))}
    grouped: dict[str, list[Transaction]] = {key: [] for key in invoice_ids}
    for txn in (await session.exec(_TRANSACTIONS_OF, params=params)).all():
        grouped[txn.invoice_id].append(txn)
    return [grouped[key] for key in invoice_ids]


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
