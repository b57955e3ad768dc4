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


@dataclass(frozen=True)
class Loaders:
    app: DataLoader[str, AppRow | None]
    customers: DataLoader[str, CustomerRow | None]
    wallets: DataLoader[str, WalletRow | None]
    taxes: DataLoader[str, TaxRow | None]
    products: DataLoader[str, ProductRow | None]
    invoices: DataLoader[str, InvoiceRow | None]
    items: DataLoader[str, list[ItemRow]]
    transactions: DataLoader[str, list[TransactionRow]]
    customer_invoices: DataLoader[CustomerPage, list[InvoiceRow]]
    customer_invoice_counts: DataLoader[str, int]
    credit_notes: DataLoader[str, CreditNoteRow | None]
    invoice_credit_notes: DataLoader[str, list[CreditNoteRow]]
    credit_note_lines: DataLoader[str, list[CreditNoteLineRow]]
    credit_balances: DataLoader[str, list[CreditBalanceRow]]


SessionScope = Callable[[], AbstractAsyncContextManager[AsyncSession]]


def build_loaders(open_session: SessionScope, app_id: str) -> Loaders:
    """Call inside the request's event loop (aiodataloader binds the loop it is built in)."""
    loop = asyncio.get_running_loop()

    def loader(fetch: Callable[[AsyncSession, list[K]], Awaitable[list[V]]]) -> DataLoader[K, V]:
        async def batch(keys: list[K]) -> list[V]:
            async with open_session() as session:
                return await fetch(session, keys)

        return DataLoader(batch, max_batch_size=MAX_BATCH_SIZE, loop=loop)

    def rows(row_type: type[ById]) -> DataLoader[str, ById | None]:
        async def fetch(session: AsyncSession, ids: list[str]) -> list[ById | None]:
            return await reads.rows_by_ids(session, row_type, app_id, ids)

        return loader(fetch)

    async def fetch_app(session: AsyncSession, ids: list[str]) -> list[AppRow | None]:
        # The only app a caller can see is its own.
        app = await reads.app_row(session, app_id) if app_id in ids else None
        return [app if key == app_id else None for key in ids]

    async def fetch_items(session: AsyncSession, ids: list[str]) -> list[list[ItemRow]]:
        return await reads.items_of(session, app_id, ids)

    async def fetch_transactions(
        session: AsyncSession, ids: list[str]
    ) -> list[list[TransactionRow]]:
        return await reads.transactions_of(session, app_id, ids)

    async def fetch_pages(
        session: AsyncSession, pages: list[CustomerPage]
    ) -> list[list[InvoiceRow]]:
        return await _customer_pages(session, app_id, pages)

    async def fetch_counts(session: AsyncSession, ids: list[str]) -> list[int]:
        return await count_invoices_of_customers(session, app_id, ids)

    async def fetch_credit_notes(
        session: AsyncSession, ids: list[str]
    ) -> list[CreditNoteRow | None]:
        return await credit_notes_by_ids(session, app_id, ids)

    async def fetch_invoice_credit_notes(
        session: AsyncSession, ids: list[str]
    ) -> list[list[CreditNoteRow]]:
        return await credit_notes_of(session, app_id, ids)

    async def fetch_credit_note_lines(
        session: AsyncSession, ids: list[str]
    ) -> list[list[CreditNoteLineRow]]:
        return await credit_note_lines_of(session, app_id, ids)

    async def fetch_credit_balances(
        session: AsyncSession, ids: list[str]
    ) -> list[list[CreditBalanceRow]]:
        return await credit_balances_of(session, app_id, ids)

    return Loaders(
        app=loader(fetch_app),
        customers=rows(CustomerRow),
        wallets=rows(WalletRow),
        taxes=rows(TaxRow),
        products=rows(ProductRow),
        invoices=rows(InvoiceRow),
        items=loader(fetch_items),
        transactions=loader(fetch_transactions),
        customer_invoices=loader(fetch_pages),
        customer_invoice_counts=loader(fetch_counts),
        credit_notes=loader(fetch_credit_notes),
        invoice_credit_notes=loader(fetch_invoice_credit_notes),
        credit_note_lines=loader(fetch_credit_note_lines),
        credit_balances=loader(fetch_credit_balances),
    )


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
