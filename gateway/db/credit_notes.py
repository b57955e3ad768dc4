"""Credit note statements: the app's next credit note number, the quantities earlier
credit notes took of an invoice's lines, the customer's credit balance, and the reads
every surface shows (by id, a page, an invoice's credit notes, their lines).

A credit note is written while its invoice is locked (gateway.db.invoice_writes), so the
credited amount and quantities read here cannot change before it commits. The balance
statements compare and set: a credit note adding to a balance and an invoice consuming it
never lose one another's change.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy import BindParameter, bindparam, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.db.binds import APP_ID, IDS, table_of
from gateway.db.keyset import Listing
from gateway.db.reads import TABLES, fetch, select_rows
from gateway.db.resource_pages import NEWEST_FIRST
from gateway.db.rows import CreditBalanceRow, CreditNoteLineRow, CreditNoteRow
from gateway.db.tables import App, CustomerCreditBalance
from gateway.domain.errors import ConcurrentModification
from gateway.domain.money import ZERO
from gateway.domain.text import is_storable

_APPS = table_of(App)
_BALANCES = table_of(CustomerCreditBalance)
_NOTES = TABLES[CreditNoteRow]
_LINES = TABLES[CreditNoteLineRow]
_INVOICE_ID: BindParameter[str] = bindparam("invoice_id")

_NEXT_COUNTER = (
    update(_APPS)
    .where(_APPS.c.id == APP_ID)
    .values(credit_note_counter=_APPS.c.credit_note_counter + 1)
    .returning(_APPS.c.credit_note_counter, _APPS.c.credit_note_number_format)
)


async def next_credit_note_counter(session: AsyncSession, app_id: str) -> tuple[int, str]:
    """As gateway.db.repositories.next_invoice_counter, for credit notes: the row lock
    the UPDATE takes queues concurrent creates, so numbers come out gapless."""
    connection = await session.connection()
    counter, number_format = (await connection.execute(_NEXT_COUNTER, {"app_id": app_id})).one()
    return int(counter), str(number_format)


_CREDITED_QUANTITIES = (
    select(_LINES.c.invoice_position, func.sum(_LINES.c.quantity))
    .where(_LINES.c.app_id == APP_ID, _LINES.c.invoice_id == _INVOICE_ID)
    .group_by(_LINES.c.invoice_position)
)


async def credited_quantities(
    session: AsyncSession, app_id: str, invoice_id: str
) -> dict[int, Decimal]:
    """How much of each invoice line (by position) credit notes credited so far."""
    connection = await session.connection()
    params = {"app_id": app_id, "invoice_id": invoice_id}
    rows = await connection.execute(_CREDITED_QUANTITIES, params)
    return {int(position): Decimal(quantity) for position, quantity in rows}


_BALANCE_KEY = (
    _BALANCES.c.app_id == bindparam("of_app"),
    _BALANCES.c.customer_id == bindparam("of_customer"),
    _BALANCES.c.currency == bindparam("in_currency"),
)
_BALANCE = select(_BALANCES.c.amount).where(*_BALANCE_KEY)
# Compare-and-set: SQLite keeps money as exact decimal text (gateway.db.types), on which
# SQL arithmetic would go through floats, so the new amount is computed here and written
# only if the balance is still the one read. An UPDATE may not bind a column's own name:
# the key is spelled apart.
_SWAP = (
    update(_BALANCES)
    .where(*_BALANCE_KEY, _BALANCES.c.amount == bindparam("was"))
    .values(amount=bindparam("becomes"), updated_at=bindparam("now"))
)
_ATTEMPTS = 20


async def credit_balance(
    session: AsyncSession, app_id: str, customer_id: str, currency: str
) -> Decimal | None:
    """The customer's balance in `currency`; None when it never had one."""
    connection = await session.connection()
    params = {"of_app": app_id, "of_customer": customer_id, "in_currency": currency}
    found = (await connection.execute(_BALANCE, params)).scalar()
    return None if found is None else Decimal(found)


async def _swap(
    session: AsyncSession,
    key: tuple[str, str, str],
    was: Decimal | None,
    becomes: Decimal,
    now: datetime,
) -> bool:
    """Write `becomes` if the balance is still `was` (None: absent); False if it moved."""
    app_id, customer_id, currency = key
    connection = await session.connection()
    if was is None:
        dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
        values = {
            "app_id": app_id,
            "customer_id": customer_id,
            "currency": currency,
            "amount": becomes,
            "updated_at": now,
        }
        insert = dialect.insert(_BALANCES).values(**values).on_conflict_do_nothing()
        return (await connection.execute(insert)).rowcount == 1
    params = {
        "of_app": app_id,
        "of_customer": customer_id,
        "in_currency": currency,
        "was": was,
        "becomes": becomes,
        "now": now,
    }
    return (await connection.execute(_SWAP, params)).rowcount == 1


