"""The sqlmodel tables. Every row belongs to an app (the tenant)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint, false, text
from sqlmodel import Field, SQLModel

from gateway.db.types import ExactDecimal, UtcDateTime
from gateway.domain.versions import FIRST_VERSION

MONEY = ExactDecimal(20, 2)
RATE = ExactDecimal(12, 4)
QUANTITY = ExactDecimal(18, 4)


def _money(nullable: bool = False) -> Any:
    return Field(sa_column=Column(MONEY, nullable=nullable))


def _no_money() -> Any:
    """An amount that is 0.00 unless set (a discount taken off)."""
    zero = Decimal("0.00")
    # Both defaults: the model's for ORM objects, the column's for Core inserts.
    return Field(default=zero, sa_column=Column(MONEY, nullable=False, default=zero))


def _stamp() -> Any:
    """A creation or change time; the use case sets it from its clock (the factory is
    for rows made outside one, such as fixtures)."""
    return Field(
        default_factory=lambda: datetime.now(UTC),
        sa_column=Column(UtcDateTime(), nullable=False),
    )


def _timestamp(nullable: bool = True) -> Any:
    return Field(default=None, sa_column=Column(UtcDateTime(), nullable=nullable))


class App(SQLModel, table=True):
    __tablename__ = "app"

    id: str = Field(primary_key=True, max_length=64)
    name: str = Field(max_length=200)
    invoice_number_format: str = Field(default="INV-{number:06d}", max_length=64)
    invoice_counter: int = Field(default=0)
    # The sequence of the app's last event (gateway.db.event_log): 0 before the first.
    event_seq: int = Field(default=0)
    # Credit notes have their own gapless sequence and format (gateway.domain.numbering).
    credit_note_number_format: str = Field(default="CN-{number:06d}", max_length=64)
    credit_note_counter: int = Field(default=0)
    currency: str = Field(default="USDC", max_length=12)
    created_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    # Where a customer paying by BANK_TRANSFER sends the money: {"account_name", "iban",
    # "bic", "bank_name", "reference"} (strings; any may be absent). None: not given.
    bank_details: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    # The app's logo as a data URL (image/png or image/jpeg), shown on PDFs and pages;
    # never fetched from elsewhere at render time.
    logo: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class ApiCredential(SQLModel, table=True):
    __tablename__ = "api_credential"

    id: str = Field(primary_key=True, max_length=64)
    app_id: str = Field(foreign_key="app.id", index=True, max_length=64)
    client_key: str = Field(unique=True, max_length=128)
    secret_hash: str = Field(max_length=128)
    revoked: bool = Field(default=False)
    created_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))


class Customer(SQLModel, table=True):
    __tablename__ = "customer"
    __table_args__ = (
        # One customer per email address in an app (v0: 409 on a second one).
        UniqueConstraint("app_id", "email_key", name="uq_customer_app_email"),
        # Keyset pages ordered by name or by creation.
        Index("ix_customer_app_name", "app_id", "name", "id"),
        Index("ix_customer_app_created", "app_id", "created_at", "id"),
    )

    id: str = Field(primary_key=True, max_length=64)
    app_id: str = Field(foreign_key="app.id", index=True, max_length=64)
    email: str | None = Field(default=None, max_length=320)
    # first_name and last_name joined by a space: what lists sort and search by.
    name: str = Field(max_length=200)
    status: str = Field(default="ACTIVE", max_length=32)
    address: str | None = Field(default=None, max_length=500)
    phone_number: str | None = Field(default=None, max_length=64)
    # The language and region documents for the customer are written in ("de", "fr_CA");
    # None: English.
    locale: str | None = Field(default=None, max_length=16)
    first_name: str = Field(default="", max_length=100)
    last_name: str = Field(default="", max_length=100)
    customer_type: str | None = Field(default="Individual", max_length=32)
    # The email address folded to lower case (None without one): the uniqueness key.
    email_key: str | None = Field(default=None, max_length=320)
    # The last payment received on one of the customer's invoices, and when.
    last_spent: Decimal = Field(default=Decimal("0.00"), sa_column=Column(MONEY, nullable=False))
    last_purchase_date: datetime | None = _timestamp()
    created_at: datetime = _stamp()
    updated_at: datetime = _stamp()


class Wallet(SQLModel, table=True):
    __tablename__ = "wallet"

    id: str = Field(primary_key=True, max_length=64)
    app_id: str = Field(foreign_key="app.id", index=True, max_length=64)
    address: str = Field(max_length=200)
    blockchain: str = Field(max_length=32)
    type: str = Field(default="APP", max_length=32)
    created_at: datetime = _stamp()
    updated_at: datetime = _stamp()


class Product(SQLModel, table=True):
    __tablename__ = "product"
    __table_args__ = (Index("ix_product_app_created", "app_id", "created_at", "id"),)

    id: str = Field(primary_key=True, max_length=64)
    app_id: str = Field(foreign_key="app.id", index=True, max_length=64)
    name: str = Field(max_length=200)
    price: Decimal = _money()
    currency: str = Field(default="USD", max_length=12)
    description: str = Field(default="", max_length=2000)
    product_type: str = Field(default="PRODUCT", max_length=16)
    status: str = Field(default="ACTIVE", max_length=16)
    type: str | None = Field(default=None, max_length=64)
    weight: Decimal | None = Field(default=None, sa_column=Column(QUANTITY, nullable=True))
    quantity: Decimal | None = Field(default=None, sa_column=Column(QUANTITY, nullable=True))
    stock_count: int | None = None
    unit: str | None = Field(default=None, max_length=32)
    images: list[str] | None = Field(default=None, sa_column=Column(JSON))
    wallet_id: str | None = Field(default=None, foreign_key="wallet.id", max_length=64)
    created_at: datetime = _stamp()
    updated_at: datetime = _stamp()


class Tax(SQLModel, table=True):
    """A tax: one rate, or compound components applied in order."""

    __tablename__ = "tax"

    id: str = Field(primary_key=True, max_length=64)
    app_id: str = Field(foreign_key="app.id", index=True, max_length=64)
    name: str = Field(max_length=200)
    rate: Decimal = Field(sa_column=Column(RATE, nullable=False))
    type: str = Field(default="PERCENTAGE", max_length=16)
    inclusive: bool = Field(default=False)
    # [{"name": str, "rate": str, "type": "PERCENTAGE"|"FIXED", "compound": bool}, ...]
    components: list[dict[str, Any]] | None = Field(default=None, sa_column=Column(JSON))
    description: str | None = Field(default=None, max_length=255)
    active: bool = Field(default=True)
    created_at: datetime = _stamp()
    updated_at: datetime = _stamp()


class Invoice(SQLModel, table=True):
    __tablename__ = "invoice"
    __table_args__ = (
        UniqueConstraint("app_id", "invoice_number", name="uq_invoice_app_number"),
        UniqueConstraint("app_id", "idempotency_key", name="uq_invoice_app_idempotency_key"),
        UniqueConstraint("tracking_token", name="uq_invoice_tracking_token"),
        # Pages of an app's invoices, newest first: read from the index, not sorted.
        Index("ix_invoice_app_created", "app_id", "date_created", "id"),
    )

    id: str = Field(primary_key=True, max_length=64)
    app_id: str = Field(foreign_key="app.id", index=True, max_length=64)
    invoice_number: str = Field(max_length=64)
    name: str = Field(max_length=200)
    email: str = Field(max_length=320)
    address: str | None = Field(default=None, max_length=500)
    phone_number: str | None = Field(default=None, max_length=64)
    logo: str | None = Field(default=None, max_length=2048)
    customer_id: str = Field(foreign_key="customer.id", index=True, max_length=64)
    wallet_id: str = Field(foreign_key="wallet.id", max_length=64)
    tax_id: str | None = Field(default=None, foreign_key="tax.id", max_length=64)
    due_date: date
    send_date: date | None = None
    date_created: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    status: str = Field(max_length=16, index=True)
    payment_methods: list[str] = Field(sa_column=Column(JSON, nullable=False))
    delivery: str = Field(max_length=16)
    payment_link: bool = False
    partial_payment: bool = False
    reminder_sent: bool = False
    paid_at: datetime | None = _timestamp()
    payment_metadata: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    payment_status: str | None = Field(default=None, max_length=32)
    currency: str = Field(default="USDC", max_length=12)
    subtotal: Decimal = _money()
    tax_amount: Decimal = _money()
    total: Decimal = _money()
    amount_paid: Decimal = _money()
    payment_link_token: str | None = Field(default=None, unique=True, max_length=64)
    payment_link_expires_at: datetime | None = _timestamp()
    idempotency_key: str | None = Field(default=None, max_length=255)
    request_fingerprint: str | None = Field(default=None, max_length=64)
    sent_at: datetime | None = _timestamp()
    # Delivery tracking: the open pixel and the payment-link click-through.
    tracking_token: str | None = Field(default=None, max_length=64)
    first_opened_at: datetime | None = _timestamp()
    first_clicked_at: datetime | None = _timestamp()
    # 1 when created, incremented by every change: ETag / If-Match, expectedVersion.
    version: int = Field(default=FIRST_VERSION)
    # The tax as it was when the invoice was priced (a TaxRow's name, rate, type,
    # inclusive, components; rates as strings): a later change of the tax row does not
    # change an issued invoice. None for invoices priced before it was kept.
    tax_snapshot: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    # Why it was voided or marked uncollectible (the caller's words), and when.
    status_reason: str | None = Field(default=None, max_length=500)
    voided_at: datetime | None = _timestamp()
    marked_uncollectible_at: datetime | None = _timestamp()
    # The invoice's own discount as asked (gateway.domain.discounts): PERCENTAGE or FIXED
    # and its value; None for none.
    discount_type: str | None = Field(default=None, max_length=16)
    discount_value: Decimal | None = Field(default=None, sa_column=Column(QUANTITY))
    # Every discount on the invoice (the lines' own and the invoice's): subtotal -
    # discount_amount is what is taxed.
    discount_amount: Decimal = _no_money()
    # What credit notes credited against the invoice (at most its total), and the
    # customer's credit balance it consumed when created (given back, and 0.00, once void).
    amount_credited: Decimal = _no_money()
    credit_applied: Decimal = _no_money()


class InvoiceItem(SQLModel, table=True):
    __tablename__ = "invoice_item"

    id: int | None = Field(default=None, primary_key=True)
    app_id: str = Field(foreign_key="app.id", max_length=64)
    invoice_id: str = Field(foreign_key="invoice.id", index=True, max_length=64)
    position: int
    # None on a free-form line (its name and unit price are its own).
    product_id: str | None = Field(default=None, foreign_key="product.id", max_length=64)
    quantity: Decimal = Field(sa_column=Column(QUANTITY, nullable=False))
    unit_price: Decimal = _money()
    # quantity x unit_price, before any discount.
    line_total: Decimal = _money()
    # The product's name when the line was priced (None on lines from before it was kept);
    # a free-form line's description.
    name: str | None = Field(default=None, max_length=200)
    # The line's own discount as asked, and what it took off line_total.
    discount_type: str | None = Field(default=None, max_length=16)
    discount_value: Decimal | None = Field(default=None, sa_column=Column(QUANTITY))
    discount_amount: Decimal = _no_money()
    # The line's share of the invoice's discount.
    invoice_discount_amount: Decimal = _no_money()


class Transaction(SQLModel, table=True):
    __tablename__ = "transaction"

    id: str = Field(primary_key=True, max_length=64)
    app_id: str = Field(foreign_key="app.id", max_length=64)
    invoice_id: str = Field(foreign_key="invoice.id", index=True, max_length=64)
    amount: Decimal = _money()
    method: str = Field(max_length=32)
    reference: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))


class CreditNote(SQLModel, table=True):
    """A numbered correction of an issued invoice (gateway.domain.credit_notes)."""

    __tablename__ = "credit_note"
    __table_args__ = (
        UniqueConstraint("app_id", "credit_note_number", name="uq_credit_note_app_number"),
        Index("ix_credit_note_app_created", "app_id", "created_at", "id"),
    )

    id: str = Field(primary_key=True, max_length=64)
    app_id: str = Field(foreign_key="app.id", max_length=64)
    invoice_id: str = Field(foreign_key="invoice.id", index=True, max_length=64)
    customer_id: str = Field(foreign_key="customer.id", max_length=64)
    credit_note_number: str = Field(max_length=64)
    reason: str | None = Field(default=None, max_length=32)
    memo: str | None = Field(default=None, max_length=500)
    currency: str = Field(max_length=12)
    subtotal: Decimal = _money()
    tax_amount: Decimal = _money()
    total: Decimal = _money()
    amount_applied: Decimal = _money()
    refund_amount: Decimal = _money()
    balance_amount: Decimal = _money()
    refund_method: str | None = Field(default=None, max_length=32)
    refund_reference: str | None = Field(default=None, max_length=200)
    created_at: datetime = _stamp()


class CreditNoteLine(SQLModel, table=True):
    __tablename__ = "credit_note_line"

    id: int | None = Field(default=None, primary_key=True)
    app_id: str = Field(foreign_key="app.id", max_length=64)
    credit_note_id: str = Field(foreign_key="credit_note.id", index=True, max_length=64)
    invoice_id: str = Field(foreign_key="invoice.id", index=True, max_length=64)
    position: int
    invoice_position: int
    name: str = Field(max_length=200)
    quantity: Decimal = Field(sa_column=Column(QUANTITY, nullable=False))
    unit_price: Decimal = _money()
    amount: Decimal = _money()


class CustomerCreditBalance(SQLModel, table=True):
    """What a customer holds in credit, per currency: credit notes add to it, the
    customer's next invoice in that currency consumes it."""

    __tablename__ = "customer_credit_balance"

    customer_id: str = Field(foreign_key="customer.id", primary_key=True, max_length=64)
    currency: str = Field(primary_key=True, max_length=12)
    app_id: str = Field(foreign_key="app.id", index=True, max_length=64)
    amount: Decimal = _money()
    updated_at: datetime = _stamp()


