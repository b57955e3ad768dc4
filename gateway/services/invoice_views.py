"""Invoices with everything the v0 JSON shows, loaded in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.db import repositories as repo
from gateway.db.tables import (
    Customer,
    Invoice,
    InvoiceItem,
    Product,
    Tax,
    Transaction,
    Wallet,
)


@dataclass(frozen=True)
class ItemView:
    item: InvoiceItem
    product: Product | None


@dataclass(frozen=True)
class InvoiceView:
    invoice: Invoice
    app_name: str
    customer: Customer | None
    wallet: Wallet | None
    tax: Tax | None
    items: tuple[ItemView, ...]
    transactions: tuple[Transaction, ...]


def _unique(values: Sequence[str | None]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v is not None))


_Row = TypeVar("_Row", Customer, Wallet, Tax, Product)


def _by_id(rows: Sequence[_Row | None]) -> dict[str, _Row]:
    return {row.id: row for row in rows if row is not None}


async def load_invoice_views(
    session: AsyncSession, app_id: str, app_name: str, invoices: Sequence[Invoice]
) -> list[InvoiceView]:
    """Seven queries at most, whatever the number of invoices."""
    if not invoices:
        return []
    ids = [inv.id for inv in invoices]
    customers = _by_id(
        await repo.get_many(session, Customer, app_id, _unique([i.customer_id for i in invoices]))
    )
    wallets = _by_id(
        await repo.get_many(session, Wallet, app_id, _unique([i.wallet_id for i in invoices]))
    )
    taxes = _by_id(await repo.get_many(session, Tax, app_id, _unique([i.tax_id for i in invoices])))
    items = await repo.items_for_invoices(session, app_id, ids)
    product_ids = _unique([item.product_id for group in items for item in group])
    products = _by_id(await repo.get_many(session, Product, app_id, product_ids))
    transactions = await repo.transactions_for_invoices(session, app_id, ids)
    return [
        InvoiceView(
            invoice=inv,
            app_name=app_name,
            customer=customers.get(inv.customer_id),
            wallet=wallets.get(inv.wallet_id),
            tax=taxes.get(inv.tax_id) if inv.tax_id else None,
            items=tuple(ItemView(item, products.get(item.product_id)) for item in group),
            transactions=tuple(txns),
        )
        for inv, group, txns in zip(invoices, items, transactions, strict=True)
    ]
