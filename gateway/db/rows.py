"""The read model: every row a surface shows (REST, GraphQL, PDF, email, webhook
payloads, pages), as a typed named tuple.

A field list is a table's columns, in the order the read statements (gateway.db.reads)
select them, so a result row becomes a tuple without a lookup per column. Named tuples
rather than SQLAlchemy Rows or ORM objects: an attribute read costs a tenth. A write use
case that holds the ORM object it just wrote turns it into the same row with `row_of`.
Values derived from columns (amount due, a quantity as shown) are properties here, so
each is computed in one place.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple, TypeVar

from gateway.domain.money import amount_due, plain_number


class AppRow(NamedTuple):
    id: str
    name: str
    currency: str
    bank_details: dict[str, Any] | None
    logo: str | None


class CustomerRow(NamedTuple):
    id: str
    app_id: str
    email: str | None
    name: str
    status: str
    address: str | None
    phone_number: str | None
    locale: str | None
    first_name: str
    last_name: str
    customer_type: str | None
    last_spent: Decimal
    last_purchase_date: datetime | None
    created_at: datetime
    updated_at: datetime


class WalletRow(NamedTuple):
    id: str
    app_id: str
    address: str
    blockchain: str
    type: str
    created_at: datetime
    updated_at: datetime


class ProductRow(NamedTuple):
    id: str
    app_id: str
    name: str
    price: Decimal
    currency: str
    description: str
    product_type: str
    status: str
    type: str | None
    weight: Decimal | None
    quantity: Decimal | None
    stock_count: int | None
    unit: str | None
    images: list[str] | None
    wallet_id: str | None
    created_at: datetime
    updated_at: datetime


class TaxRow(NamedTuple):
    id: str
    app_id: str
    name: str
    rate: Decimal
    type: str
    inclusive: bool
    # [{"name": str, "rate": str, "type": "PERCENTAGE"|"FIXED", "compound": bool}, ...]
    components: list[dict[str, Any]] | None
    description: str | None
    active: bool
    created_at: datetime
    updated_at: datetime


class InvoiceRow(NamedTuple):
    id: str
    app_id: str
    invoice_number: str
    name: str
    email: str
    address: str | None
    phone_number: str | None
    logo: str | None
    customer_id: str
    wallet_id: str
    tax_id: str | None
    due_date: date
    send_date: date | None
    date_created: datetime
    status: str
    payment_methods: list[str]
    delivery: str
    payment_link: bool
    partial_payment: bool
    reminder_sent: bool
    paid_at: datetime | None
    payment_metadata: dict[str, Any] | None
    payment_status: str | None
    currency: str
    subtotal: Decimal
    tax_amount: Decimal
    total: Decimal
    amount_paid: Decimal
    payment_link_token: str | None
    payment_link_expires_at: datetime | None
    idempotency_key: str | None
    request_fingerprint: str | None
    sent_at: datetime | None
    tracking_token: str | None
    first_opened_at: datetime | None
    first_clicked_at: datetime | None
    version: int
    # The tax as priced (gateway.db.tables.Invoice.tax_snapshot).
    tax_snapshot: dict[str, Any] | None
    status_reason: str | None
    voided_at: datetime | None
    marked_uncollectible_at: datetime | None

    @property
    def amount_due(self) -> Decimal:
        return amount_due(self.total, self.amount_paid, void=self.status == "VOID")


class ItemRow(NamedTuple):
    id: int | None
    app_id: str
    invoice_id: str
    position: int
    product_id: str
    quantity: Decimal
    unit_price: Decimal
    line_total: Decimal
    # The product's name as priced; None on lines from before it was kept.
    name: str | None

    @property
    def shown_quantity(self) -> Decimal:
        """1.5, not 1.5000 as the column holds it."""
        return plain_number(self.quantity)


class TransactionRow(NamedTuple):
    id: str
    app_id: str
    invoice_id: str
    amount: Decimal
    method: str
    reference: str | None
    created_at: datetime


RowT = TypeVar("RowT", bound=tuple[Any, ...])


def row_of(row_type: type[RowT], obj: object) -> RowT:
    """The row for an ORM object (or anything with the row's attributes)."""
    fields: tuple[str, ...] = row_type._fields  # type: ignore[attr-defined]
    row: RowT = row_type._make(getattr(obj, name) for name in fields)  # type: ignore[attr-defined]
    return row


class RecurringInvoiceRow(NamedTuple):
    id: str
    app_id: str
    status: str
    interval: str
    anchor_day: int
    start_date: date
    end_date: date | None
    period_count: int | None
    days_until_due: int
    template: dict[str, Any]
    next_period: int
    next_run_at: datetime | None
    invoices_generated: int
    last_invoice_id: str | None
    paused_reason: str | None
    created_at: datetime
    updated_at: datetime
