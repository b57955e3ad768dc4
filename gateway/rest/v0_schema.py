"""A v0 field table (gateway.rest.v0_fields) as a JSON Schema for its request body: the
types, which fields are required, and the constraints its domain rules carry.

Patterns are the rules' own (Python syntax) and nullability is not stated: the
OpenAPI document adds both where it states a body."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from gateway.domain.value_rules import Count, Positive
from gateway.rest.v0_fields import Kind, V0Field

Schema = dict[str, Any]

_TYPES = {
    Kind.TEXT: "string",
    Kind.DATE: "string",
    Kind.ENUM: "string",
    Kind.NUMBER: "number",
    Kind.NUMERIC: ["number", "string"],
    Kind.BOOLEAN: "boolean",
    Kind.ENUMS: "array",
    Kind.RECORDS: "array",
}


def body_schema(fields: Sequence[V0Field]) -> Schema:
    return {
        "type": "object",
        "required": [spec.name for spec in fields if spec.required],
        "properties": {spec.name: field_schema(spec) for spec in fields},
    }


def field_schema(spec: V0Field) -> Schema:
    schema: Schema = {"type": _TYPES[spec.kind]}
    if spec.kind is Kind.DATE:
        schema["format"] = "date"
    if spec.choice is not None:
        enum = {"type": "string", "enum": list(spec.choice.values)}
        schema.update(enum if spec.kind is Kind.ENUM else {"items": enum})
    if spec.kind is Kind.RECORDS:
        schema["items"] = body_schema(spec.fields)
    if spec.kind is Kind.TEXT:
        schema.update(_text(spec))
    if isinstance(spec.rule, Positive):
        schema.update(_number(spec.rule))
    if spec.count is not None:
        schema.update(_count(spec.count))
    return schema


def _text(spec: V0Field) -> Schema:
    constraints = {
        "maxLength": getattr(spec.rule, "max_length", None),
        "format": getattr(spec.rule, "format", None),
        "pattern": getattr(spec.rule, "pattern", None),
        "minLength": 1 if spec.says_empty else None,
    }
    return {name: value for name, value in constraints.items() if value is not None}


def _number(rule: Positive) -> Schema:
    schema: Schema = {"exclusiveMinimum": 0}
    schema["exclusiveMaximum" if rule.exclusive_maximum else "maximum"] = int(rule.maximum)
    if rule.places is not None:
        schema["multipleOf"] = float(Decimal(1).scaleb(-rule.places))
    return schema


def _count(count: Count) -> Schema:
    schema: Schema = {"minItems": count.min_items}
    if count.max_items is not None:
        schema["maxItems"] = count.max_items
    return schema
