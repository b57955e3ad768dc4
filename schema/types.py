"""GraphQL object types, each made from its typed row (gateway.db.rows). Nested fields
are attribute reads on objects built up front (see schema.invoices, which also holds
Customer: its invoices field builds invoices)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.scalars import JSON

from gateway.db import tables
from gateway.db.rows import AppRow, ItemRow, ProductRow, TaxRow, TransactionRow, WalletRow
from gateway.domain.money import plain_number
from schema.enums import DeliveryMethod, InvoiceCurrency, InvoiceStatus, PaymentMethod
from schema.stored import stored_fields

if TYPE_CHECKING:
    from schema.invoices import Customer


@strawberry.type(description="The app (tenant) a row belongs to: the caller's own.")
class App:
    id: strawberry.ID
    name: str
    currency: str

    @classmethod
    def from_row(cls, row: AppRow) -> App:
        return cls(**_APP(row))


@strawberry.type
class Wallet:
    id: strawberry.ID
    address: str
    blockchain: str
    type: str
    chain: str = strawberry.field(
        description='The chain in lower case, as the v0 API spells it ("ethereum").'
    )
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_row(cls, row: WalletRow) -> Wallet:
        return cls(**_WALLET(row), chain=row.blockchain.lower())


@strawberry.type
class Product:
    id: strawberry.ID
    name: str
    price: Decimal
    currency: str = strawberry.field(description="USD, EUR, GBP, CAD, AUD or JPY.")
    description: str
    product_type: str = strawberry.field(description="PRODUCT or SERVICE.")
    status: str = strawberry.field(
        description="ACTIVE or INACTIVE (also what deleting a product invoices use leaves)."
    )
    type: str | None = strawberry.field(description="Your own kind, e.g. DIGITAL.")
    weight: Decimal | None
    quantity: Decimal | None
    stock_count: int | None
    unit: str | None
    images: list[str] = strawberry.field(description="http(s) URLs of the product's images.")
    wallet_id: strawberry.ID | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_row(cls, row: ProductRow) -> Product:
        return cls(
            **_PRODUCT(row),
            weight=_shown(row.weight),
            quantity=_shown(row.quantity),
            images=list(row.images or ()),
        )


def _shown(value: Decimal | None) -> Decimal | None:
    return None if value is None else plain_number(value)


@strawberry.type(description="One step of a tax: a percentage or a fixed amount.")
class TaxComponent:
    name: str
    rate: Decimal
    type: str
    compound: bool


@strawberry.type
class Tax:
    id: strawberry.ID
    name: str
    rate: Decimal
    type: str
    inclusive: bool
    components: list[TaxComponent]
    description: str | None
    active: bool = strawberry.field(
        description="False once archived (deleted while invoices use it); kept and readable."
    )
    percentage: Decimal = strawberry.field(description="The rate, as v0 names it.")
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_row(cls, row: TaxRow) -> Tax:
        components = [_component(raw) for raw in row.components or ()]
        return cls(**_TAX(row), components=components, percentage=plain_number(row.rate))


def _component(raw: dict[str, Any]) -> TaxComponent:
    return TaxComponent(
        name=str(raw.get("name", "")),
        rate=Decimal(str(raw.get("rate", "0"))),
        type=str(raw.get("type", "PERCENTAGE")),
        compound=bool(raw.get("compound", False)),
    )


@strawberry.type
class Transaction:
    id: strawberry.ID
    invoice_id: strawberry.ID
    amount: Decimal
    method: str
    reference: str | None
    created_at: datetime

    @classmethod
    def from_row(cls, row: TransactionRow) -> Transaction:
        return cls(**_TRANSACTION(row))


@strawberry.type
class InvoiceItem:
    invoice_id: strawberry.ID
    position: int
    product_id: strawberry.ID
    name: str = strawberry.field(description="The product's name when the line was priced.")
    quantity: Decimal
    unit_price: Decimal = strawberry.field(description="The product's price when priced.")
    line_total: Decimal
    product: Product | None = strawberry.field(description="The product as it is now.")

    @classmethod
    def from_row(cls, row: ItemRow, name: str, product: Product | None) -> InvoiceItem:
        return cls(**_ITEM(row), name=name, quantity=row.shown_quantity, product=product)


@strawberry.type
class Invoice:
    id: strawberry.ID
    invoice_number: str
    name: str
    email: str
    address: str | None
    phone_number: str | None
    logo: str | None
    app_id: strawberry.ID
    customer_id: strawberry.ID
    wallet_id: strawberry.ID
    tax_id: strawberry.ID | None
    due_date: date
    send_date: date | None
    date_created: datetime
    status: InvoiceStatus
    payment_methods: list[PaymentMethod]
    delivery: DeliveryMethod
    payment_link: bool
    partial_payment: bool
    reminder_sent: bool
    paid_at: datetime | None
    payment_status: str | None
    payment_metadata: JSON | None
    currency: InvoiceCurrency
    subtotal: Decimal
    tax_amount: Decimal
    total: Decimal
    amount_paid: Decimal
    amount_due: Decimal
    payment_link_url: str | None
    payment_link_expires_at: datetime | None
    pdf_url: str = strawberry.field(
        description="The invoice PDF (GET /api/v0/invoices/{id}/pdf, with the API credentials)."
    )
    sent_at: datetime | None = strawberry.field(
        description="When the invoice became OPEN (created OPEN or sent); null for a draft."
    )
    first_opened_at: datetime | None = strawberry.field(
        description="When the invoice email was first opened (tracking pixel), if known."
    )
    first_clicked_at: datetime | None = strawberry.field(
        description="When the payment link in the invoice email was first followed, if known."
    )
    version: int = strawberry.field(
        description=(
            "1 when created, one more after every change. Pass it as expectedVersion to "
            "updateInvoice, sendInvoice, recordPayment, voidInvoice, "
            "markInvoiceUncollectible or deleteInvoice to refuse the change "
            "(VERSION_MISMATCH) if someone changed the invoice since you read it."
        )
    )
    status_reason: str | None = strawberry.field(
        description="Why it was voided or marked uncollectible, as given; null if not said."
    )
    voided_at: datetime | None = strawberry.field(description="When it became VOID.")
    marked_uncollectible_at: datetime | None = strawberry.field(
        description="When it was marked UNCOLLECTIBLE."
    )
    app: App | None
    customer: Annotated[Customer, strawberry.lazy("schema.invoices")] | None
    wallet: Wallet | None
    tax: Tax | None = strawberry.field(description="The tax as the invoice was priced with it.")
    items: list[InvoiceItem]
    transactions: list[Transaction]


@strawberry.type(
    description=(
        "A URL the gateway POSTs the app's invoice events to, signed with the endpoint's "
        "secret (Standard Webhooks). The secret is shown once, by addWebhookEndpoint."
    )
)
class WebhookEndpoint:
    id: strawberry.ID
    url: str
    enabled: bool
    disabled_reason: str | None = strawberry.field(
        description='Why deliveries stopped ("disabled by the app", "410 Gone"); null if enabled.'
    )
    created_at: datetime

    @classmethod
    def from_row(cls, row: tables.WebhookEndpoint) -> WebhookEndpoint:
        return cls(
            id=strawberry.ID(row.id),
            url=row.url,
            enabled=row.enabled,
            disabled_reason=row.disabled_reason,
            created_at=row.created_at,
        )


_APP = stored_fields(App, AppRow)
_WALLET = stored_fields(Wallet, WalletRow)
_PRODUCT = stored_fields(Product, ProductRow, converted={"weight", "quantity", "images"})
_TAX = stored_fields(Tax, TaxRow, converted={"components"})
_TRANSACTION = stored_fields(Transaction, TransactionRow)
_ITEM = stored_fields(InvoiceItem, ItemRow, converted={"quantity", "name"})
