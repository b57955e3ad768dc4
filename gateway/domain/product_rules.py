"""What may be wrong with the values of a create- or update-product command.

RULES holds each field's rule in field order; the v0 parser (gateway.rest.v0_product_body)
runs them field by field, GraphQL calls `checked_create` / `checked_update`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from gateway.domain.errors import InvalidInput
from gateway.domain.money import MINOR_UNIT, MONEY_PLACES
from gateway.domain.products import (
    MAX_COUNT,
    MAX_IMAGES,
    MAX_PRICE,
    MAX_WEIGHT,
    WEIGHT_PLACES,
    CreateProductCommand,
    UpdateProductCommand,
)
from gateway.domain.resource_enums import ProductCurrency, ProductStatus, ProductType
from gateway.domain.value_rules import (
    Bounded,
    Choice,
    Count,
    EachValue,
    Identifier,
    Positive,
    Rule,
    Text,
    Url,
    field_problems,
)

NAME = Text(200, required=True)
DESCRIPTION = Text(2000, required=True)
PRICE = Bounded(MINOR_UNIT, MAX_PRICE, places=MONEY_PLACES)
CURRENCY = Choice(list(ProductCurrency))
TYPE = Text(64)
PRODUCT_TYPE = Choice(list(ProductType))
STATUS = Choice(list(ProductStatus))
WEIGHT = Positive(MAX_WEIGHT, places=WEIGHT_PLACES)
COUNT = Bounded(Decimal(0), MAX_COUNT)
UNIT = Text(32)
IMAGES = EachValue(Count(0, MAX_IMAGES), Url())
WALLET_ID = Identifier()


RULES: dict[str, Rule[Any]] = {
    "name": NAME,
    "description": DESCRIPTION,
    "price": PRICE,
    "currency": CURRENCY,
    "type": TYPE,
    "product_type": PRODUCT_TYPE,
    "status": STATUS,
    "weight": WEIGHT,
    "quantity": COUNT,
    "stock_count": COUNT,
    "unit": UNIT,
    "images": IMAGES,
    "wallet_id": WALLET_ID,
}


def _checked(values: dict[str, Any]) -> None:
    problems = field_problems(RULES, values)
    if problems:
        raise InvalidInput(problems)


def checked_create(command: CreateProductCommand) -> CreateProductCommand:
    _checked(vars(command))
    return command


def checked_update(command: UpdateProductCommand) -> UpdateProductCommand:
    _checked(command.changes())
    return command