async def take_credit_balance(
    session: AsyncSession,
    app_id: str,
    customer_id: str,
    currency: str,
    most: Decimal,
    now: datetime,
) -> Decimal:
    """Consume up to `most` of the customer's balance in `currency`; what was taken.
    Nothing is taken twice: a balance another transaction changed is read again."""
    for _ in range(_ATTEMPTS):
        available = await credit_balance(session, app_id, customer_id, currency)
        taken = min(available or ZERO, most)
        if available is None or taken <= 0:
            return ZERO
        key = (app_id, customer_id, currency)
        if await _swap(session, key, available, available - taken, now):
            return taken
    raise ConcurrentModification()


async def add_credit_balance(
    session: AsyncSession,
    app_id: str,
    customer_id: str,
    currency: str,
    amount: Decimal,
    now: datetime,
) -> None:
    """Add `amount` to the customer's balance in `currency`."""
    for _ in range(_ATTEMPTS):
        available = await credit_balance(session, app_id, customer_id, currency)
        becomes = (available or ZERO) + amount
        if await _swap(session, (app_id, customer_id, currency), available, becomes, now):
            return
    raise ConcurrentModification()


async def reapply_credit_balance(
    session: AsyncSession,
    app_id: str,
    applied: tuple[str, str, Decimal],
    customer_id: str,
    currency: str,
    total: Decimal,
    now: datetime,
) -> Decimal:
    """A draft edited: the credit it consumed, `applied` as (customer, currency, amount),
    goes back to that balance, and the draft as it now is (its customer, currency and
    total) consumes again what it can. Returns what it consumed."""
    owner, owned_in, amount = applied
    if amount > 0:
        await add_credit_balance(session, app_id, owner, owned_in, amount, now)
    return await take_credit_balance(session, app_id, customer_id, currency, total, now)


_BY_IDS = select_rows(CreditNoteRow).where(_NOTES.c.app_id == APP_ID, _NOTES.c.id.in_(IDS))
_OF_INVOICES = (
    select_rows(CreditNoteRow)
    .where(_NOTES.c.app_id == APP_ID, _NOTES.c.invoice_id.in_(IDS))
    .order_by(_NOTES.c.invoice_id, _NOTES.c.created_at, _NOTES.c.credit_note_number)
)
_LINES_OF = (
    select_rows(CreditNoteLineRow)
    .where(_LINES.c.app_id == APP_ID, _LINES.c.credit_note_id.in_(IDS))
    .order_by(_LINES.c.credit_note_id, _LINES.c.position)
)


async def credit_notes_by_ids(
    session: AsyncSession, app_id: str, ids: Sequence[str]
) -> list[CreditNoteRow | None]:
    """In the order of `ids`; None where the app has no such credit note."""
    storable = [key for key in set(ids) if is_storable(key)]
    found: dict[str, CreditNoteRow] = {}
    if storable:
        params = {"ids": storable, "app_id": app_id}
        found = {row.id: row for row in await fetch(session, CreditNoteRow, _BY_IDS, params)}
    return [found.get(key) for key in ids]


async def credit_notes_of(
    session: AsyncSession, app_id: str, invoice_ids: Sequence[str]
) -> list[list[CreditNoteRow]]:
    """Each invoice's credit notes, oldest first."""
    grouped: dict[str, list[CreditNoteRow]] = {key: [] for key in invoice_ids}
    storable = [key for key in grouped if is_storable(key)]
    if storable:
        params = {"ids": storable, "app_id": app_id}
        for row in await fetch(session, CreditNoteRow, _OF_INVOICES, params):
            grouped[row.invoice_id].append(row)
    return [grouped[key] for key in invoice_ids]


async def credit_note_lines_of(
    session: AsyncSession, app_id: str, credit_note_ids: Sequence[str]
) -> list[list[CreditNoteLineRow]]:
    """Each credit note's lines, in order."""
    grouped: dict[str, list[CreditNoteLineRow]] = {key: [] for key in credit_note_ids}
    if grouped:
        params = {"ids": list(grouped), "app_id": app_id}
        for row in await fetch(session, CreditNoteLineRow, _LINES_OF, params):
            grouped[row.credit_note_id].append(row)
    return [grouped[key] for key in credit_note_ids]


_BALANCES_OF = (
    select_rows(CreditBalanceRow)
    .where(_BALANCES.c.app_id == APP_ID, _BALANCES.c.customer_id.in_(IDS))
    .order_by(_BALANCES.c.customer_id, _BALANCES.c.currency)
)


async def credit_balances_of(
    session: AsyncSession, app_id: str, customer_ids: Sequence[str]
) -> list[list[CreditBalanceRow]]:
    """Each customer's credit balances, one per currency it ever held credit in."""
    grouped: dict[str, list[CreditBalanceRow]] = {key: [] for key in customer_ids}
    storable = [key for key in grouped if is_storable(key)]
    if storable:
        params = {"ids": storable, "app_id": app_id}
        for row in await fetch(session, CreditBalanceRow, _BALANCES_OF, params):
            grouped[row.customer_id].append(row)
    return [grouped[key] for key in customer_ids]


CREDIT_NOTES = Listing(
    CreditNoteRow, {"invoice_id": _NOTES.c.invoice_id == _INVOICE_ID}, [NEWEST_FIRST]
)
"""Filters: invoice_id."""
