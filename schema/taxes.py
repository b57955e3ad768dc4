"""The tax mutations: createTax (once per idempotency key), updateTax, deleteTax; through
gateway.services.taxes, as /api/v0/taxes does, checked by gateway.domain.tax_rules."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

import strawberry

from gateway.domain.errors import InvalidInput
from gateway.domain.tax_rules import checked_create, checked_update
from gateway.domain.taxes import CreateTaxCommand, UpdateTaxCommand
from gateway.domain.update_invoice import UNCHANGED
from gateway.services.idempotency import idempotency_key
from gateway.services.taxes import create_tax, delete_tax, get_tax, update_tax
from schema.context import Context
from schema.once import create_once
from schema.types import Tax
from schema.user_errors import USER_ERRORS, UserError, user_errors

Info = strawberry.Info[Context, None]
_ID = ("id",)
_PERCENTAGE = "From 0 to 100, at most 4 decimal places (8.5 is 8.5%)."
_APP_IDS = (
    "The apps the tax is for: a tax belongs to the app that makes it, so only the calling "
    "app's own id may be named (FOREIGN_APP_ID otherwise)."
)


@strawberry.input(description="A tax of one percentage, added on top of invoice prices.")
class CreateTaxInput:
    name: str = strawberry.field(description="1 to 100 characters.")
    percentage: Decimal = strawberry.field(description=_PERCENTAGE)
    description: str | None = strawberry.field(default=None, description="At most 255.")
    active: bool = True
    app_ids: list[strawberry.ID] | None = strawberry.field(default=None, description=_APP_IDS)

    def to_command(self) -> CreateTaxCommand:
        return CreateTaxCommand(
            name=self.name,
            percentage=self.percentage,
            description=self.description,
            active=self.active,
            app_ids=tuple(self.app_ids or ()),
        )


@strawberry.input(
    description=(
        "Changes to a tax: a field left out or null stays as it is. A new percentage "
        "applies to invoices priced from now on; issued invoices keep their amounts."
    )
)
class UpdateTaxInput:
    name: str | None = None
    percentage: Decimal | None = strawberry.field(default=None, description=_PERCENTAGE)
    description: str | None = None
    active: bool | None = None
    app_ids: list[strawberry.ID] | None = strawberry.field(default=None, description=_APP_IDS)

    def to_command(self) -> UpdateTaxCommand:
        given: dict[str, Any] = {
            "name": self.name,
            "percentage": self.percentage,
            "description": self.description,
            "active": self.active,
            "app_ids": None if self.app_ids is None else tuple(self.app_ids),
        }
        return UpdateTaxCommand(
            **{name: UNCHANGED if value is None else value for name, value in given.items()}
        )


@strawberry.type
class CreateTaxPayload:
    tax: Tax | None
    user_errors: list[UserError]


@strawberry.type
class UpdateTaxPayload:
    tax: Tax | None
    user_errors: list[UserError]


@strawberry.type
class DeleteTaxPayload:
    tax: Tax | None = strawberry.field(
        description="The tax as deleted; when invoices use it, it is kept with active false."
    )
    archived: bool = strawberry.field(
        description="True when the tax was kept (inactive) because invoices use it."
    )
    user_errors: list[UserError]


async def resolve_create_tax(
    info: Info,
    tax_input: Annotated[CreateTaxInput, strawberry.argument(name="input")],
    key_argument: Annotated[str | None, strawberry.argument(name="idempotencyKey")] = None,
) -> CreateTaxPayload:
    context = info.context
    runtime, caller = context.runtime, context.caller
    try:
        idempotency_key(context.request.headers, key_argument)
    except InvalidInput as exc:
        return CreateTaxPayload(tax=None, user_errors=user_errors(exc, prefix=()))
    try:
        command = checked_create(tax_input.to_command())

        async def create() -> str:
            return (await create_tax(runtime, caller, command)).id

        created = await create_once(context, "createTax", key_argument, command, create)
        # A replay shows the tax as it is now.
        row = await get_tax(runtime, caller, created.id)
    except USER_ERRORS as exc:
        return CreateTaxPayload(tax=None, user_errors=user_errors(exc))
    return CreateTaxPayload(tax=Tax.from_row(row), user_errors=[])


async def resolve_update_tax(
    info: Info,
    id: strawberry.ID,
    tax_input: Annotated[UpdateTaxInput, strawberry.argument(name="input")],
) -> UpdateTaxPayload:
    context = info.context
    try:
        changes = checked_update(tax_input.to_command())
        row = await update_tax(context.runtime, context.caller, id, changes)
    except USER_ERRORS as exc:
        return UpdateTaxPayload(tax=None, user_errors=user_errors(exc, not_found=_ID))
    return UpdateTaxPayload(tax=Tax.from_row(row), user_errors=[])


async def resolve_delete_tax(info: Info, id: strawberry.ID) -> DeleteTaxPayload:
    context = info.context
    try:
        deleted = await delete_tax(context.runtime, context.caller, id)
    except USER_ERRORS as exc:
        errors = user_errors(exc, not_found=_ID)
        return DeleteTaxPayload(tax=None, archived=False, user_errors=errors)
    return DeleteTaxPayload(
        tax=Tax.from_row(deleted.tax), archived=deleted.archived, user_errors=[]
    )
