"""The v0 create- and update-product request bodies: one field table, v0 names (camelCase
as the spec has them) -> command fields. See gateway.rest.v0_fields for how a table is
read, and tests/rest/test_v0_product_body.py for the messages."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

from gateway.domain import product_rules as rules
from gateway.domain.errors import InvalidInput
from gateway.domain.problems import Problem
from gateway.domain.products import CreateProductCommand, UpdateProductCommand
from gateway.rest.v0_fields import Kind, V0Field, body_object, parse_fields

NOT_NUMBER = Problem((), "NOT_NUMBER", "must be a number conforming to the specified constraints")
NOT_INTEGER = Problem((), "NOT_INTEGER", "must be an integer number")

PRODUCT_FIELDS = (
    V0Field("name", "name", Kind.TEXT, required=True, rule=rules.NAME),
    V0Field("description", "description", Kind.TEXT, required=True, rule=rules.DESCRIPTION),
    V0Field("price", "price", Kind.NUMBER, required=True, rule=rules.PRICE, wrong_type=NOT_NUMBER),
    V0Field("currency", "currency", Kind.ENUM, choice=rules.CURRENCY),
    V0Field("type", "type", Kind.TEXT, rule=rules.TYPE),
    V0Field("productType", "product_type", Kind.ENUM, choice=rules.PRODUCT_TYPE),
    V0Field("status", "status", Kind.ENUM, choice=rules.STATUS),
    V0Field("weight", "weight", Kind.NUMBER, rule=rules.WEIGHT, wrong_type=rules.WEIGHT.invalid()),
    V0Field("quantity", "quantity", Kind.NUMBER, rule=rules.COUNT, wrong_type=NOT_INTEGER),
    V0Field("stockCount", "stock_count", Kind.NUMBER, rule=rules.COUNT, wrong_type=NOT_INTEGER),
    V0Field("unit", "unit", Kind.TEXT, rule=rules.UNIT),
    V0Field("images", "images", Kind.TEXTS, rule=rules.IMAGES),
    V0Field("walletId", "wallet_id", Kind.TEXT, rule=rules.WALLET_ID),
)

# Fields with a default on create: an update may leave them out, but not clear them.
_KEPT = ("currency", "productType", "status")
UPDATE_FIELDS = tuple(
    dataclasses.replace(spec, required=True, not_empty=False) if spec.name in _KEPT else spec
    for spec in PRODUCT_FIELDS
)


def _whole(values: dict[str, Any]) -> dict[str, Any]:
    """stock_count as the int it was checked to be."""
    count = values.get("stock_count")
    return {**values, "stock_count": int(count)} if isinstance(count, Decimal) else values


def parse_create_product(payload: object) -> CreateProductCommand:
    """Absent (or null) optional fields take the command's defaults."""
    body = body_object(payload)
    problems: list[Problem] = []
    values = parse_fields(body, PRODUCT_FIELDS, problems)
    if problems:
        raise InvalidInput(problems)
    given = {name: value for name, value in _whole(values).items() if value is not None}
    return CreateProductCommand(**given)


def parse_update_product(payload: object) -> UpdateProductCommand:
    """Only the fields given; null clears an optional field (images: none left)."""
    body = body_object(payload)
    problems: list[Problem] = []
    values = parse_fields(body, UPDATE_FIELDS, problems, partial=True)
    if problems:
        raise InvalidInput(problems)
    return UpdateProductCommand(**_whole(values))
