"""sendInvoice, recordPayment, updateInvoice, voidInvoice, markInvoiceUncollectible,
deleteInvoice: the REST lifecycle routes
(gateway.rest.invoice_actions), GraphQL-shaped. Each resolver hands its input to the
service the route calls; a refusal comes back as userErrors with the REST message and
the error's code, and the invoice as it is after the change is built like any other."""

from __future__ import annotations

from typing import Annotated

import strawberry

from gateway.db.invoice_views import InvoiceView
from gateway.domain.invoice_closing import CloseRequest, checked_close
from gateway.domain.invoice_rules import checked_update
from gateway.domain.payment_rules import checked_payment
from gateway.domain.versions import Expected
from gateway.services.invoice_closing import delete_invoice, mark_uncollectible, void_invoice
from gateway.services.invoice_lifecycle import record_payment, send_invoice
from gateway.services.update_invoice import update_invoice
from schema.context import Context
from schema.inputs import RecordPaymentInput, UpdateInvoiceInput
from schema.invoices import Wanted, view_invoice
from schema.types import Invoice, Transaction
from schema.user_errors import USER_ERRORS, UserError, user_errors

Info = strawberry.Info[Context, None]

# The argument naming the invoice, where an INVOICE_NOT_FOUND points.
INVOICE_ID = ("id",)
PAYMENT_INVOICE_ID = ("input", "invoiceId")

ExpectedVersion = Annotated[
    int | None,
    strawberry.argument(
        description=(
            "The invoice's version you computed the change from (Invoice.version): at any "
            "other version nothing changes and the answer is a VERSION_MISMATCH userError. "
            "Omitted: the change applies to the invoice as it is."
        )
    ),
]


Reason = Annotated[
    str | None,
    strawberry.argument(description="Why (at most 500 characters); kept as Invoice.statusReason."),
]


def _expected(version: int | None) -> Expected:
    return None if version is None else frozenset({version})


@strawberry.type
class SendInvoicePayload:
    invoice: Invoice | None
    user_errors: list[UserError]


@strawberry.type
class UpdateInvoicePayload:
    invoice: Invoice | None
    user_errors: list[UserError]


@strawberry.type
class RecordPaymentPayload:
    invoice: Invoice | None
    transaction: Transaction | None = strawberry.field(
        default=None, description="The payment just recorded, one of invoice.transactions."
    )
    user_errors: list[UserError]


async def resolve_send_invoice(
    info: Info, id: strawberry.ID, expected_version: ExpectedVersion = None
) -> SendInvoicePayload:
    context = info.context
    try:
        view = await send_invoice(context.runtime, context.caller, id, _expected(expected_version))
    except USER_ERRORS as exc:
        return SendInvoicePayload(invoice=None, user_errors=user_errors(exc, not_found=INVOICE_ID))
    invoice = await view_invoice(context, view, Wanted.below(info, "invoice"))
    return SendInvoicePayload(invoice=invoice, user_errors=[])


async def resolve_record_payment(
    info: Info,
    payment: Annotated[RecordPaymentInput, strawberry.argument(name="input")],
    expected_version: ExpectedVersion = None,
) -> RecordPaymentPayload:
    context = info.context
    try:
        command = checked_payment(payment.to_command())
        recorded = await record_payment(
            context.runtime,
            context.caller,
            payment.invoice_id,
            command,
            _expected(expected_version),
        )
    except USER_ERRORS as exc:
        errors = user_errors(exc, not_found=PAYMENT_INVOICE_ID)
        return RecordPaymentPayload(invoice=None, user_errors=errors)
    invoice = await view_invoice(context, recorded.view, Wanted.below(info, "invoice"))
    return RecordPaymentPayload(
        invoice=invoice, transaction=Transaction.from_row(recorded.transaction), user_errors=[]
    )


async def resolve_update_invoice(
    info: Info,
    id: strawberry.ID,
    changes: Annotated[UpdateInvoiceInput, strawberry.argument(name="input")],
    expected_version: ExpectedVersion = None,
) -> UpdateInvoicePayload:
    context = info.context
    try:
        command = checked_update(changes.to_command())
        view = await update_invoice(
            context.runtime, context.caller, id, command, _expected(expected_version)
        )
    except USER_ERRORS as exc:
        errors = user_errors(exc, not_found=INVOICE_ID)
        return UpdateInvoicePayload(invoice=None, user_errors=errors)
    invoice = await view_invoice(context, view, Wanted.below(info, "invoice"))
    return UpdateInvoicePayload(invoice=invoice, user_errors=[])


@strawberry.type
class VoidInvoicePayload:
    invoice: Invoice | None
    user_errors: list[UserError]


@strawberry.type
class MarkInvoiceUncollectiblePayload:
    invoice: Invoice | None
    user_errors: list[UserError]


@strawberry.type
class DeleteInvoicePayload:
    deleted_id: strawberry.ID | None = strawberry.field(
        default=None, description="The id of the invoice deleted; null when nothing was."
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list)


async def _closed(
    info: Info, id: strawberry.ID, reason: str | None, expected_version: int | None, *, void: bool
) -> tuple[Invoice | None, list[UserError]]:
    context = info.context
    close = void_invoice if void else mark_uncollectible
    try:
        request = checked_close(CloseRequest(reason))
        view: InvoiceView = await close(
            context.runtime, context.caller, id, request, _expected(expected_version)
        )
    except USER_ERRORS as exc:
        return None, user_errors(exc, prefix=(), not_found=INVOICE_ID)
    return await view_invoice(context, view, Wanted.below(info, "invoice")), []


async def resolve_void_invoice(
    info: Info,
    id: strawberry.ID,
    reason: Reason = None,
    expected_version: ExpectedVersion = None,
) -> VoidInvoicePayload:
    invoice, errors = await _closed(info, id, reason, expected_version, void=True)
    return VoidInvoicePayload(invoice=invoice, user_errors=errors)


async def resolve_mark_invoice_uncollectible(
    info: Info,
    id: strawberry.ID,
    reason: Reason = None,
    expected_version: ExpectedVersion = None,
) -> MarkInvoiceUncollectiblePayload:
    invoice, errors = await _closed(info, id, reason, expected_version, void=False)
    return MarkInvoiceUncollectiblePayload(invoice=invoice, user_errors=errors)


async def resolve_delete_invoice(
    info: Info, id: strawberry.ID, expected_version: ExpectedVersion = None
) -> DeleteInvoicePayload:
    context = info.context
    try:
        deleted = await delete_invoice(
            context.runtime, context.caller, id, _expected(expected_version)
        )
    except USER_ERRORS as exc:
        return DeleteInvoicePayload(user_errors=user_errors(exc, not_found=INVOICE_ID))
    return DeleteInvoicePayload(deleted_id=strawberry.ID(deleted.invoice_id))
