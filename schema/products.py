"""createProduct, updateProduct, deleteProduct: the v0 product routes
(gateway.rest.products), GraphQL-shaped, through the same service
(gateway.services.products) and rules (gateway.domain.product_rules)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

import strawberry

from gateway.domain.errors import ProductMissing
from gateway.domain.product_rules import checked_create, checked_update
from gateway.domain.products import CreateProductCommand, UpdateProductCommand
from gateway.services.products import create_product, delete_product, update_product
from schema.context import Context
from schema.enums import ProductCurrency, ProductStatus, ProductType
from schema.once import create_once
from schema.types import Product
from schema.user_errors import USER_ERRORS, UserError, user_errors

Info = strawberry.Info[Context, None]

# The argument naming the product, where a PRODUCT_NOT_FOUND points.
PRODUCT_ID = ("id",)
# Optional fields a null clears; a null for any other field leaves it as it is.
_CLEARABLE = ("type", "weight", "quantity", "stock_count", "unit", "images", "wallet_id")


@strawberry.input(description="The same fields as the v0 create-product request body.")
class CreateProductInput:
    name: str = strawberry.field(description="1 to 200 characters.")
    description: str = strawberry.field(description="1 to 2000 characters; markdown allowed.")
    price: Decimal = strawberry.field(
        description="At least 0.01, at most 1000000000000, at most 2 decimal places."
    )
    currency: ProductCurrency = ProductCurrency.USD
    type: str | None = strawberry.field(default=None, description="At most 64 characters.")
    product_type: ProductType = ProductType.PRODUCT
    status: ProductStatus = ProductStatus.ACTIVE
    weight: Decimal | None = strawberry.field(
        default=None, description="Greater than 0, at most 4 decimal places."
    )
    quantity: int | None = strawberry.field(default=None, description="0 or more.")
    stock_count: int | None = strawberry.field(default=None, description="0 or more.")
    unit: str | None = strawberry.field(default=None, description="At most 32 characters.")
    images: list[str] | None = strawberry.field(
        default=None, description="At most 10 http(s) URLs."
    )
    wallet_id: strawberry.ID | None = strawberry.field(
        default=None, description="One of the app's wallets."
    )

    def to_command(self) -> CreateProductCommand:
        given = {name: value for name, value in _values(self).items() if value is not None}
        return CreateProductCommand(**given)


@strawberry.input(
    description=(
        "Changes to a product, as PUT /api/v0/products/{id} takes them: a field left out "
        "stays as it is; null clears type, weight, quantity, stockCount, unit, images and "
        "walletId (and leaves any other field as it is). images replaces every image."
    )
)
class UpdateProductInput:
    name: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    price: Decimal | None = strawberry.UNSET
    currency: ProductCurrency | None = strawberry.UNSET
    type: str | None = strawberry.UNSET
    product_type: ProductType | None = strawberry.UNSET
    status: ProductStatus | None = strawberry.UNSET
    weight: Decimal | None = strawberry.UNSET
    quantity: int | None = strawberry.UNSET
    stock_count: int | None = strawberry.UNSET
    unit: str | None = strawberry.UNSET
    images: list[str] | None = strawberry.UNSET
    wallet_id: strawberry.ID | None = strawberry.UNSET

    def to_command(self) -> UpdateProductCommand:
        changes = {
            name: value
            for name, value in _values(self).items()
            if value is not strawberry.UNSET and (value is not None or name in _CLEARABLE)
        }
        return UpdateProductCommand(**changes)


def _values(given: CreateProductInput | UpdateProductInput) -> dict[str, Any]:
    """The input's fields as the command holds them."""
    values = dict(vars(given))
    if isinstance(values["quantity"], int):
        values["quantity"] = Decimal(values["quantity"])
    if isinstance(values["images"], list):
        values["images"] = tuple(values["images"])
    return values


@strawberry.type
class CreateProductPayload:
    product: Product | None
    user_errors: list[UserError]
    replayed: bool = strawberry.field(
        default=False,
        description="True when the idempotency key named a product created earlier.",
    )


@strawberry.type
class UpdateProductPayload:
    product: Product | None
    user_errors: list[UserError]


@strawberry.type
class DeleteProductPayload:
    product: Product | None = strawberry.field(
        description="The product as it was removed, or as it is kept when archived."
    )
    archived: bool | None = strawberry.field(
        description=(
            "True when invoice lines use the product: it is kept, INACTIVE; false when it "
            "was removed."
        )
    )
    user_errors: list[UserError]


async def resolve_create_product(
    info: Info,
    product_input: Annotated[CreateProductInput, strawberry.argument(name="input")],
    idempotency_key: Annotated[str | None, strawberry.argument(name="idempotencyKey")] = None,
) -> CreateProductPayload:
    context = info.context
    try:
        command = checked_create(product_input.to_command())

        async def create() -> str:
            return (await create_product(context.runtime, context.caller, command)).product.id

        created = await create_once(context, "createProduct", idempotency_key, command, create)
        row = await context.loaders.products.load(created.id)
        if row is None:
            raise ProductMissing()
    except USER_ERRORS as exc:
        return CreateProductPayload(product=None, user_errors=user_errors(exc))
    return CreateProductPayload(
        product=Product.from_row(row), user_errors=[], replayed=created.replayed
    )


async def resolve_update_product(
    info: Info,
    id: strawberry.ID,
    changes: Annotated[UpdateProductInput, strawberry.argument(name="input")],
) -> UpdateProductPayload:
    context = info.context
    try:
        command = checked_update(changes.to_command())
        view = await update_product(context.runtime, context.caller, id, command)
    except USER_ERRORS as exc:
        errors = user_errors(exc, not_found=PRODUCT_ID)
        return UpdateProductPayload(product=None, user_errors=errors)
    return UpdateProductPayload(product=Product.from_row(view.product), user_errors=[])


async def resolve_delete_product(info: Info, id: strawberry.ID) -> DeleteProductPayload:
    context = info.context
    try:
        deleted = await delete_product(context.runtime, context.caller, id)
    except USER_ERRORS as exc:
        errors = user_errors(exc, not_found=PRODUCT_ID)
        return DeleteProductPayload(product=None, archived=None, user_errors=errors)
    product = Product.from_row(deleted.view.product)
    return DeleteProductPayload(product=product, archived=deleted.archived, user_errors=[])
