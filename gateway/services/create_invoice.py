"""The createInvoice use case, shared by the REST shim and GraphQL: `create_invoice_once`
runs it at most once per idempotency key (gateway.services.idempotency)."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.db import reads
from gateway.db import repositories as repo
from gateway.db.credit_notes import take_credit_balance
from gateway.db.event_log import reserve_event_seqs
from gateway.db.invoice_views import InvoiceView, load_invoice_views
from gateway.db.invoice_writes import insert_invoice
from gateway.db.rows import InvoiceRow
from gateway.db.tables import Invoice
from gateway.domain.create_invoice import CreateInvoiceCommand, check_dates
from gateway.domain.errors import IdempotencyKeyReused
from gateway.domain.invoice_currency import stored_currency
from gateway.domain.numbering import format_invoice_number
from gateway.domain.status import DeliveryMethod, InvoiceStatus
from gateway.domain.versions import FIRST_VERSION
from gateway.runtime import Runtime
from gateway.services.access import Caller
from gateway.services.events import EmailKind, InvoiceEvent, emit, invoice_email
from gateway.services.idempotency import run_idempotent
from gateway.services.invoice_json import render_invoice
from gateway.services.pricing import PricedInvoice, item_rows, price_invoice, written_view
from gateway.store.base import StoredResponse

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Idempotency:
    key: str
    fingerprint: str


@dataclass(frozen=True)
class CreateResult:
    view: InvoiceView
    # False when the invoice already existed under this idempotency key.
    created: bool
    # The invoice's v0 JSON (gateway.services.invoice_json) as its events carry it, when
    # this request wrote it; None when it was found.
    rendered: dict[str, Any] | None = None

    def v0_json(self, public_base_url: str) -> dict[str, Any]:
        """The invoice's v0 JSON, rendered once per request."""
        if self.rendered is not None:
            return self.rendered
        return render_invoice(self.view, public_base_url)


def payment_link_expiry(due_date: date) -> datetime:
    """The link works through the whole due date (UTC) and expires at its end."""
    if due_date == date.max:
        return datetime.max.replace(tzinfo=UTC)
    return datetime.combine(due_date + timedelta(days=1), time.min, tzinfo=UTC)


def new_payment_link_token() -> str:
    return secrets.token_urlsafe(24)  # 192 random bits


async def create_invoice(
    runtime: Runtime,
    caller: Caller,
    command: CreateInvoiceCommand,
    idempotency: Idempotency | None = None,
) -> CreateResult:
    now = runtime.clock()
    check_dates(command.due_date, command.send_date, now.date())
    async with runtime.sessions() as session:
        if idempotency is not None:
            existing = await _existing(session, caller, idempotency)
            if existing is not None:
                return existing
        priced = await price_invoice(session, caller.app_id, command)
        try:
            # The first write under the key: a request that raced this one past the store
            # (its record lost, its claim expired) and committed first makes it fail here
            # or at the commit, with the unique (app, idempotency key).
            written = await _write(session, runtime, caller, command, priced, now, idempotency)
            await session.commit()
        except IntegrityError:
            await session.rollback()
            if idempotency is None:
                raise
            existing = await _existing(session, caller, idempotency)
            if existing is None:
                raise
            return existing
    return written


async def write_invoice(
    session: AsyncSession,
    runtime: Runtime,
    caller: Caller,
    command: CreateInvoiceCommand,
    priced: PricedInvoice,
    now: datetime,
    idempotency: Idempotency | None = None,
    *,
    dated: datetime | None = None,
) -> InvoiceView:
    """Numbers and adds the priced invoice, its items and its events (invoice.created,
    the email if it is delivered by email) to the caller's transaction, uncommitted.
    `dated`: its date_created, if not now (a recurring invoice is dated for its period)."""
    written = await _write(session, runtime, caller, command, priced, now, idempotency, dated)
    return written.view


async def _write(
    session: AsyncSession,
    runtime: Runtime,
    caller: Caller,
    command: CreateInvoiceCommand,
    priced: PricedInvoice,
    now: datetime,
    idempotency: Idempotency | None,
    dated: datetime | None = None,
) -> CreateResult:
    values = _new_invoice(command, caller, priced, idempotency, now)
    if dated is not None:
        values["date_created"] = dated
    # Issued: OPEN (or PAID at once by the customer's credit balance, below).
    opened = values["status"] != InvoiceStatus.DRAFT
    events = [InvoiceEvent.CREATED, InvoiceEvent.SENT] if opened else [InvoiceEvent.CREATED]
    counter, number_format, last_seq = await repo.next_invoice_counter(
        session, caller.app_id, len(events)
    )
    values["invoice_number"] = format_invoice_number(number_format, counter)
    # The customer's credit balance (from credit notes) pays what it can of this one.
    values["credit_applied"] = await take_credit_balance(
        session, caller.app_id, values["customer_id"], values["currency"], values["total"], now
    )
    invoice = InvoiceRow(**values)
    if invoice.status == InvoiceStatus.OPEN and settled_by_credit(invoice):
        invoice = invoice._replace(status=InvoiceStatus.PAID.value, paid_at=now)
        events.append(InvoiceEvent.PAID)
        # The app's row is still this transaction's: the next sequence follows on.
        last_seq = await reserve_event_seqs(session, caller.app_id, 1)
    items = item_rows(invoice, priced)
    view = written_view(invoice, items, caller.app_name, priced)
    await insert_invoice(session, invoice, items)
    base_url = runtime.settings.public_base_url
    rendered = render_invoice(view, base_url)
    emails = []
    if opened and invoice.delivery == DeliveryMethod.EMAIL:
        emails.append(invoice_email(invoice, EmailKind.INVOICE, now, send_at(invoice, now)))
    await emit(session, view, events, now, base_url, data=rendered, also=emails, last_seq=last_seq)
    return CreateResult(view, created=True, rendered=rendered)


