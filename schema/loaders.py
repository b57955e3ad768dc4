"""DataLoaders, built fresh for every request and scoped to the caller's app.

Every batch function answers in key order with None (or an empty list) for keys the
app does not have, and reads in a short session of its own from `open_session` (in the
GraphQL endpoint, gateway.db.request_reads: all of a request's reads on one connection).
`MAX_BATCH_SIZE` caps the IN (...) lists; a page of invoices (at most 100) always fits in
one batch.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from functools import cached_property, partial
from typing import TypeVar

from aiodataloader import DataLoader
from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.db import reads
from gateway.db.credit_notes import (
    credit_balances_of,
    credit_note_lines_of,
    credit_notes_by_ids,
    credit_notes_of,
)
from gateway.db.invoice_pages import count_invoices_of_customers, invoice_pages_of_customers
from gateway.db.keyset import Position
from gateway.db.rows import (
    AppRow,
    CreditBalanceRow,
    CreditNoteLineRow,
    CreditNoteRow,
    CustomerRow,
    InvoiceRow,
    ItemRow,
    ProductRow,
    TaxRow,
    TransactionRow,
    WalletRow,
)

MAX_BATCH_SIZE = 200

K = TypeVar("K")
V = TypeVar("V")
ById = TypeVar("ById", CustomerRow, WalletRow, ProductRow, TaxRow, InvoiceRow)


@dataclass(frozen=True)
class CustomerPage:
    """One page of one customer's invoices: at most `limit` beyond `after`."""

    customer_id: str
    after: Position | None
    limit: int


SessionScope = Callable[[], AbstractAsyncContextManager[AsyncSession]]


class Loaders:
    """The request's DataLoaders, each built when first asked for: a request uses a few
    of the fourteen, and building one costs more than a small batch's Python work.
    Build inside the request's event loop (aiodataloader binds the loop it is built in)."""

    def __init__(self, open_session: SessionScope, app_id: str) -> None:
        self._open_session = open_session
        self._app_id = app_id
        self._loop = asyncio.get_running_loop()

    def _loader(
        self, fetch: Callable[[AsyncSession, list[K]], Awaitable[list[V]]]
    ) -> DataLoader[K, V]:
        open_session = self._open_session

        async def batch(keys: list[K]) -> list[V]:
            async with open_session() as session:
                return await fetch(session, keys)

        return DataLoader(batch, max_batch_size=MAX_BATCH_SIZE, loop=self._loop)

    def _rows(self, row_type: type[ById]) -> DataLoader[str, ById | None]:
        app_id = self._app_id

        async def fetch(session: AsyncSession, ids: list[str]) -> list[ById | None]:
            return await reads.rows_by_ids(session, row_type, app_id, ids)

        return self._loader(fetch)

    @cached_property
    def app(self) -> DataLoader[str, AppRow | None]:
        app_id = self._app_id

        async def fetch(session: AsyncSession, ids: list[str]) -> list[AppRow | None]:
            # The only app a caller can see is its own.
            app = await reads.app_row(session, app_id) if app_id in ids else None
            return [app if key == app_id else None for key in ids]

        return self._loader(fetch)

    @cached_property
    def customers(self) -> DataLoader[str, CustomerRow | None]:
        return self._rows(CustomerRow)

    @cached_property
    def wallets(self) -> DataLoader[str, WalletRow | None]:
        return self._rows(WalletRow)

    @cached_property
    def taxes(self) -> DataLoader[str, TaxRow | None]:
        return self._rows(TaxRow)

    @cached_property
    def products(self) -> DataLoader[str, ProductRow | None]:
        return self._rows(ProductRow)

    @cached_property
    def invoices(self) -> DataLoader[str, InvoiceRow | None]:
        return self._rows(InvoiceRow)

    @cached_property
    def items(self) -> DataLoader[str, list[ItemRow]]:
        return self._loader(partial(_of_app, reads.items_of, self._app_id))

    @cached_property
    def transactions(self) -> DataLoader[str, list[TransactionRow]]:
        return self._loader(partial(_of_app, reads.transactions_of, self._app_id))

    @cached_property
    def customer_invoices(self) -> DataLoader[CustomerPage, list[InvoiceRow]]:
        return self._loader(partial(_of_app, _customer_pages, self._app_id))

    @cached_property
    def customer_invoice_counts(self) -> DataLoader[str, int]:
        return self._loader(partial(_of_app, count_invoices_of_customers, self._app_id))

    @cached_property
    def credit_notes(self) -> DataLoader[str, CreditNoteRow | None]:
        return self._loader(partial(_of_app, credit_notes_by_ids, self._app_id))

    @cached_property
    def invoice_credit_notes(self) -> DataLoader[str, list[CreditNoteRow]]:
        return self._loader(partial(_of_app, credit_notes_of, self._app_id))

    @cached_property
    def credit_note_lines(self) -> DataLoader[str, list[CreditNoteLineRow]]:
        return self._loader(partial(_of_app, credit_note_lines_of, self._app_id))

    @cached_property
    def credit_balances(self) -> DataLoader[str, list[CreditBalanceRow]]:
        return self._loader(partial(_of_app, credit_balances_of, self._app_id))


async def _of_app(
    read: Callable[[AsyncSession, str, list[K]], Awaitable[list[V]]],
    app_id: str,
    session: AsyncSession,
    keys: list[K],
) -> list[V]:
    return await read(session, app_id, keys)


def build_loaders(open_session: SessionScope, app_id: str) -> Loaders:
    """Call inside the request's event loop (aiodataloader binds the loop it is built in)."""
    return Loaders(open_session, app_id)


async def _customer_pages(
    session: AsyncSession, app_id: str, pages: Sequence[CustomerPage]
) -> list[list[InvoiceRow]]:
    """One query per distinct (after, limit): one for the whole batch when the customers'
    pages are all first pages of one size."""
    found: dict[CustomerPage, list[InvoiceRow]] = {}
    windows = dict.fromkeys((page.after, page.limit) for page in pages)
    for after, limit in windows:
        ids = list(
            dict.fromkeys(p.customer_id for p in pages if (p.after, p.limit) == (after, limit))
        )
        grouped = await invoice_pages_of_customers(session, app_id, ids, after, limit)
        for customer_id, invoices in zip(ids, grouped, strict=True):
            found[CustomerPage(customer_id, after, limit)] = invoices
    return [found[page] for page in pages]
