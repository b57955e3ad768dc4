"""Credit notes in GraphQL: the CreditNote type, createCreditNote, the creditNote and
creditNotes queries and Invoice.creditNotes, all through gateway.services.credit_notes
and the request's DataLoaders (an invoice's credit notes and a credit note's lines are
one batch per page, not one statement per invoice)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry

from gateway.db.credit_notes import CREDIT_NOTES
from gateway.db.resource_pages import NEWEST_FIRST
from gateway.db.rows import CreditNoteLineRow, CreditNoteRow
from gateway.domain.credit_notes import CreateCreditNoteCommand, CreditLine, CreditReason, CreditTo
from gateway.domain.errors import CreditNoteNotFound, InvalidInput
from gateway.links import credit_note_pdf_url
from gateway.services.credit_note_json import credit_to
from gateway.services.credit_notes import create_credit_note
from gateway.services.idempotency import idempotency_key
from schema.context import Context
from schema.enums import PaymentMethod
from schema.once import create_once
from schema.pagination import DEFAULT_PAGE_SIZE, Connection, Fetched, Keyset, connection, window
from schema.stored import stored_fields
from schema.user_errors import USER_ERRORS, UserError, user_errors

if TYPE_CHECKING:
    from schema.types import Invoice

Info = strawberry.Info[Context, None]

strawberry.enum(CreditReason, description="Why an invoice is credited (as Stripe names it).")
strawberry.enum(CreditTo, description="Where a credit past what is still due goes.")


@strawberry.type(description="A credited quantity of one invoice line.")
class CreditNoteLine:
    position: int
    invoice_position: int = strawberry.field(description="The invoice line's position.")
    name: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal

    @classmethod
    def from_row(cls, row: CreditNoteLineRow) -> CreditNoteLine:
        return cls(**_LINE(row), quantity=row.shown_quantity)


@strawberry.type(
    description=(
        "A numbered correction of an issued invoice. Its total lowers the invoice's amount "
        "due (amountApplied); what it credits past that is refunded (refundAmount) or kept "
        "as the customer's credit balance (creditBalanceAmount), which the customer's next "
        "invoice in the currency consumes."
    )
)
class CreditNote:
    id: strawberry.ID
    credit_note_number: str = strawberry.field(description='"CN-000001": gapless per app.')
    invoice_id: strawberry.ID
    customer_id: strawberry.ID
    reason: CreditReason | None
    memo: str | None
    currency: str
    subtotal: Decimal
    tax_amount: Decimal = strawberry.field(description="The invoice's tax, in proportion.")
    total: Decimal
    amount_applied: Decimal
    credit_to: CreditTo | None = strawberry.field(
        description="Where the part past the amount due went; null when there was none."
    )
    refund_amount: Decimal
    credit_balance_amount: Decimal
    refund_method: PaymentMethod | None
    refund_reference: str | None
    created_at: datetime
    pdf_url: str = strawberry.field(
        description="The credit note PDF (GET /api/v0/credit_notes/{id}/pdf, with credentials)."
    )

    @classmethod
    def from_row(cls, row: CreditNoteRow, base_url: str) -> CreditNote:
        shown_to = credit_to(row)
        return cls(
            **_NOTE(row),
            reason=None if row.reason is None else CreditReason(row.reason),
            credit_to=None if shown_to is None else CreditTo(shown_to),
            credit_balance_amount=row.balance_amount,
            refund_method=None if row.refund_method is None else PaymentMethod(row.refund_method),
            pdf_url=credit_note_pdf_url(base_url, row.id),
        )

    @strawberry.field
    async def lines(self, info: Info) -> list[CreditNoteLine]:
        rows = await info.context.loaders.credit_note_lines.load(self.id)
        return [CreditNoteLine.from_row(row) for row in rows]

    @strawberry.field
    async def invoice(
        self, info: Info
    ) -> Annotated[Invoice, strawberry.lazy("schema.types")] | None:
        from schema.invoices import Wanted, build_invoices

        row = await info.context.loaders.invoices.load(self.invoice_id)
        if row is None:
            return None
        return (await build_invoices(info.context, [row], Wanted.below(info)))[0]


@strawberry.type(
    description=(
        "Credit a customer holds in one currency, from credit notes; the customer's next "
        "invoice in that currency consumes it (Invoice.creditApplied)."
    )
)
class CreditBalance:
    currency: str
    amount: Decimal
    updated_at: datetime


async def credit_balances_of_customer(info: Info, customer_id: str) -> list[CreditBalance]:
    rows = await info.context.loaders.credit_balances.load(customer_id)
    return [
        CreditBalance(currency=row.currency, amount=row.amount, updated_at=row.updated_at)
        for row in rows
    ]


_LINE = stored_fields(CreditNoteLine, CreditNoteLineRow, converted={"quantity"})
_NOTE = stored_fields(CreditNote, CreditNoteRow, converted={"reason", "refund_method"})


def _node(info: Info, row: CreditNoteRow) -> CreditNote:
    return CreditNote.from_row(row, info.context.runtime.settings.public_base_url)


async def credit_notes_of_invoice(info: Info, invoice_id: str) -> list[CreditNote]:
    rows = await info.context.loaders.invoice_credit_notes.load(invoice_id)
    return [_node(info, row) for row in rows]


async def resolve_credit_note(info: Info, id: strawberry.ID) -> CreditNote | None:
    row = await info.context.loaders.credit_notes.load(id)
    return None if row is None else _node(info, row)


async def resolve_credit_notes(
    info: Info,
    first: int = DEFAULT_PAGE_SIZE,
    after: str | None = None,
    invoice_id: strawberry.ID | None = None,
) -> Connection[CreditNote]:
    context = info.context
    page = window(first, after, Keyset("creditNotes", NEWEST_FIRST))
    filters = {"invoice_id": invoice_id}
    app_id = context.caller.app_id
    async with context.reads.session() as session:
        rows = await CREDIT_NOTES.page(
            session, app_id, filters, NEWEST_FIRST, page.after, page.limit
        )

    async def count() -> int:
        async with context.reads.session() as session:
            return await CREDIT_NOTES.count(session, app_id, filters)

    fetched = Fetched.of(rows, page)
    return connection(fetched, [_node(info, row) for row in fetched.shown], page, count)


@strawberry.input(description="A quantity of one invoice line to credit.")
class CreditNoteLineInput:
    position: int = strawberry.field(description="The invoice line's position (from 0).")
    quantity: Decimal = strawberry.field(
        description="Positive, at most 4 decimal places; at most what is left of the line."
    )


@strawberry.input(
    description=(
        "lines or amount (not both); a reason, a memo or both. The total may not exceed the "
        "invoice's total less what credit notes credited already."
    )
)
class CreateCreditNoteInput:
    lines: list[CreditNoteLineInput] | None = None
    amount: Decimal | None = strawberry.field(
        default=None, description="The total to credit, tax included; whole cents."
    )
    reason: CreditReason | None = None
    memo: str | None = strawberry.field(default=None, description="At most 500 characters.")
    credit_to: CreditTo = strawberry.field(
        default=CreditTo.REFUND, description="Where the part past the amount due goes."
    )
    refund_method: PaymentMethod | None = None
    refund_reference: str | None = None

    def to_command(self) -> CreateCreditNoteCommand:
        lines = None
        if self.lines is not None:
            lines = tuple(CreditLine(line.position, line.quantity) for line in self.lines)
        return CreateCreditNoteCommand(
            lines=lines,
            amount=self.amount,
            reason=self.reason,
            memo=self.memo,
            credit_to=self.credit_to,
            refund_method=self.refund_method,
            refund_reference=self.refund_reference,
        )


@strawberry.type
class CreateCreditNotePayload:
    credit_note: CreditNote | None
    user_errors: list[UserError]
    replayed: bool = strawberry.field(
        default=False,
        description="True when the idempotency key named a credit note created earlier.",
    )


async def resolve_create_credit_note(
    info: Info,
    invoice_id: strawberry.ID,
    note_input: Annotated[CreateCreditNoteInput, strawberry.argument(name="input")],
    idempotency_key_argument: Annotated[
        str | None, strawberry.argument(name="idempotencyKey")
    ] = None,
) -> CreateCreditNotePayload:
    context = info.context
    try:
        idempotency_key(context.request.headers, idempotency_key_argument)
    except InvalidInput as exc:
        return CreateCreditNotePayload(credit_note=None, user_errors=user_errors(exc, prefix=()))
    command = note_input.to_command()
    created_row: CreditNoteRow | None = None

    async def create() -> str:
        nonlocal created_row
        view = await create_credit_note(context.runtime, context.caller, invoice_id, command)
        created_row = view.note
        context.loaders.invoices.clear(view.invoice.id).prime(view.invoice.id, view.invoice)
        context.loaders.invoice_credit_notes.clear(view.invoice.id)
        context.loaders.credit_note_lines.prime(view.note.id, list(view.lines))
        return view.note.id

    subject = {"invoice_id": invoice_id, "command": command}
    try:
        created = await create_once(
            context, "createCreditNote", idempotency_key_argument, subject, create
        )
    except USER_ERRORS as exc:
        return CreateCreditNotePayload(
            credit_note=None, user_errors=user_errors(exc, not_found=["invoiceId"])
        )
    loader = context.loaders.credit_notes
    loader.clear(created.id)
    if created_row is not None:
        loader.prime(created.id, created_row)
    row = await loader.load(created.id)
    if row is None:
        gone = CreditNoteNotFound()
        errors = [UserError(field=None, message=gone.message, code=gone.code)]
        return CreateCreditNotePayload(credit_note=None, user_errors=errors, replayed=True)
    return CreateCreditNotePayload(
        credit_note=_node(info, row), user_errors=[], replayed=created.replayed
    )
