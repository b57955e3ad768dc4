"""The Query root: the caller's rows by id, connections of them, previewInvoice and the
app's webhook endpoints."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Annotated, Any, TypeVar

import strawberry
from aiodataloader import DataLoader

from gateway.db.invoice_pages import NEWEST_FIRST as NEWEST_INVOICES
from gateway.db.invoice_pages import InvoiceFilter
from gateway.db.keyset import Listing, like_pattern
from gateway.db.recurring_invoices import RECURRING_INVOICES
from gateway.db.resource_pages import (
    CUSTOMER_ORDERINGS,
    CUSTOMERS,
    NEWEST_FIRST,
    OLDEST_FIRST,
    PRODUCTS,
    TAXES,
    WALLETS,
)
from gateway.db.rows import CustomerRow, ProductRow, RecurringInvoiceRow, TaxRow, WalletRow
from gateway.domain.errors import InvalidInput, RecurringInvoiceNotFound
from gateway.domain.ids import is_uuid
from gateway.domain.recurring import ScheduleStatus
from gateway.domain.text import is_storable
from gateway.services.recurring_invoices import get_recurring_invoice
from schema.context import Context
from schema.credit_notes import CreditNote, resolve_credit_note, resolve_credit_notes
from schema.enums import CustomerStatus, InvoiceStatus, ProductStatus
from schema.events import Event, resolve_events
from schema.inputs import CreateInvoiceInput
from schema.invoices import Customer, Wanted, build_invoices, invoice_page
from schema.ordering import CustomerOrder, InvoiceOrder
from schema.pagination import DEFAULT_PAGE_SIZE, Connection, Fetched, Keyset, connection, window
from schema.preview import InvoicePreviewPayload, preview_invoice
from schema.recurring_invoices import RecurringInvoice
from schema.types import App, Invoice, Product, Tax, Wallet, WebhookEndpoint
from schema.webhooks import resolve_webhook_endpoint, resolve_webhook_endpoints

Info = strawberry.Info[Context, None]
NodeT = TypeVar("NodeT")
RowT = TypeVar("RowT")
Listed = TypeVar("Listed", CustomerRow, ProductRow, TaxRow, WalletRow, RecurringInvoiceRow)
LONGEST_SEARCH = 100
NEWEST_CUSTOMERS = CUSTOMER_ORDERINGS["CREATED_AT", True]
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
    return (await build_invoices(info.context, [row], Wanted.below(info)))[0]


async def resolve_invoices(
    info: Info,
    first: First = DEFAULT_PAGE_SIZE,
    after: After = None,
    status: InvoiceStatus | None = None,
    customer_id: strawberry.ID | None = None,
    due_from: date | None = None,
    due_to: date | None = None,
    order_by: Annotated[
        InvoiceOrder | None, strawberry.argument(description="Default: DATE_CREATED DESC.")
    ] = None,
) -> Connection[Invoice]:
    if customer_id is not None and not is_uuid(customer_id):
        raise InvalidInput(["customerId must be a valid UUID"])
    filters = InvoiceFilter(
        status=None if status is None else status.value,
        customer_id=None if customer_id is None else customer_id.lower(),
        due_from=due_from,
        due_to=due_to,
    )
    ordering = NEWEST_INVOICES if order_by is None else order_by.ordering()
    return await invoice_page(info, filters, ordering, first, after)


async def resolve_customer(info: Info, id: strawberry.ID) -> Customer | None:
    return await _one(info.context.loaders.customers, id, Customer.from_row)


async def resolve_customers(
    info: Info,
    first: First = DEFAULT_PAGE_SIZE,
    after: After = None,
    search: Annotated[
        str | None,
        strawberry.argument(
            description=f"Part of the name or email, any case; at most {LONGEST_SEARCH} characters."
        ),
    ] = None,
    status: Annotated[
        CustomerStatus | None,
        strawberry.argument(description="Without it, every customer but the DELETED ones."),
    ] = None,
    order_by: Annotated[
        CustomerOrder | None, strawberry.argument(description="Default: CREATED_AT DESC.")
    ] = None,
) -> Connection[Customer]:
    filters = {
        "search": _pattern(search),
        "status": None if status is None else status.value,
        "hidden_status": CustomerStatus.DELETED.value if status is None else None,
    }
    ordering = NEWEST_CUSTOMERS if order_by is None else order_by.ordering()
    page = Keyset("customers", ordering)
    return await _page(info.context, CUSTOMERS, filters, page, Customer.from_row, first, after)


async def resolve_product(info: Info, id: strawberry.ID) -> Product | None:
    return await _one(info.context.loaders.products, id, Product.from_row)


async def resolve_products(
    info: Info,
    first: First = DEFAULT_PAGE_SIZE,
    after: After = None,
    search: Annotated[
        str | None,
        strawberry.argument(
            description=(
                f"Part of the name or description, any case; at most {LONGEST_SEARCH} characters."
            )
        ),
    ] = None,
    status: ProductStatus | None = None,
) -> Connection[Product]:
    filters = {"search": _pattern(search), "status": None if status is None else status.value}
    page = Keyset("products", NEWEST_FIRST)
    return await _page(info.context, PRODUCTS, filters, page, Product.from_row, first, after)


async def resolve_tax(info: Info, id: strawberry.ID) -> Tax | None:
    return await _one(info.context.loaders.taxes, id, Tax.from_row)


async def resolve_taxes(
    info: Info, first: First = DEFAULT_PAGE_SIZE, after: After = None, active: bool | None = None
) -> Connection[Tax]:
    page = Keyset("taxes", NEWEST_FIRST)
    return await _page(info.context, TAXES, {"active": active}, page, Tax.from_row, first, after)


async def resolve_wallet(info: Info, id: strawberry.ID) -> Wallet | None:
    return await _one(info.context.loaders.wallets, id, Wallet.from_row)


async def resolve_wallets(
    info: Info, first: First = DEFAULT_PAGE_SIZE, after: After = None
) -> Connection[Wallet]:
    page = Keyset("wallets", OLDEST_FIRST)
    return await _page(info.context, WALLETS, {}, page, Wallet.from_row, first, after)


async def resolve_recurring_invoice(info: Info, id: strawberry.ID) -> RecurringInvoice | None:
    context = info.context
    try:
        row = await get_recurring_invoice(context.runtime, context.caller, id)
    except RecurringInvoiceNotFound:
        return None
    return RecurringInvoice.from_row(row)


async def resolve_recurring_invoices(
    info: Info,
    first: First = DEFAULT_PAGE_SIZE,
    after: After = None,
    status: ScheduleStatus | None = None,
) -> Connection[RecurringInvoice]:
    filters = {"status": None if status is None else status.value}
    page = Keyset("recurringInvoices", NEWEST_FIRST)
    node = RecurringInvoice.from_row
    return await _page(info.context, RECURRING_INVOICES, filters, page, node, first, after)


async def resolve_preview_invoice(
    info: Info,
    invoice_input: Annotated[CreateInvoiceInput, strawberry.argument(name="input")],
) -> InvoicePreviewPayload:
    return await preview_invoice(info.context, invoice_input)


def _pattern(search: str | None) -> str | None:
    if search is None:
        return None
    if len(search) > LONGEST_SEARCH:
        raise InvalidInput([f"search must not be longer than {LONGEST_SEARCH} characters"])
    if not is_storable(search):
        raise InvalidInput(["search must not contain NUL or unpaired surrogate characters"])
    return like_pattern(search.lower())


async def _page(
    context: Context,
    listing: Listing[Listed],
    filters: Mapping[str, Any],
    keyset: Keyset,
    node: Callable[[Listed], NodeT],
    first: int,
    after: str | None,
) -> Connection[NodeT]:
    page = window(first, after, keyset)
    app_id = context.caller.app_id
    async with context.reads.session() as session:
        rows = await listing.page(session, app_id, filters, keyset.ordering, page.after, page.limit)

    async def count() -> int:
        async with context.reads.session() as session:
            return await listing.count(session, app_id, filters)

    fetched = Fetched.of(rows, page)
    return connection(fetched, [node(row) for row in fetched.shown], page, count)


_BY_ID = "null when the caller's app has none with this id."


@strawberry.type
class Query:
    app: App | None = strawberry.field(resolver=resolve_app, description="The caller's app.")
    invoice: Invoice | None = strawberry.field(
        resolver=resolve_invoice, description=f"One invoice; {_BY_ID}"
    )
    invoices: Connection[Invoice] = strawberry.field(
        resolver=resolve_invoices,
        description=(
            "Invoices filtered by status, customer and due date; newest first unless orderBy "
            "says otherwise."
        ),
    )
    customer: Customer | None = strawberry.field(
        resolver=resolve_customer, description=f"One customer; {_BY_ID}"
    )
    customers: Connection[Customer] = strawberry.field(
        resolver=resolve_customers,
        description="Customers found by name or email and status; newest first by default.",
    )
    product: Product | None = strawberry.field(
        resolver=resolve_product, description=f"One product; {_BY_ID}"
    )
    products: Connection[Product] = strawberry.field(
        resolver=resolve_products,
        description="Products found by name or description and status, newest first.",
    )
    tax: Tax | None = strawberry.field(resolver=resolve_tax, description=f"One tax; {_BY_ID}")
    taxes: Connection[Tax] = strawberry.field(
        resolver=resolve_taxes, description="Taxes, active or not, newest first."
    )
    wallet: Wallet | None = strawberry.field(
        resolver=resolve_wallet, description=f"One wallet; {_BY_ID}"
    )
    wallets: Connection[Wallet] = strawberry.field(
        resolver=resolve_wallets, description="Wallets, oldest first."
    )
    recurring_invoice: RecurringInvoice | None = strawberry.field(
        resolver=resolve_recurring_invoice, description=f"One recurring invoice; {_BY_ID}"
    )
    recurring_invoices: Connection[RecurringInvoice] = strawberry.field(
        resolver=resolve_recurring_invoices,
        description="Recurring invoices, newest first, by status if given.",
    )
    preview_invoice: InvoicePreviewPayload = strawberry.field(
        resolver=resolve_preview_invoice,
        description=(
            "The lines, tax and totals createInvoice would compute for this input, after the "
            "same validation; nothing is stored."
        ),
    )
    webhook_endpoint: WebhookEndpoint | None = strawberry.field(
        resolver=resolve_webhook_endpoint, description="One of the app's webhook endpoints."
    )
    events: Connection[Event] = strawberry.field(
        resolver=resolve_events,
        description=(
            "The app's event log, oldest first: every event once, in the order of its "
            "sequence; an invoice's events in the order they happened. The cursor is the "
            "sequence; events are kept for EVENT_RETENTION_DAYS."
        ),
    )
    credit_note: CreditNote | None = strawberry.field(
        resolver=resolve_credit_note, description=f"One credit note; {_BY_ID}"
    )
    credit_notes: Connection[CreditNote] = strawberry.field(
        resolver=resolve_credit_notes,
        description="Credit notes, newest first; only one invoice's with invoiceId.",
    )
    webhook_endpoints: list[WebhookEndpoint] = strawberry.field(
        resolver=resolve_webhook_endpoints,
        description="The app's webhook endpoints, oldest first; their secrets are never shown.",
    )
