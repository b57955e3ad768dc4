"""The Mutation root. createInvoice (the REST shim's create, gateway.rest.invoices.create,
GraphQL-shaped) lives here; the lifecycle and webhook mutations in schema.lifecycle and
schema.webhooks."""

from __future__ import annotations

from typing import Annotated

import strawberry

from gateway.domain.errors import InvalidInput, InvoiceNotFound
from gateway.domain.invoice_rules import checked_create
from gateway.services.create_invoice import create_invoice_once
from gateway.services.fingerprint import request_fingerprint
from gateway.services.idempotency import idempotency_key
from gateway.store.base import StoredResponse
from schema.context import Context
from schema.credit_notes import CreateCreditNotePayload, resolve_create_credit_note
from schema.customers import (
    CreateCustomerPayload,
    DeleteCustomerPayload,
    UpdateCustomerPayload,
    resolve_create_customer,
    resolve_delete_customer,
    resolve_update_customer,
)
from schema.inputs import CreateInvoiceInput
from schema.invoices import Wanted, build_invoices, prime
from schema.lifecycle import (
    DeleteInvoicePayload,
    MarkInvoiceUncollectiblePayload,
    RecordPaymentPayload,
    SendInvoicePayload,
    UpdateInvoicePayload,
    VoidInvoicePayload,
    resolve_delete_invoice,
    resolve_mark_invoice_uncollectible,
    resolve_record_payment,
    resolve_send_invoice,
    resolve_update_invoice,
    resolve_void_invoice,
)
from schema.products import (
    CreateProductPayload,
    DeleteProductPayload,
    UpdateProductPayload,
    resolve_create_product,
    resolve_delete_product,
    resolve_update_product,
)
from schema.recurring_invoices import (
    RecurringInvoicePayload,
    resolve_cancel_recurring_invoice,
    resolve_create_recurring_invoice,
    resolve_pause_recurring_invoice,
    resolve_resume_recurring_invoice,
    resolve_update_recurring_invoice,
)
from schema.taxes import (
    CreateTaxPayload,
    DeleteTaxPayload,
    UpdateTaxPayload,
    resolve_create_tax,
    resolve_delete_tax,
    resolve_update_tax,
)
from schema.types import Invoice
from schema.user_errors import USER_ERRORS, UserError, user_errors
from schema.wallets import (
    CreateWalletPayload,
    DeleteWalletPayload,
    resolve_create_wallet,
    resolve_delete_wallet,
)
from schema.webhooks import (
    AddWebhookEndpointPayload,
    DisableWebhookEndpointPayload,
    WebhookEndpointPayload,
    WebhookMessagesPayload,
    WebhookSecretPayload,
    resolve_add_webhook_endpoint,
    resolve_create_webhook_endpoint,
    resolve_delete_webhook_endpoint,
    resolve_disable_webhook_endpoint,
    resolve_enable_webhook_endpoint,
    resolve_replay_webhook_events,
    resolve_replay_webhook_message,
    resolve_rotate_webhook_endpoint_secret,
    resolve_send_webhook_test_event,
    resolve_update_webhook_endpoint,
)

SURFACE = "graphql"


@strawberry.type
class CreateInvoicePayload:
    invoice: Invoice | None
    user_errors: list[UserError]
    replayed: bool = strawberry.field(
        default=False,
        description="True when the idempotency key named an invoice created earlier.",
    )


async def resolve_create_invoice(
    info: strawberry.Info[Context, None],
    invoice_input: Annotated[CreateInvoiceInput, strawberry.argument(name="input")],
    idempotency_key_argument: Annotated[
        str | None, strawberry.argument(name="idempotencyKey")
    ] = None,
) -> CreateInvoicePayload:
    context = info.context
    try:
        key = idempotency_key(context.request.headers, idempotency_key_argument)
    except InvalidInput as exc:
        return CreateInvoicePayload(invoice=None, user_errors=user_errors(exc, prefix=()))
    try:
        command = checked_create(invoice_input.to_command())
        created = await create_invoice_once(
            context.runtime,
            context.caller,
            command,
            key=key,
            fingerprint=request_fingerprint(SURFACE, "createInvoice", command),
            # Only the id is kept: a replay reads the invoice as it is now.
            store_as=lambda result: StoredResponse(200, result.view.invoice.id.encode()),
        )
    except USER_ERRORS as exc:
        return CreateInvoicePayload(invoice=None, user_errors=user_errors(exc))
    if created.view is not None:
        prime(context.loaders, created.view)
        if not created.replayed and created.view.tax is not None:
            # Written by this request, the view's tax is the tax row itself, read in the
            # create's transaction (a found invoice's is as priced): no need to read it again.
            tax = created.view.tax
            context.loaders.taxes.clear(tax.id).prime(tax.id, tax)
    row = await context.loaders.invoices.load(created.response.body.decode())
    if row is None:
        raise InvoiceNotFound()
    invoices = await build_invoices(context, [row], Wanted.below(info, "invoice"))
    return CreateInvoicePayload(invoice=invoices[0], user_errors=[], replayed=created.replayed)