@dataclass(frozen=True)
class CreatedOnce:
    # What the first request under the key stored (`store_as` of its invoice).
    response: StoredResponse
    # True when the key named an invoice created earlier.
    replayed: bool
    # The invoice as this request wrote or found it; None when replayed from the store.
    view: InvoiceView | None


async def create_invoice_once(
    runtime: Runtime,
    caller: Caller,
    command: CreateInvoiceCommand,
    *,
    key: str | None,
    fingerprint: str,
    store_as: Callable[[CreateResult], StoredResponse],
) -> CreatedOnce:
    """Create the invoice, or replay what the same key and fingerprint stored before.

    `store_as` is what a surface keeps for a replay (REST its response, GraphQL the id)
    of the invoice written or found;
    the same key with another fingerprint is IdempotencyKeyReused."""
    results: list[CreateResult] = []

    async def action() -> StoredResponse:
        idempotency = Idempotency(key, fingerprint) if key else None
        results.append(await create_invoice(runtime, caller, command, idempotency))
        return store_as(results[-1])

    outcome = await run_idempotent(runtime, caller.app_id, key, fingerprint, action)
    found = any(not result.created for result in results)
    view = results[-1].view if results else None
    return CreatedOnce(outcome.response, outcome.replayed or found, view)


def settled_by_credit(invoice: Invoice | InvoiceRow) -> bool:
    """Whether the customer's credit balance paid the invoice's whole total: issued (created
    OPEN, or sent), it is PAID at once, as Stripe marks it, with invoice.paid after
    invoice.sent."""
    return invoice.credit_applied > 0 and invoice.credit_applied >= invoice.total


def send_at(invoice: InvoiceRow, now: datetime) -> datetime:
    """When the invoice email goes out: its send_date (start of day, UTC), or now."""
    if invoice.send_date is None:
        return now
    return max(now, datetime.combine(invoice.send_date, time.min, tzinfo=UTC))


async def _existing(
    session: AsyncSession, caller: Caller, idempotency: Idempotency
) -> CreateResult | None:
    invoice = await reads.invoice_by_idempotency_key(session, caller.app_id, idempotency.key)
    if invoice is None:
        return None
    if invoice.request_fingerprint != idempotency.fingerprint:
        raise IdempotencyKeyReused()
    views = await load_invoice_views(session, caller.app_id, caller.app_name, [invoice])
    return CreateResult(views[0], created=False)


def invoice_columns(command: CreateInvoiceCommand, priced: PricedInvoice) -> dict[str, Any]:
    """The invoice columns a create or a draft edit sets from the request and its prices."""
    return {
        "name": command.name,
        "email": command.email,
        "address": command.address,
        "phone_number": command.phone_number,
        "logo": command.logo,
        "customer_id": command.customer_id,
        "wallet_id": command.wallet_id,
        "tax_id": command.tax_id,
        "due_date": command.due_date,
        "send_date": command.send_date,
        "payment_methods": [method.value for method in command.payment_methods],
        "delivery": command.delivery.value,
        "payment_link": command.payment_link,
        "partial_payment": command.partial_payment,
        "currency": stored_currency(command.currency),
        **priced.columns(),
    }


def _new_invoice(
    command: CreateInvoiceCommand,
    caller: Caller,
    priced: PricedInvoice,
    idempotency: Idempotency | None,
    now: datetime,
) -> dict[str, Any]:
    """Every column of the new invoice (gateway.db.rows.InvoiceRow's fields); its
    number and the credit it takes are set when they are known."""
    token = new_payment_link_token() if command.payment_link else None
    opened = command.status == InvoiceStatus.OPEN
    return {
        "id": f"inv_{uuid.uuid4()}",
        "app_id": caller.app_id,
        "invoice_number": "",
        "date_created": now,
        "status": command.status.value,
        **invoice_columns(command, priced),
        "reminder_sent": False,
        "paid_at": None,
        "payment_metadata": None,
        "payment_status": None,
        "amount_paid": ZERO,
        "payment_link_token": token,
        "payment_link_expires_at": payment_link_expiry(command.due_date) if token else None,
        "idempotency_key": idempotency.key if idempotency else None,
        "request_fingerprint": idempotency.fingerprint if idempotency else None,
        "sent_at": now if opened else None,
        "tracking_token": secrets.token_urlsafe(24),
        "first_opened_at": None,
        "first_clicked_at": None,
        "version": FIRST_VERSION,
        "status_reason": None,
        "voided_at": None,
        "marked_uncollectible_at": None,
        "amount_credited": ZERO,
        "credit_applied": ZERO,
    }
