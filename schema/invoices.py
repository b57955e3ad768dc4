"""Invoice objects built in batches: one loader round per kind of related row; and
Customer, whose invoices field is such a batch (so both live here, without a cycle).

Whoever hands out invoices (invoice, invoices, Customer.invoices, the mutations) passes
the selection below the Invoice type; `build_invoices` asks the request's DataLoaders
for exactly the related rows it names (customers, wallets, taxes, items -> products,
transactions, the app), all at once, and returns plain objects whose nested fields are
attribute reads. The SQL count thus depends on the query's shape, not on the page size.
"""

from __future__ import annotations

import asyncio
import operator
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import strawberry
from aiodataloader import DataLoader
from strawberry.scalars import JSON
from strawberry.types.nodes import SelectedField

from gateway.db import invoice_pages
from gateway.db.invoice_views import InvoiceView, ItemView
from gateway.db.keyset import Ordering
from gateway.db.rows import CustomerRow, InvoiceRow, ItemRow, ProductRow, TaxRow, TransactionRow
from gateway.db.tax_snapshots import tax_as_priced
from gateway.domain.invoice_currency import invoice_currency
from gateway.links import invoice_pdf_url, payment_link_url
from schema.context import Context
from schema.enums import CustomerStatus, CustomerType, DeliveryMethod, InvoiceStatus, PaymentMethod
from schema.loaders import CustomerPage, Loaders
from schema.pagination import DEFAULT_PAGE_SIZE, Connection, Fetched, Keyset, connection, window
from schema.selection import below, names, under
from schema.stored import stored_fields
from schema.types import App, Discount, Invoice, InvoiceItem, Product, Tax, Transaction, Wallet

if TYPE_CHECKING:
    from schema.credit_notes import CreditBalance

V = TypeVar("V")


