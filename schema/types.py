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
from gateway.domain.discounts import stored_discount
from gateway.domain.money import plain_number
from schema.context import Context
from schema.enums import (
    DeliveryMethod,
    DiscountType,
    InvoiceCurrency,
    InvoiceStatus,
    PaymentMethod,
)
from schema.pagination import Connection
from schema.stored import stored_fields
from schema.webhook_deliveries import (
    WebhookDelivery,
    WebhookDeliveryStats,
    delivery_page,
    delivery_stats,
)

if TYPE_CHECKING:
    from schema.credit_notes import CreditNote
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


@strawberry.type(description="A discount as it was asked for (see DiscountInput).")
class Discount:
    type: DiscountType
    value: Decimal

    @classmethod
    def stored(cls, kind: str | None, value: Decimal | None) -> Discount | None:
        found = stored_discount(kind, value)
        return None if found is None else cls(type=found.type, value=plain_number(found.value))


@strawberry.type
class InvoiceItem:
    invoice_id: strawberry.ID
    position: int
    product_id: strawberry.ID | None = strawberry.field(description="Null on a free-form line.")
    name: str = strawberry.field(
        description="The product's name when the line was priced; a free-form line's description."
    )
    quantity: Decimal
    unit_price: Decimal = strawberry.field(description="The product's price when priced.")
    line_total: Decimal = strawberry.field(description="quantity x unitPrice, before discounts.")
    discount: Discount | None = strawberry.field(description="The line's own discount.")
    discount_amount: Decimal = strawberry.field(description="What the line's own discount took.")
    invoice_discount_amount: Decimal = strawberry.field(
        description="The line's share of the invoice's discount."
    )
    net_total: Decimal = strawberry.field(
        description="lineTotal - discountAmount - invoiceDiscountAmount: what is taxed."
    )
    product: Product | None = strawberry.field(description="The product as it is now.")

    @classmethod
    def from_row(cls, row: ItemRow, name: str, product: Product | None) -> InvoiceItem:
        return cls(
            **_ITEM(row),
            name=name,
            quantity=row.shown_quantity,
            discount=Discount.stored(row.discount_type, row.discount_value),
            net_total=row.net_total,
            product=product,
        )


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
    subtotal: Decimal = strawberry.field(description="The sum of the lines, before discounts.")
    discount: Discount | None = strawberry.field(description="The invoice's own discount.")
    discount_amount: Decimal = strawberry.field(
        description="Every discount (the lines' own and the invoice's); what is taxed is "
        "subtotal - discountAmount."
    )
    tax_amount: Decimal
    total: Decimal
    amount_paid: Decimal
    amount_credited: Decimal = strawberry.field(
        description="What credit notes credited against the invoice."
    )
    credit_applied: Decimal = strawberry.field(
        description=(
            "The customer's credit balance the invoice consumed when it was created; 0 once "
            "voided, which gives it back to the customer."
        )
    )
    amount_due: Decimal = strawberry.field(
        description="total - amountPaid - amountCredited - creditApplied; never below 0."
    )
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

    @strawberry.field
    async def credit_notes(
        self, info: strawberry.Info[Context, None]
    ) -> list[Annotated[CreditNote, strawberry.lazy("schema.credit_notes")]]:
        from schema.credit_notes import credit_notes_of_invoice

        return await credit_notes_of_invoice(info, self.id)


@strawberry.type(
    description=(
        "A URL the gateway POSTs the app's events to, signed with the endpoint's secret "
        "(Standard Webhooks). The secret is shown once: by createWebhookEndpoint, "
        "addWebhookEndpoint and rotateWebhookEndpointSecret."
    )
)
class WebhookEndpoint:
    id: strawberry.ID
    name: str
    url: str
    enabled: bool
    encrypted: bool
    events: list[str] = strawberry.field(
        description='The event types it gets: types, "<resource>.*" or "*" (every type).'
    )
    disabled_reason: str | None = strawberry.field(
        description=(
            'Why deliveries stopped ("disabled by the app", "410 Gone", "every delivery '
            'failed since ..."); null if enabled.'
        )
    )
    previous_secret_expires_at: datetime | None = strawberry.field(
        description="After a rotation: until when deliveries are also signed with the old secret."
    )
    created_at: datetime
    updated_at: datetime

    @strawberry.field
    async def delivery_stats(self, info: strawberry.Info[Any, None]) -> WebhookDeliveryStats:
        return await delivery_stats(info.context, str(self.id))

    @strawberry.field
    async def deliveries(
        self, info: strawberry.Info[Any, None], first: int = 10, after: str | None = None
    ) -> Connection[WebhookDelivery]:
        return await delivery_page(info.context, str(self.id), first, after)

    @classmethod
    def from_row(cls, row: tables.WebhookEndpoint) -> WebhookEndpoint:
        return cls(
            id=strawberry.ID(row.id),
            name=row.name,
            url=row.url,
            enabled=row.enabled,
            encrypted=row.encrypted,
            events=list(row.enabled_events or ["*"]),
            disabled_reason=row.disabled_reason,
            previous_secret_expires_at=row.previous_secret_until,
            created_at=row.created_at,
            updated_at=row.updated_at or row.created_at,
        )


_APP = stored_fields(App, AppRow)
_WALLET = stored_fields(Wallet, WalletRow)
_PRODUCT = stored_fields(Product, ProductRow, converted={"weight", "quantity", "images"})
_TAX = stored_fields(Tax, TaxRow, converted={"components"})
_TRANSACTION = stored_fields(Transaction, TransactionRow)
_ITEM = stored_fields(InvoiceItem, ItemRow, converted={"quantity", "name"})