class WebhookEndpoint(SQLModel, table=True):
    __tablename__ = "webhook_endpoint"

    id: str = Field(primary_key=True, max_length=64)
    app_id: str = Field(foreign_key="app.id", index=True, max_length=64)
    url: str = Field(max_length=2048)
    # Standard Webhooks signing secret ("whsec_" + base64 of 24 random bytes), sealed
    # ("fernet:...", gateway.secret_box); rows from before encryption hold it plain.
    secret: str = Field(max_length=256)
    enabled: bool = True
    disabled_reason: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    # A label for people (v0 `name`); "" on endpoints added before it was asked for (and
    # by a process that predates it, hence the server default).
    name: str = Field(default="", max_length=100, sa_column_kwargs={"server_default": text("''")})
    # v0 `encrypted`: kept and shown as given; deliveries are signed either way.
    encrypted: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    # The event types sent to it ("invoice.paid", "invoice.*", "*"); None: every type.
    enabled_events: list[str] | None = Field(default=None, sa_column=Column(JSON))
    # The secret before the last rotation (sealed as `secret` is) and until when
    # deliveries are also signed with it; None outside an overlap.
    previous_secret: str | None = Field(default=None, max_length=256)
    previous_secret_until: datetime | None = _timestamp()
    # When the current unbroken run of failed attempts began; None after a success.
    failing_since: datetime | None = _timestamp()
    updated_at: datetime | None = _timestamp()
    # Deleted endpoints are kept (their delivery log refers to them) but never shown.
    deleted_at: datetime | None = _timestamp()