@strawberry.type
class Customer:
    id: strawberry.ID
    email: str | None
    name: str = strawberry.field(description='firstName and lastName: "Jane Doe".')
    status: CustomerStatus
    address: str | None
    phone_number: str | None
    first_name: str
    last_name: str
    customer_type: CustomerType | None
    last_spent: Decimal = strawberry.field(
        description="The last payment recorded on one of the customer's invoices; 0 before any."
    )
    last_purchase_date: datetime | None = strawberry.field(
        description="When that payment was recorded; null before any."
    )
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_row(cls, row: CustomerRow) -> Customer:
        customer_type = None if row.customer_type is None else CustomerType(row.customer_type)
        return cls(**_CUSTOMER(row), status=CustomerStatus(row.status), customer_type=customer_type)

    @strawberry.field
    async def invoices(
        self,
        info: strawberry.Info[Context, None],
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Connection[Invoice]:
        return await customer_invoices(info, self.id, first, after)

    @strawberry.field
    async def credit_balances(
        self, info: strawberry.Info[Context, None]
    ) -> list[Annotated[CreditBalance, strawberry.lazy("schema.credit_notes")]]:
        from schema.credit_notes import credit_balances_of_customer

        return await credit_balances_of_customer(info, self.id)


@dataclass(frozen=True)
class Wanted:
    """Which related rows the selection below Invoice names."""

    app: bool = False
    customer: bool = False
    wallet: bool = False
    tax: bool = False
    items: bool = False
    products: bool = False
    # An item's name: its product's for lines priced before the name was kept.
    item_names: bool = False
    transactions: bool = False

    @classmethod
    def below(cls, info: strawberry.Info[Context, None], *path: str) -> Wanted:
        """What the selection asks for under `path` below the field being resolved.

        The same field nodes always ask for the same rows (names only: @skip does not
        count, see schema.selection), and the parser cache hands a repeated query the
        same nodes: the answer is kept by their identity instead of rebuilding
        Strawberry's selected_fields on every request."""
        nodes = tuple(info._raw_info.field_nodes)
        key = (*map(id, nodes), *path)
        found = _wanted.get(key)
        if found is not None and all(map(operator.is_, found[0], nodes)):
            return found[1]
        wanted = cls.of(under(info, *path))
        if len(_wanted) >= WANTED_CACHE_SIZE:
            _wanted.clear()
        _wanted[key] = (nodes, wanted)
        return wanted

    @classmethod
    def of(cls, selected: Sequence[SelectedField]) -> Wanted:
        asked = names(selected)
        item_fields = names(below(selected, "items"))
        return cls(
            app="app" in asked,
            customer="customer" in asked,
            wallet="wallet" in asked,
            tax="tax" in asked,
            items="items" in asked,
            products="product" in item_fields,
            item_names="name" in item_fields,
            transactions="transactions" in asked,
        )


WANTED_CACHE_SIZE = 4096
# By the field nodes' ids and the path; the nodes kept alongside so the ids stay theirs.
_wanted: dict[tuple[Any, ...], tuple[tuple[Any, ...], Wanted]] = {}


@dataclass
class _Related:
    app: App | None = None
    customers: dict[str, Customer] = field(default_factory=dict)
    wallets: dict[str, Wallet] = field(default_factory=dict)
    # The tax rows as they are now; an invoice shows its tax as priced.
    taxes: dict[str, TaxRow | None] = field(default_factory=dict)
    products: dict[str, ProductRow | None] = field(default_factory=dict)
    items: dict[str, list[ItemRow]] = field(default_factory=dict)
    transactions: dict[str, list[Transaction]] = field(default_factory=dict)
    shown_products: dict[str, Product] = field(default_factory=dict)


async def build_invoices(
    context: Context, rows: Sequence[InvoiceRow], wanted: Wanted
) -> list[Invoice]:
    loaders = context.loaders
    ids = [row.id for row in rows]
    app, customers, wallets, taxes, items, transactions = await asyncio.gather(
        _rows(loaders.app, [context.caller.app_id] if wanted.app and rows else []),
        _rows(loaders.customers, [r.customer_id for r in rows] if wanted.customer else []),
        _rows(loaders.wallets, [r.wallet_id for r in rows] if wanted.wallet else []),
        _rows(loaders.taxes, [r.tax_id for r in rows] if wanted.tax else []),
        _lists(loaders.items, ids if wanted.items else []),
        _lists(loaders.transactions, ids if wanted.transactions else []),
    )
    product_ids = [
        item.product_id
        for group in items.values()
        for item in group
        if wanted.products or (wanted.item_names and item.name is None)
    ]
    products = await _rows(loaders.products, product_ids)
    related = _Related(
        app=None if (own := app.get(context.caller.app_id)) is None else App.from_row(own),
        customers={
            key: Customer.from_row(row) for key, row in customers.items() if row is not None
        },
        wallets={key: Wallet.from_row(row) for key, row in wallets.items() if row is not None},
        taxes=taxes,
        products=products,
        items=items,
        transactions={
            key: [Transaction.from_row(txn) for txn in group] for key, group in transactions.items()
        },
    )
    base_url = context.runtime.settings.public_base_url
    return [_invoice(row, related, base_url) for row in rows]


async def _rows(loader: DataLoader[str, V], keys: Iterable[str | None]) -> dict[str, V]:
    """By key; a key the app has no row for maps to None (the loaders' answer)."""
    unique = list(dict.fromkeys(key for key in keys if key is not None))
    if not unique:
        return {}
    return dict(zip(unique, await loader.load_many(unique), strict=True))


async def _lists(loader: DataLoader[str, list[V]], keys: list[str]) -> dict[str, list[V]]:
    if not keys:
        return {}
    return dict(zip(keys, await loader.load_many(keys), strict=True))


_CUSTOMER = stored_fields(Customer, CustomerRow, converted={"status", "customer_type"})
_INVOICE = stored_fields(
    Invoice,
    InvoiceRow,
    converted={"status", "payment_methods", "delivery", "payment_metadata", "currency"},
)


def _invoice(row: InvoiceRow, related: _Related, base_url: str) -> Invoice:
    return Invoice(
        **_INVOICE(row),
        status=InvoiceStatus(row.status),
        payment_methods=[PaymentMethod(method) for method in row.payment_methods],
        delivery=DeliveryMethod(row.delivery),
        payment_metadata=None if row.payment_metadata is None else JSON(row.payment_metadata),
        currency=invoice_currency(row.currency),
        discount=Discount.stored(row.discount_type, row.discount_value),
        amount_due=row.amount_due,
        payment_link_url=payment_link_url(base_url, row.payment_link_token),
        pdf_url=invoice_pdf_url(base_url, row.id),
        app=related.app,
        customer=related.customers.get(row.customer_id),
        wallet=related.wallets.get(row.wallet_id),
        tax=_tax(row, related),
        items=[_item(item, related) for item in related.items.get(row.id, ())],
        transactions=related.transactions.get(row.id, []),
    )


def _tax(row: InvoiceRow, related: _Related) -> Tax | None:
    live = None if row.tax_id is None else related.taxes.get(row.tax_id)
    priced = tax_as_priced(row, live)
    return None if priced is None else Tax.from_row(priced)


def _item(item: ItemRow, related: _Related) -> InvoiceItem:
    product = None if item.product_id is None else related.products.get(item.product_id)
    shown = None
    if product is not None:
        # One Product per product, however many lines show it.
        shown = related.shown_products.get(product.id)
        if shown is None:
            shown = related.shown_products[product.id] = Product.from_row(product)
    return InvoiceItem.from_row(item, ItemView(item, product).name, shown)


def prime(loaders: Loaders, view: InvoiceView) -> None:
    """Hand a just-created or just-changed invoice's rows to the loaders, so nothing is
    read twice. They replace whatever the loaders hold already: a mutation earlier in
    the same operation may have loaded the rows as they were before this change. The
    view's tax is as priced, not the tax row as it is now: that is read, not primed."""
    invoice = view.invoice
    _replace(loaders.invoices, invoice.id, invoice)
    if view.customer is not None:
        _replace(loaders.customers, view.customer.id, view.customer)
    if view.wallet is not None:
        _replace(loaders.wallets, view.wallet.id, view.wallet)
    _replace(loaders.items, invoice.id, [entry.item for entry in view.items])
    for entry in view.items:
        if entry.product is not None:
            _replace(loaders.products, entry.product.id, entry.product)
    transactions: list[TransactionRow] = list(view.transactions)
    _replace(loaders.transactions, invoice.id, transactions)


def _replace(loader: DataLoader[str, V], key: str, value: V) -> None:
    # DataLoader.prime keeps a value already cached: clear it first.
    loader.clear(key).prime(key, value)


async def view_invoice(context: Context, view: InvoiceView, wanted: Wanted) -> Invoice:
    """The Invoice for a service's answer (rows primed, so only what the view lacks is read)."""
    prime(context.loaders, view)
    return (await build_invoices(context, [view.invoice], wanted))[0]


async def invoice_page(
    info: strawberry.Info[Context, None],
    filters: invoice_pages.InvoiceFilter,
    ordering: Ordering,
    first: int,
    after: str | None,
) -> Connection[Invoice]:
    context = info.context
    page = window(first, after, Keyset("invoices", ordering))
    app_id = context.caller.app_id
    async with context.reads.session() as session:
        rows = await invoice_pages.invoices_after(
            session, app_id, filters, ordering, page.after, page.limit
        )
    fetched = Fetched.of(rows, page)
    for row in fetched.shown:
        context.loaders.invoices.prime(row.id, row)

    async def count() -> int:
        async with context.reads.session() as session:
            return await invoice_pages.count_invoices(session, app_id, filters)

    nodes = await build_invoices(context, fetched.shown, Wanted.below(info, "edges", "node"))
    return connection(fetched, nodes, page, count)


async def customer_invoices(
    info: strawberry.Info[Context, None], customer_id: str, first: int, after: str | None
) -> Connection[Invoice]:
    """Newest first; a cursor serves only the customer whose invoices it came from."""
    loaders = info.context.loaders
    keyset = Keyset(f"Customer.invoices:{customer_id}", invoice_pages.NEWEST_FIRST)
    page = window(first, after, keyset)
    rows = await loaders.customer_invoices.load(CustomerPage(customer_id, page.after, page.limit))
    fetched = Fetched.of(rows, page)

    async def count() -> int:
        return await loaders.customer_invoice_counts.load(customer_id)

    nodes = await build_invoices(info.context, fetched.shown, Wanted.below(info, "edges", "node"))
    return connection(fetched, nodes, page, count)
