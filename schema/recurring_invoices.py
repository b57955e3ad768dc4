"""Recurring invoices in GraphQL: the RecurringInvoice type, createRecurringInvoice (once
per idempotency key), updateRecurringInvoice, pause-, resume- and cancelRecurringInvoice;
through gateway.services.recurring_invoices, as /api/v0/recurring_invoices does, checked
by gateway.domain.recurring_rules. A refused change of state is an INVALID_TRANSITION
userError that says why."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

import strawberry

from gateway.db.rows import RecurringInvoiceRow
from gateway.domain.create_invoice import ItemRequest
from gateway.domain.discounts import Discount as DomainDiscount
from gateway.domain.errors import InvalidInput
from gateway.domain.money import plain_number, round_money
from gateway.domain.recurring import (
    DEFAULT_DAYS_UNTIL_DUE,
    CreateRecurringInvoiceCommand,
    Interval,
    InvoiceTemplate,
    ScheduleStatus,
    UpdateRecurringInvoiceCommand,
)
from gateway.domain.recurring_rules import checked_create
from gateway.domain.update_invoice import UNCHANGED
from gateway.runtime import Runtime
from gateway.services import recurring_invoices as service
from gateway.services.access import Caller
from gateway.services.idempotency import idempotency_key
from schema.context import Context
from schema.enums import DeliveryMethod, InvoiceCurrency, InvoiceStatus, PaymentMethod
from schema.inputs import DiscountInput, InvoiceItemInput
from schema.once import create_once
from schema.types import Discount
from schema.user_errors import USER_ERRORS, UserError, user_errors

Info = strawberry.Info[Context, None]
_ID = ("id",)

strawberry.enum(
    Interval,
    name="RecurringInterval",
    description=(
        "WEEKLY on an ISO weekday (1 Monday to 7 Sunday); MONTHLY on a day of the month, "
        "the last day of a shorter month; YEARLY on a day of the start date's month."
    ),
)
strawberry.enum(
    ScheduleStatus,
    name="RecurringInvoiceStatus",
    description=(
        "ACTIVE makes invoices; PAUSED makes none (on resume the periods missed are "
        "skipped); CANCELLED and COMPLETED (after the last period) are final."
    ),
)


@strawberry.type(
    description=(
        "One line of a recurring invoice's template: a product's (productId) or a free-form "
        "one (description and unitPrice, no product), as InvoiceItemInput takes it."
    )
)
class RecurringInvoiceItem:
    product_id: strawberry.ID | None
    quantity: Decimal
    description: str | None
    unit_price: Decimal | None
    discount: Discount | None = strawberry.field(description="The line's own discount.")

    @classmethod
    def of(cls, item: ItemRequest) -> RecurringInvoiceItem:
        return cls(
            product_id=None if item.product_id is None else strawberry.ID(item.product_id),
            quantity=plain_number(item.quantity),
            description=item.description,
            unit_price=None if item.unit_price is None else round_money(item.unit_price),
            discount=_discount(item.discount),
        )


def _discount(discount: DomainDiscount | None) -> Discount | None:
    return None if discount is None else Discount.stored(discount.type, discount.value)


@strawberry.type(description="The createInvoice fields every invoice of a schedule is made of.")
class RecurringInvoiceTemplate:
    name: str
    email: str
    customer_id: strawberry.ID
    wallet_id: strawberry.ID
    items: list[RecurringInvoiceItem]
    delivery: DeliveryMethod
    payment_link: bool
    payment_methods: list[PaymentMethod]
    status: InvoiceStatus
    partial_payment: bool
    address: str | None
    phone_number: str | None
    logo: str | None
    tax_id: strawberry.ID | None
    currency: InvoiceCurrency
    discount: Discount | None = strawberry.field(
        description="Off the whole invoice, after each line's own discount."
    )

    @classmethod
    def of(cls, template: InvoiceTemplate) -> RecurringInvoiceTemplate:
        values: dict[str, Any] = vars(template) | {
            "items": [RecurringInvoiceItem.of(item) for item in template.items],
            "payment_methods": list(template.payment_methods),
            "discount": _discount(template.discount),
        }
        return cls(**values)


@strawberry.type(description="A schedule the worker turns into invoices, one per period.")
class RecurringInvoice:
    id: strawberry.ID
    status: ScheduleStatus
    interval: Interval
    anchor_day: int
    start_date: date
    end_date: date | None
    count: int | None = strawberry.field(description="Periods in all; null: no limit.")
    days_until_due: int
    next_run_at: datetime | None = strawberry.field(
        description="When the next invoice is made (00:00 UTC of its day); null unless ACTIVE."
    )
    invoices_generated: int
    last_invoice_id: strawberry.ID | None
    paused_reason: str | None = strawberry.field(
        description="Why the worker paused it: its template could no longer be invoiced."
    )
    invoice: RecurringInvoiceTemplate
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_row(cls, row: RecurringInvoiceRow) -> RecurringInvoice:
        return cls(
            id=strawberry.ID(row.id),
            status=ScheduleStatus(row.status),
            interval=Interval(row.interval),
            anchor_day=row.anchor_day,
            start_date=row.start_date,
            end_date=row.end_date,
            count=row.period_count,
            days_until_due=row.days_until_due,
            next_run_at=row.next_run_at,
            invoices_generated=row.invoices_generated,
            last_invoice_id=None
            if row.last_invoice_id is None
            else strawberry.ID(row.last_invoice_id),
            paused_reason=row.paused_reason,
            invoice=RecurringInvoiceTemplate.of(InvoiceTemplate.from_stored(row.template)),
            created_at=row.created_at,
            updated_at=row.updated_at,
        )


@strawberry.input(description="The createInvoice fields but the dates.")
class RecurringInvoiceTemplateInput:
    name: str
    email: str
    customer_id: strawberry.ID
    wallet_id: strawberry.ID
    items: list[InvoiceItemInput]
    delivery: DeliveryMethod
    payment_link: bool
    payment_methods: list[PaymentMethod]
    status: InvoiceStatus = strawberry.field(description="DRAFT or OPEN.")
    partial_payment: bool
    address: str | None = None
    phone_number: str | None = None
    logo: str | None = None
    tax_id: strawberry.ID | None = None
    currency: InvoiceCurrency = InvoiceCurrency.USDC
    discount: DiscountInput | None = strawberry.field(
        default=None, description="Off the whole invoice, after each line's own discount."
    )

    def to_template(self) -> InvoiceTemplate:
        values = vars(self) | {
            "items": tuple(item.to_item() for item in self.items),
            "payment_methods": tuple(self.payment_methods),
            "discount": None if self.discount is None else self.discount.to_discount(),
        }
        return InvoiceTemplate(**values)


@strawberry.input(description="A schedule, as POST /api/v0/recurring_invoices takes it.")
class CreateRecurringInvoiceInput:
    invoice: RecurringInvoiceTemplateInput
    interval: Interval
    start_date: date = strawberry.field(description="Today or later.")
    anchor_day: int | None = strawberry.field(
        default=None,
        description="1-7 (WEEKLY) or 1-31; default: the start date's weekday or day.",
    )
    end_date: date | None = None
    count: int | None = strawberry.field(default=None, description="1 to 1000 periods.")
    days_until_due: int = strawberry.field(
        default=DEFAULT_DAYS_UNTIL_DUE, description="0 to 365: each due date after its period."
    )

    def to_command(self) -> CreateRecurringInvoiceCommand:
        return CreateRecurringInvoiceCommand(
            template=self.invoice.to_template(),
            interval=self.interval,
            start_date=self.start_date,
            anchor_day=self.anchor_day,
            end_date=self.end_date,
            count=self.count,
            days_until_due=self.days_until_due,
        )


@strawberry.input(
    description=(
        "Changes for the periods to come: a field left out stays as it is; endDate or count "
        "null (given) clears it; invoice replaces the whole template."
    )
)
class UpdateRecurringInvoiceInput:
    invoice: RecurringInvoiceTemplateInput | None = None
    end_date: date | None = strawberry.UNSET
    count: int | None = strawberry.UNSET
    days_until_due: int | None = None

    def to_command(self) -> UpdateRecurringInvoiceCommand:
        given: dict[str, Any] = {
            "template": UNCHANGED if self.invoice is None else self.invoice.to_template(),
            "end_date": UNCHANGED if self.end_date is strawberry.UNSET else self.end_date,
            "count": UNCHANGED if self.count is strawberry.UNSET else self.count,
            "days_until_due": UNCHANGED if self.days_until_due is None else self.days_until_due,
        }
        return UpdateRecurringInvoiceCommand(**given)


@strawberry.type
class RecurringInvoicePayload:
    recurring_invoice: RecurringInvoice | None
    user_errors: list[UserError]


async def resolve_create_recurring_invoice(
    info: Info,
    schedule_input: Annotated[CreateRecurringInvoiceInput, strawberry.argument(name="input")],
    key_argument: Annotated[str | None, strawberry.argument(name="idempotencyKey")] = None,
) -> RecurringInvoicePayload:
    context = info.context
    runtime, caller = context.runtime, context.caller
    try:
        idempotency_key(context.request.headers, key_argument)
    except InvalidInput as exc:
        return RecurringInvoicePayload(
            recurring_invoice=None, user_errors=user_errors(exc, prefix=())
        )
    try:
        command = checked_create(schedule_input.to_command(), runtime.clock().date())

        async def create() -> str:
            return (await service.create_recurring_invoice(runtime, caller, command)).id

        operation = "createRecurringInvoice"
        created = await create_once(context, operation, key_argument, command, create)
        row = await service.get_recurring_invoice(runtime, caller, created.id)
    except USER_ERRORS as exc:
        return RecurringInvoicePayload(recurring_invoice=None, user_errors=user_errors(exc))
    return RecurringInvoicePayload(recurring_invoice=RecurringInvoice.from_row(row), user_errors=[])


async def _changed(
    info: Info, change: Callable[[Runtime, Caller], Awaitable[RecurringInvoiceRow]]
) -> RecurringInvoicePayload:
    context = info.context
    try:
        row = await change(context.runtime, context.caller)
    except USER_ERRORS as exc:
        errors = user_errors(exc, not_found=_ID)
        return RecurringInvoicePayload(recurring_invoice=None, user_errors=errors)
    return RecurringInvoicePayload(recurring_invoice=RecurringInvoice.from_row(row), user_errors=[])


async def resolve_update_recurring_invoice(
    info: Info,
    id: strawberry.ID,
    schedule_input: Annotated[UpdateRecurringInvoiceInput, strawberry.argument(name="input")],
) -> RecurringInvoicePayload:
    command = schedule_input.to_command()

    async def change(runtime: Runtime, caller: Caller) -> RecurringInvoiceRow:
        return await service.update_recurring_invoice(runtime, caller, id, command)

    return await _changed(info, change)


async def resolve_pause_recurring_invoice(info: Info, id: strawberry.ID) -> RecurringInvoicePayload:
    async def change(runtime: Runtime, caller: Caller) -> RecurringInvoiceRow:
        return await service.pause_recurring_invoice(runtime, caller, id)

    return await _changed(info, change)


async def resolve_resume_recurring_invoice(
    info: Info, id: strawberry.ID
) -> RecurringInvoicePayload:
    async def change(runtime: Runtime, caller: Caller) -> RecurringInvoiceRow:
        return await service.resume_recurring_invoice(runtime, caller, id)

    return await _changed(info, change)


async def resolve_cancel_recurring_invoice(
    info: Info, id: strawberry.ID
) -> RecurringInvoicePayload:
    async def change(runtime: Runtime, caller: Caller) -> RecurringInvoiceRow:
        return await service.cancel_recurring_invoice(runtime, caller, id)

    return await _changed(info, change)