class OutboxMessage(SQLModel, table=True):
    """Work for the worker, written in the transaction of the change that caused it.

    channel "webhook": one row per (event, endpoint); its id is the webhook-id, stable
    across retries. channel "email": one row per email; next_attempt_at holds back a
    scheduled send until its send_date.
    """

    __tablename__ = "outbox_message"
    __table_args__ = (
        # A resource's earlier webhooks to the same endpoint (claim_outbox_messages).
        Index(
            "ix_outbox_endpoint_resource_seq", "endpoint_id", "resource_type", "resource_id", "seq"
        ),
    )

    id: str = Field(primary_key=True, max_length=64)
    app_id: str = Field(foreign_key="app.id", index=True, max_length=64)
    # The invoice an invoice event or email is about; None for other resources' events.
    invoice_id: str | None = Field(
        default=None, foreign_key="invoice.id", index=True, max_length=64
    )
    # The resource an event is about ("invoice", "customer", "product", "tax", "wallet").
    resource_type: str | None = Field(default=None, max_length=32)
    resource_id: str | None = Field(default=None, max_length=64)
    # The W3C traceparent (and tracestate) of the request that caused the message, so its
    # delivery joins that trace. None when tracing is off.
    trace_context: str | None = Field(default=None, max_length=512)
    channel: str = Field(max_length=16)
    event_type: str = Field(max_length=64)
    # The event of the log a webhook delivers, and its sequence (None for emails). Not a
    # foreign key: the log is pruned by age, a delivery's record is kept.
    event_id: str | None = Field(default=None, max_length=64)
    seq: int | None = None
    endpoint_id: str | None = Field(default=None, foreign_key="webhook_endpoint.id", max_length=64)
    # The webhook-id a replay carries: the id of the message it replays (None: this row's
    # own id), so a receiver sees the same id for the same event.
    webhook_id: str | None = Field(default=None, max_length=64)
    # The exact JSON body (text, so Decimals stay exact and the signed bytes are stable).
    payload: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default="pending", max_length=16, index=True)
    attempts: int = 0
    next_attempt_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False, index=True))
    locked_until: datetime | None = _timestamp()
    last_error: str | None = Field(default=None, max_length=1000)
    created_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    delivered_at: datetime | None = _timestamp()


