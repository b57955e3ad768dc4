"""An invoice with everything a document about it shows (the v0 JSON, the PDF, the
email, a webhook payload, the payment page), read in a fixed number of statements.

Its lines and its tax are as the invoice was priced (each line's product name, the
tax's terms): a later change of a product or tax row does not change what it shows."""

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
from gateway.db.tax_snapshots import tax_as_priced


@dataclass(frozen=True, slots=True)
class ItemView:
    item: ItemRow
    # The product as it is now.
    product: ProductRow | None

    @property
    def name(self) -> str:
        """The product's name as priced (as it is now for lines from before that was kept);
        a free-form line's description."""
        if self.item.name is not None:
            return self.item.name
        if self.product is not None:
            return self.product.name
        return self.item.product_id or ""


@dataclass(frozen=True, slots=True)
class InvoiceView:
    invoice: InvoiceRow
    app_name: str
    customer: CustomerRow | None
    wallet: WalletRow | None
    # The tax as priced (gateway.db.tax_snapshots).
    tax: TaxRow | None
    items: tuple[ItemView, ...]
    transactions: tuple[TransactionRow, ...]


def _unique(values: Sequence[str | None]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v is not None))


_Row = TypeVar("_Row", CustomerRow, WalletRow, TaxRow, ProductRow)


def _by_id(rows: Sequence[_Row | None]) -> dict[str, _Row]:
    return {row.id: row for row in rows if row is not None}


def _product(products: dict[str, ProductRow], product_id: str | None) -> ProductRow | None:
    return None if product_id is None else products.get(product_id)


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
            tax=tax_as_priced(inv, taxes.get(inv.tax_id) if inv.tax_id else None),
            items=tuple(ItemView(item, _product(products, item.product_id)) for item in group),
            transactions=tuple(txns),
        )
        for inv, group, txns in zip(invoices, items, transactions, strict=True)
    ]
