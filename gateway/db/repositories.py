"""What write use cases read and change: ORM objects by id (to modify inside the
write's transaction), the credential of a request, the invoice counter. Reads that are
shown go through gateway.db.reads as typed rows instead.

The statements every request runs are built once with bound parameters: building a
statement and its cache key per call cost more CPU than running it. As in
gateway.db.reads, an id or key a database cannot hold names no row and is not sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import bindparam, update
from sqlalchemy import select as sa_select
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from gateway.db.binds import APP_ID, IDS, table_of
from gateway.db.tables import ApiCredential, App, Customer, Invoice, Product, Tax, Wallet
from gateway.domain.text import is_storable

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
    storable = [key for key in set(ids) if is_storable(key)]
    found: dict[str, Row] = {}
    if storable:
        stmt: SelectOfScalar[Row] = _BY_IDS[model]
        result = await session.exec(stmt, params={"ids": storable, "app_id": app_id})
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
    if not is_storable(client_key):
        return None
    connection = await session.connection()
    row = (await connection.execute(_CREDENTIAL, {"client_key": client_key})).first()
    return None if row is None else CredentialRecord(*row)


_NEXT_COUNTER = (
    update(_APPS)
    .where(_APPS.c.id == APP_ID)
    .values(
        invoice_counter=_APPS.c.invoice_counter + 1,
        event_seq=_APPS.c.event_seq + bindparam("events"),
    )
    .returning(_APPS.c.invoice_counter, _APPS.c.invoice_number_format, _APPS.c.event_seq)
)


async def next_invoice_counter(
    session: AsyncSession, app_id: str, events: int
) -> tuple[int, str, int]:
    """Increments the app's counter inside the caller's transaction and takes its next
    `events` event sequences (gateway.db.event_log.reserve_event_seqs, in the same
    statement); returns the new counter, the app's number format and the last sequence.

    The UPDATE takes the row lock until commit, so concurrent creates for one app
    queue here and numbers come out gapless; a rollback gives the number back.
    """
    connection = await session.connection()
    result = await connection.execute(_NEXT_COUNTER, {"app_id": app_id, "events": events})
    counter, number_format, last_seq = result.one()
    return int(counter), str(number_format), int(last_seq)