class Event(SQLModel, table=True):
    """The event log: every event of an app once, in the order of its sequence.

    `seq` is the app's counter (App.event_seq) advanced in the transaction that wrote the
    event; gateway.db.event_log tells why the order of sequences is the order of commits.
    """

    __tablename__ = "event"
    __table_args__ = (
        # The feed: an app's events after a sequence (the constraint is that index).
        UniqueConstraint("app_id", "seq", name="uq_event_app_seq"),
        # The feed of one invoice, and the order of its webhooks.
        Index("ix_event_app_invoice_seq", "app_id", "invoice_id", "seq"),
        # Retention: the oldest events of every app.
        Index("ix_event_created", "created_at"),
    )

    id: str = Field(primary_key=True, max_length=64)
    app_id: str = Field(foreign_key="app.id", max_length=64)
    seq: int
    type: str = Field(max_length=64)
    resource_type: str = Field(max_length=32)
    resource_id: str = Field(max_length=64)
    # The invoice an invoice event is about (not a foreign key, as resource_id is not).
    invoice_id: str | None = Field(default=None, max_length=64)
    # The exact JSON body webhooks send: {"type", "timestamp", "data"}.
    payload: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))


class WebhookAttempt(SQLModel, table=True):
    """The delivery log: one row per HTTP attempt."""

    __tablename__ = "webhook_attempt"
    # An endpoint's delivery log, newest first.
    __table_args__ = (Index("ix_webhook_attempt_endpoint", "endpoint_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    app_id: str = Field(foreign_key="app.id", max_length=64)
    message_id: str = Field(foreign_key="outbox_message.id", index=True, max_length=64)
    endpoint_id: str = Field(foreign_key="webhook_endpoint.id", max_length=64)
    attempt: int
    status_code: int | None = None
    error: str | None = Field(default=None, max_length=1000)
    duration_ms: int
    created_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))


