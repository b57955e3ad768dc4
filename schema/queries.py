"""The Query root: the caller's rows by id, connections of them, previewInvoice and the
app's webhook endpoints."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, TypeVar

import strawberry
from aiodataloader import DataLoader

from gateway.db.invoice_pages import InvoiceFilter, Listed, count_of, page_of
from gateway.db.rows import CustomerRow, ProductRow, TaxRow, WalletRow
from gateway.domain.errors import InvalidInput
from gateway.domain.ids import is_uuid
from schema.context import Context
from schema.enums import InvoiceStatus
from schema.inputs import CreateInvoiceInput
from schema.invoices import Customer, build_invoices, invoice_page
from schema.pagination import DEFAULT_PAGE_SIZE, Connection, Fetched, connection, window
from schema.preview import InvoicePreviewPayload, preview_invoice
from schema.selection import under
from schema.types import App, Invoice, Product, Tax, Wallet, WebhookEndpoint
from schema.webhooks import resolve_webhook_endpoints

Info = strawberry.Info[Context, None]
NodeT = TypeVar("NodeT")
RowT = TypeVar("RowT")
First = Annotated[int, strawberry.argument(description="Page size, 1 to 100.")]
After = Annotated[str | None, strawberry.argument(description="endCursor of the previous page.")]


async def _one(
    loader: DataLoader[str, RowT | None], key: str, node: Callable[[RowT], NodeT]
) -> NodeT | None:
    row = await loader.load(key)
    return None if row is None else node(row)


async def resolve_app(info: Info) -> App | None:
    return await _one(info.context.loaders.app, info.context.caller.app_id, App.from_row)


async def resolve_invoice(info: Info, id: strawberry.ID) -> Invoice | None:
    row = await info.context.loaders.invoices.load(id)
    if row is None:
        return None
    return (await build_invoices(info.context, [row], under(info)))[0]


async def resolve_invoices(
    info: Info,
    first: First = DEFAULT_PAGE_SIZE,
    after: After = None,
    status: InvoiceStatus | None = None,
    customer_id: strawberry.ID | None = None,
    due_from: date | None = None,
    due_to: date | None = None,
) -> Connection[Invoice]:
    if customer_id is not None and not is_uuid(customer_id):
        raise InvalidInput(["customerId must be a valid UUID"])
    filters = InvoiceFilter(
        status=None if status is None else status.value,
        customer_id=None if customer_id is None else customer_id.lower(),
        due_from=due_from,
        due_to=due_to,
    )
    return await invoice_page(info, filters, first, after)


async def resolve_customer(info: Info, id: strawberry.ID) -> Customer | None:
    return await _one(info.context.loaders.customers, id, Customer.from_row)


async def resolve_customers(
    info: Info, first: First = DEFAULT_PAGE_SIZE, after: After = None
) -> Connection[Customer]:
    return await _page(info.context, CustomerRow, Customer.from_row, first, after)


async def resolve_product(info: Info, id: strawberry.ID) -> Product | None:
    return await _one(info.context.loaders.products, id, Product.from_row)


async def resolve_products(
    info: Info, first: First = DEFAULT_PAGE_SIZE, after: After = None
) -> Connection[Product]:
    return await _page(info.context, ProductRow, Product.from_row, first, after)


async def resolve_tax(info: Info, id: strawberry.ID) -> Tax | None:
    return await _one(info.context.loaders.taxes, id, Tax.from_row)


async def resolve_taxes(
    info: Info, first: First = DEFAULT_PAGE_SIZE, after: After = None
) -> Connection[Tax]:
    return await _page(info.context, TaxRow, Tax.from_row, first, after)


async def resolve_wallet(info: Info, id: strawberry.ID) -> Wallet | None:
    return await _one(info.context.loaders.wallets, id, Wallet.from_row)


async def resolve_wallets(
    info: Info, first: First = DEFAULT_PAGE_SIZE, after: After = None
) -> Connection[Wallet]:
    return await _page(info.context, WalletRow, Wallet.from_row, first, after)


async def resolve_preview_invoice(
    info: Info,
    invoice_input: Annotated[CreateInvoiceInput, strawberry.argument(name="input")],
) -> InvoicePreviewPayload:
    return await preview_invoice(info.context, invoice_input)


async def _page(
    context: Context,
    model: type[Listed],
    node: Callable[[Listed], NodeT],
    first: int,
    after: str | None,
) -> Connection[NodeT]:
    page = window(first, after)
    app_id = context.caller.app_id
    async with context.reads.session() as session:
        rows = await page_of(session, model, app_id, offset=page.offset, limit=page.limit + 1)

    async def count() -> int:
        async with context.reads.session() as session:
            return await count_of(session, model, app_id)

    fetched = Fetched.of(rows, page)
    nodes = [node(row) for row in fetched.shown]
    return connection(nodes, page, count, has_next_page=fetched.has_next_page)


_BY_ID = "null when the caller's app has none with this id."


@strawberry.type
class Query:
    app: App | None = strawberry.field(resolver=resolve_app, description="The caller's app.")
    invoice: Invoice | None = strawberry.field(
        resolver=resolve_invoice, description=f"One invoice; {_BY_ID}"
    )
    invoices: Connection[Invoice] = strawberry.field(
        resolver=resolve_invoices,
        description="Invoices, newest first, filtered by status, customer and due date.",
    )
    customer: Customer | None = strawberry.field(
        resolver=resolve_customer, description=f"One customer; {_BY_ID}"
    )
    customers: Connection[Customer] = strawberry.field(resolver=resolve_customers)
    product: Product | None = strawberry.field(
        resolver=resolve_product, description=f"One product; {_BY_ID}"
    )
    products: Connection[Product] = strawberry.field(resolver=resolve_products)
    tax: Tax | None = strawberry.field(resolver=resolve_tax, description=f"One tax; {_BY_ID}")
    taxes: Connection[Tax] = strawberry.field(resolver=resolve_taxes)
    wallet: Wallet | None = strawberry.field(
        resolver=resolve_wallet, description=f"One wallet; {_BY_ID}"
    )
    wallets: Connection[Wallet] = strawberry.field(resolver=resolve_wallets)
    preview_invoice: InvoicePreviewPayload = strawberry.field(
        resolver=resolve_preview_invoice,
        description=(
            "The lines, tax and totals createInvoice would compute for this input, after the "
            "same validation; nothing is stored."
        ),
    )
    webhook_endpoints: list[WebhookEndpoint] = strawberry.field(
        resolver=resolve_webhook_endpoints,
        description="The app's webhook endpoints, oldest first; their secrets are never shown.",
    )
