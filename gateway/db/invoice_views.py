"""An invoice with everything a document about it shows (the v0 JSON, the PDF, the
email, a webhook payload, the payment page), read in a fixed number of statements."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.db.reads import items_of, rows_by_ids, transactions_of
from gateway.db.rows import (
    CustomerRow,
    InvoiceRow,
    ItemRow,
    ProductRow,
    TaxRow,
    TransactionRow,
    WalletRow,
)


@dataclass(frozen=True, slots=True)
class ItemView:
    item: ItemRow
    product: ProductRow | None


@dataclass(frozen=True, slots=True)
class InvoiceView:
    invoice: InvoiceRow
    app_name: str
    customer: CustomerRow | None
    wallet: WalletRow | None
    tax: TaxRow | None
    items: tuple[ItemView, ...]
    transactions: tuple[TransactionRow, ...]


def _unique(values: Sequence[str | None]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v is not None))


_Row = TypeVar("_Row", CustomerRow, WalletRow, TaxRow, ProductRow)


def _by_id(rows: Sequence[_Row | None]) -> dict[str, _Row]:
    return {row.id: row for row in rows if row is not None}


async def load_invoice_views(
    session: AsyncSession, app_id: str, app_name: str, invoices: Sequence[InvoiceRow]
) -> list[InvoiceView]:
    """Six statements at most, whatever the number of invoices."""
    if not invoices:
        return []
    ids = [inv.id for inv in invoices]
    customers = _by_id(
        await rows_by_ids(session, CustomerRow, app_id, _unique([i.customer_id for i in invoices]))
    )
    wallets = _by_id(
        await rows_by_ids(session, WalletRow, app_id, _unique([i.wallet_id for i in invoices]))
    )
    taxes = _by_id(
        await rows_by_ids(session, TaxRow, app_id, _unique([i.tax_id for i in invoices]))
    )
    items = await items_of(session, app_id, ids)
    product_ids = _unique([item.product_id for group in items for item in group])
    products = _by_id(await rows_by_ids(session, ProductRow, app_id, product_ids))
    transactions = await transactions_of(session, app_id, ids)
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