class RecurringInvoice(SQLModel, table=True):
    """A schedule that the worker turns into invoices (gateway.domain.recurring)."""

    __tablename__ = "recurring_invoice"
    __table_args__ = (
        Index("ix_recurring_invoice_app_created", "app_id", "created_at", "id"),
        # The worker's search: active schedules whose next run has come.
        Index("ix_recurring_invoice_due", "status", "next_run_at"),
    )

    id: str = Field(primary_key=True, max_length=64)
    app_id: str = Field(foreign_key="app.id", max_length=64)
    status: str = Field(max_length=16)
    interval: str = Field(max_length=16)
    anchor_day: int
    start_date: date
    end_date: date | None = None
    period_count: int | None = None
    days_until_due: int
    # The createInvoice fields but the dates (gateway.domain.recurring.InvoiceTemplate).
    template: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    # The period the next invoice is for (0 is the first) and when it runs (00:00 UTC of
    # its run date); None while paused and once cancelled or completed.
    next_period: int = 0
    next_run_at: datetime | None = _timestamp()
    invoices_generated: int = 0
    last_invoice_id: str | None = Field(default=None, max_length=64)
    # Why the worker paused it (its template could not be invoiced); None otherwise.
    paused_reason: str | None = Field(default=None, max_length=500)
    created_at: datetime = _stamp()
    updated_at: datetime = _stamp()


class RecurringInvoiceRun(SQLModel, table=True):
    """One period of a schedule made into an invoice, written in the invoice's
    transaction: the unique (schedule, period) lets no period be invoiced twice."""

    __tablename__ = "recurring_invoice_run"
    __table_args__ = (
        UniqueConstraint("recurring_invoice_id", "period", name="uq_recurring_invoice_run_period"),
    )

    id: int | None = Field(default=None, primary_key=True)
    app_id: str = Field(foreign_key="app.id", max_length=64)
    recurring_invoice_id: str = Field(foreign_key="recurring_invoice.id", max_length=64)
    period: int
    run_date: date
    invoice_id: str = Field(foreign_key="invoice.id", max_length=64)
    created_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
