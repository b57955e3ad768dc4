"""createCustomer, updateCustomer, deleteCustomer: the v0 customer routes
(gateway.rest.customers), GraphQL-shaped, through the same service. A refusal comes back
as userErrors with the REST message and the error's code."""

from __future__ import annotations

from typing import Annotated

import strawberry

from gateway.db.rows import CustomerRow
from gateway.domain.customer_rules import checked_create, checked_update
from gateway.domain.customers import CreateCustomerCommand, UpdateCustomerCommand
from gateway.domain.errors import CustomerEmailTaken, CustomerNotFound, GatewayError
from gateway.services.customers import create_customer, delete_customer, update_customer
from gateway.services.idempotency import idempotency_key
from schema.context import Context
from schema.enums import CustomerStatus, CustomerType
from schema.invoices import Customer
from schema.once import create_once
from schema.user_errors import USER_ERRORS, UserError, user_errors

Info = strawberry.Info[Context, None]

CUSTOMER_ERRORS = (*USER_ERRORS, CustomerEmailTaken)
# The argument naming the customer, where a CUSTOMER_NOT_FOUND points.
CUSTOMER_ID = ["id"]


@strawberry.input(description="The same fields as the v0 create-customer request body.")
class CreateCustomerInput:
    first_name: str = strawberry.field(description="1 to 100 characters.")
    last_name: str = strawberry.field(description="1 to 100 characters.")
    phone_number: str = strawberry.field(
        description="At most 20 characters: an optional +, then 2-15 digits, the first not 0."
    )
    email: str | None = strawberry.field(
        default=None,
        description="At most 255 characters; no other customer of the app may have it "
        "(in any case): CUSTOMER_EMAIL_TAKEN.",
    )
    customer_type: CustomerType = CustomerType.INDIVIDUAL
    status: CustomerStatus = CustomerStatus.ACTIVE

    def to_command(self) -> CreateCustomerCommand:
        return CreateCustomerCommand(
            first_name=self.first_name,
            last_name=self.last_name,
            phone_number=self.phone_number,
            email=self.email,
            customer_type=self.customer_type,
            status=self.status,
        )


@strawberry.input(
    description=(
        "Changes to a customer, as PATCH /api/v0/customers/{id} takes them: a field left out "
        "or null stays as it is, except email, which null removes. The same rules as on create."
    )
)
class UpdateCustomerInput:
    first_name: str | None = None
    last_name: str | None = None
    phone_number: str | None = None
    email: str | None = strawberry.UNSET
    customer_type: CustomerType | None = None
    status: CustomerStatus | None = strawberry.field(
        default=None, description="BLACKLISTED blacklists the customer; ACTIVE undoes it."
    )

    def to_command(self) -> UpdateCustomerCommand:
        given: dict[str, object] = {
            "first_name": self.first_name,
            "last_name": self.last_name,
            "phone_number": self.phone_number,
            "customer_type": self.customer_type,
            "status": self.status,
        }
        changes = {name: value for name, value in given.items() if value is not None}
        if self.email is not strawberry.UNSET:
            changes["email"] = self.email
        return UpdateCustomerCommand(**changes)  # type: ignore[arg-type]


@strawberry.type
class CreateCustomerPayload:
    customer: Customer | None
    user_errors: list[UserError]
    replayed: bool = strawberry.field(
        default=False,
        description="True when the idempotency key named a customer created earlier.",
    )


@strawberry.type
class UpdateCustomerPayload:
    customer: Customer | None
    user_errors: list[UserError]


@strawberry.type
class DeleteCustomerPayload:
    deleted_id: strawberry.ID | None = strawberry.field(
        default=None, description="The id of the customer deleted; null when nothing was."
    )
    archived: bool = strawberry.field(
        default=False,
        description=(
            "True: invoices refer to the customer, so it was kept with status DELETED (and "
            "`customer` shows it); false: it was removed (and `customer` is null)."
        ),
    )
    customer: Customer | None = strawberry.field(
        default=None, description="The archived customer; null when it was removed."
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list)


def _errors(exc: GatewayError) -> list[UserError]:
    if isinstance(exc, CustomerNotFound):
        return [UserError(field=CUSTOMER_ID, message=exc.message, code=exc.code)]
    return user_errors(exc)


def _shown(context: Context, row: CustomerRow) -> Customer:
    """The Customer for a row just written, which the request's loader now answers with."""
    context.loaders.customers.clear(row.id).prime(row.id, row)
    return Customer.from_row(row)


async def resolve_create_customer(
    info: Info,
    customer_input: Annotated[CreateCustomerInput, strawberry.argument(name="input")],
    idempotency_key_argument: Annotated[
        str | None, strawberry.argument(name="idempotencyKey")
    ] = None,
) -> CreateCustomerPayload:
    context = info.context
    try:
        idempotency_key(context.request.headers, idempotency_key_argument)
    except CUSTOMER_ERRORS as exc:
        return CreateCustomerPayload(customer=None, user_errors=user_errors(exc, prefix=()))
    created: list[CustomerRow] = []
    try:
        command = checked_create(customer_input.to_command())

        async def create() -> str:
            created.append(await create_customer(context.runtime, context.caller, command))
            return created[-1].id

        outcome = await create_once(
            context, "createCustomer", idempotency_key_argument, command, create
        )
        row = created[-1] if created else await context.loaders.customers.load(outcome.id)
        if row is None:
            raise CustomerNotFound()
    except CUSTOMER_ERRORS as exc:
        return CreateCustomerPayload(customer=None, user_errors=user_errors(exc))
    return CreateCustomerPayload(
        customer=_shown(context, row), user_errors=[], replayed=outcome.replayed
    )


async def resolve_update_customer(
    info: Info,
    id: strawberry.ID,
    changes: Annotated[UpdateCustomerInput, strawberry.argument(name="input")],
) -> UpdateCustomerPayload:
    context = info.context
    try:
        command = checked_update(changes.to_command())
        row = await update_customer(context.runtime, context.caller, id, command)
    except CUSTOMER_ERRORS as exc:
        return UpdateCustomerPayload(customer=None, user_errors=_errors(exc))
    return UpdateCustomerPayload(customer=_shown(context, row), user_errors=[])


async def resolve_delete_customer(info: Info, id: strawberry.ID) -> DeleteCustomerPayload:
    context = info.context
    try:
        deleted = await delete_customer(context.runtime, context.caller, id)
    except CUSTOMER_ERRORS as exc:
        return DeleteCustomerPayload(user_errors=_errors(exc))
    row = deleted.customer
    if not deleted.archived:
        context.loaders.customers.clear(row.id).prime(row.id, None)
        return DeleteCustomerPayload(deleted_id=strawberry.ID(row.id))
    return DeleteCustomerPayload(
        deleted_id=strawberry.ID(row.id), archived=True, customer=_shown(context, row)
    )