@strawberry.type
class Mutation:
    create_invoice: CreateInvoicePayload = strawberry.mutation(
        resolver=resolve_create_invoice,
        description=(
            "Create an invoice, as POST /api/v0/invoices does. The same idempotency key "
            "(argument or x-idempotency-key header) with the same input returns the same "
            "invoice; with other input it is IDEMPOTENCY_KEY_REUSED."
        ),
    )
    send_invoice: SendInvoicePayload = strawberry.mutation(
        resolver=resolve_send_invoice,
        description=(
            "Open a DRAFT invoice, as POST /api/v0/invoices/{id}/send does: emits "
            "invoice.sent and, for EMAIL delivery, queues the email for its send date."
        ),
    )
    record_payment: RecordPaymentPayload = strawberry.mutation(
        resolver=resolve_record_payment,
        description=(
            "Record a payment received for an OPEN, PASTDUE, PARTIALLYPAID or UNCOLLECTIBLE "
            "invoice, as POST /api/v0/invoices/{id}/payments does; it becomes PARTIALLYPAID "
            "(an UNCOLLECTIBLE one stays so) or PAID. A VOID invoice takes none."
        ),
    )
    void_invoice: VoidInvoicePayload = strawberry.mutation(
        resolver=resolve_void_invoice,
        description=(
            "Void an invoice, as POST /api/v0/invoices/{id}/void does: DRAFT, OPEN, PASTDUE, "
            "PARTIALLYPAID or UNCOLLECTIBLE become VOID (amountDue 0, no payment accepted, "
            "the payment link shows it void); emits invoice.voided. A PAID one is "
            "INVALID_TRANSITION. The invoice keeps its number."
        ),
    )
    mark_invoice_uncollectible: MarkInvoiceUncollectiblePayload = strawberry.mutation(
        resolver=resolve_mark_invoice_uncollectible,
        description=(
            "Write an OPEN, PASTDUE or PARTIALLYPAID invoice off as bad debt, as POST "
            "/api/v0/invoices/{id}/mark_uncollectible does: it becomes UNCOLLECTIBLE, still "
            "takes payments and is PAID once paid in full; emits invoice.marked_uncollectible."
        ),
    )
    delete_invoice: DeleteInvoicePayload = strawberry.mutation(
        resolver=resolve_delete_invoice,
        description=(
            "Delete a DRAFT that holds no number, as DELETE /api/v0/invoices/{id} does; "
            "emits invoice.deleted. Invoices are numbered when created, so a numbered one "
            "is INVOICE_NUMBERED: void it instead, and the sequence keeps no hole."
        ),
    )
    update_invoice: UpdateInvoicePayload = strawberry.mutation(
        resolver=resolve_update_invoice,
        description=(
            "Change a DRAFT invoice, as PUT /api/v0/invoices/{id} does; its totals are "
            "computed again. Any other status is INVALID_TRANSITION."
        ),
    )
    add_webhook_endpoint: AddWebhookEndpointPayload = strawberry.mutation(
        resolver=resolve_add_webhook_endpoint,
        description=(
            "Add an http(s) URL to POST the app's invoice events to. A URL whose host is or "
            "resolves to a private, loopback or link-local address is INVALID_WEBHOOK_URL."
        ),
    )
    create_wallet: CreateWalletPayload = strawberry.mutation(
        resolver=resolve_create_wallet,
        description=(
            "Add a wallet: its address must be one of its chain's (INVALID_WALLET_ADDRESS) "
            "and new to the app on that chain (WALLET_ALREADY_EXISTS). The same idempotency "
            "key with the same input returns the same wallet."
        ),
    )
    delete_wallet: DeleteWalletPayload = strawberry.mutation(
        resolver=resolve_delete_wallet,
        description=(
            "Remove a wallet. One that invoices or products use cannot be removed "
            "(WALLET_IN_USE): a wallet has no archived state."
        ),
    )
    disable_webhook_endpoint: DisableWebhookEndpointPayload = strawberry.mutation(
        resolver=resolve_disable_webhook_endpoint,
        description=(
            "Stop deliveries to one of the app's endpoints (messages queued for it are not "
            "delivered). Disabling it again changes nothing."
        ),
    )
    create_webhook_endpoint: WebhookSecretPayload = strawberry.mutation(
        resolver=resolve_create_webhook_endpoint,
        description=(
            "Add an endpoint with a name and the event types it gets, as POST "
            "/api/v0/webhooks does; its signing secret is in the payload only."
        ),
    )
    update_webhook_endpoint: WebhookEndpointPayload = strawberry.mutation(
        resolver=resolve_update_webhook_endpoint,
        description="Change an endpoint's URL, name, event types or state.",
    )
    enable_webhook_endpoint: WebhookEndpointPayload = strawberry.mutation(
        resolver=resolve_enable_webhook_endpoint,
        description="Deliver to a disabled endpoint again (its run of failures forgotten).",
    )
    delete_webhook_endpoint: WebhookEndpointPayload = strawberry.mutation(
        resolver=resolve_delete_webhook_endpoint,
        description="Remove an endpoint: nothing more is delivered to it.",
    )
    rotate_webhook_endpoint_secret: WebhookSecretPayload = strawberry.mutation(
        resolver=resolve_rotate_webhook_endpoint_secret,
        description=(
            "A new signing secret. Until previousSecretExpiresAt (WEBHOOK_SECRET_OVERLAP_"
            "SECONDS, a day by default) deliveries carry a signature by each secret."
        ),
    )
    send_webhook_test_event: WebhookMessagesPayload = strawberry.mutation(
        resolver=resolve_send_webhook_test_event,
        description="Queue a webhook.test event for this endpoint only.",
    )
    replay_webhook_message: WebhookMessagesPayload = strawberry.mutation(
        resolver=resolve_replay_webhook_message,
        description=(
            "Send a message again to the endpoint it was for, with the same payload and "
            "webhook-id (messageId: its message id or webhook-id)."
        ),
    )
    replay_webhook_events: WebhookMessagesPayload = strawberry.mutation(
        resolver=resolve_replay_webhook_events,
        description=(
            "Send the endpoint every logged event after a cursor that its event types let "
            "through, in order (up to 1000 per call), each under the webhook-id it was "
            "first sent with (or the event's id)."
        ),
    )
    create_tax: CreateTaxPayload = strawberry.mutation(
        resolver=resolve_create_tax,
        description="Create a tax of one percentage, as POST /api/v0/taxes does.",
    )
    update_tax: UpdateTaxPayload = strawberry.mutation(
        resolver=resolve_update_tax,
        description="Change a tax, as PUT /api/v0/taxes/{id} does.",
    )
    delete_tax: DeleteTaxPayload = strawberry.mutation(
        resolver=resolve_delete_tax,
        description=(
            "Delete a tax, as DELETE /api/v0/taxes/{id} does: removed, or archived (active "
            "false) when invoices use it."
        ),
    )
    create_customer: CreateCustomerPayload = strawberry.mutation(
        resolver=resolve_create_customer,
        description=(
            "Create a customer, as POST /api/v0/customers does. The same idempotency key "
            "(argument or x-idempotency-key header) with the same input returns the same "
            "customer; with other input it is IDEMPOTENCY_KEY_REUSED."
        ),
    )
    update_customer: UpdateCustomerPayload = strawberry.mutation(
        resolver=resolve_update_customer,
        description="Change a customer, as PATCH /api/v0/customers/{id} does.",
    )
    delete_customer: DeleteCustomerPayload = strawberry.mutation(
        resolver=resolve_delete_customer,
        description=(
            "Delete a customer, as DELETE /api/v0/customers/{id} does: one that invoices "
            "refer to is archived (status DELETED, archived: true), any other removed."
        ),
    )
    create_product: CreateProductPayload = strawberry.mutation(
        resolver=resolve_create_product,
        description=(
            "Create a product, as POST /api/v0/products does; once per idempotency key "
            "(argument or header), as createInvoice."
        ),
    )
    update_product: UpdateProductPayload = strawberry.mutation(
        resolver=resolve_update_product,
        description="Change a product, as PUT /api/v0/products/{id} does.",
    )
    delete_product: DeleteProductPayload = strawberry.mutation(
        resolver=resolve_delete_product,
        description=(
            "Delete a product, as DELETE /api/v0/products/{id} does: one that invoice lines "
            "use is archived (INACTIVE) and kept, any other is removed."
        ),
    )
    create_recurring_invoice: RecurringInvoicePayload = strawberry.mutation(
        resolver=resolve_create_recurring_invoice,
        description=(
            "Create a recurring invoice, as POST /api/v0/recurring_invoices does; once per "
            "idempotency key (argument or header). The worker makes one invoice per period "
            "through createInvoice's path."
        ),
    )
    update_recurring_invoice: RecurringInvoicePayload = strawberry.mutation(
        resolver=resolve_update_recurring_invoice,
        description=(
            "Change a recurring invoice's template, end, count or days until due for the "
            "periods to come, as PATCH /api/v0/recurring_invoices/{id} does."
        ),
    )
    pause_recurring_invoice: RecurringInvoicePayload = strawberry.mutation(
        resolver=resolve_pause_recurring_invoice,
        description="Stop making invoices until resumed; an ACTIVE one only.",
    )
    resume_recurring_invoice: RecurringInvoicePayload = strawberry.mutation(
        resolver=resolve_resume_recurring_invoice,
        description=(
            "Make invoices again from the first period dated today or later: the periods "
            "missed while paused are skipped. A PAUSED one only."
        ),
    )
    cancel_recurring_invoice: RecurringInvoicePayload = strawberry.mutation(
        resolver=resolve_cancel_recurring_invoice,
        description="End a recurring invoice for good; its invoices stay as they are.",
    )
    create_credit_note: CreateCreditNotePayload = strawberry.mutation(
        resolver=resolve_create_credit_note,
        description=(
            "Credit an issued invoice, as POST /api/v0/invoices/{id}/credit_notes does; once "
            "per idempotency key (argument or header). A DRAFT or VOID invoice is "
            "CREDIT_NOT_ALLOWED; more than is left to credit is CREDIT_EXCEEDS_INVOICE."
        ),
    )
