"""A v0 field table (gateway.rest.v0_fields) as the JSON Schema of its request body: the
types, which fields are required and which may be null, and the constraints the table
and its domain rules carry. gateway.rest.openapi.requests states the bodies with it.

A rule's own `pattern` is stated as it is, so it must read the same in Python and
ECMA-262 (the one rule pattern, IDENTIFIER_PATTERN, does). What a rule checks in code
rather than data (an email's syntax, no NUL in text) is no part of this schema: the
document adds ECMA-262 patterns for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from gateway.domain.value_rules import Bounded, Count, EachValue, Positive
from gateway.rest.v0_fields import DATE_PATTERN, Kind, V0Field

Schema = dict[str, Any]

_TYPES = {
    Kind.TEXT: "string",
    Kind.DATE: "string",
    Kind.ENUM: "string",
    Kind.NUMBER: "number",
    Kind.BOOLEAN: "boolean",
    Kind.ENUMS: "array",
    Kind.TEXTS: "array",
    Kind.RECORDS: "array",
    Kind.RECORD: "object",
}


def body_schema(fields: Sequence[V0Field], *, partial: bool = False) -> Schema:
    """The body `fields` parse; `partial`: every field may be absent (an update)."""
    schema: Schema = {"type": "object"}
    if not partial:
        schema["required"] = [spec.name for spec in fields if spec.required]
    schema["properties"] = {spec.name: field_schema(spec) for spec in fields}
    return schema


def field_schema(spec: V0Field) -> Schema:
    """One field's value; null too where the field is optional (null is "not given")."""
    schema = _numeric(spec) if spec.kind is Kind.NUMERIC else _typed(spec)
    return schema if spec.required else _nullable(schema)


def _typed(spec: V0Field) -> Schema:
    schema: Schema = {"type": _TYPES[spec.kind]}
    if spec.kind is Kind.DATE:
        schema.update(format="date", pattern=DATE_PATTERN)
    if spec.choice is not None:
        enum = {"type": "string", "enum": list(spec.choice.values)}
        schema.update(enum if spec.kind is Kind.ENUM else {"items": enum})
    if spec.kind is Kind.RECORDS:
        schema["items"] = record_schema(spec)
    if spec.kind is Kind.RECORD:
        schema = record_schema(spec)
    if spec.kind is Kind.TEXT:
        schema.update(_text(spec))
    if isinstance(spec.rule, EachValue):
        schema["items"] = {"type": "string", **_text_rule(spec.rule.rule)}
    if isinstance(spec.rule, Positive):
        schema.update(_number(spec.rule))
    if isinstance(spec.rule, Bounded):
        schema.update(_bounded(spec.rule))
    if spec.count is not None:
        schema.update(_count(spec.count))
    return schema


def record_schema(spec: V0Field) -> Schema:
    """A RECORD, or a RECORDS entry: its table, or either table when it has an alternative."""
    if not spec.alternative:
        return body_schema(spec.fields)
    # An entry is one or the other: the alternative's keys are null (or absent) in the
    # first, and what the first requires that the alternative does not is null in that.
    first, second = body_schema(spec.fields), body_schema(spec.alternative)
    first["properties"].update({key: {"type": "null"} for key in spec.alternative_keys})
    optional = {field.name for field in spec.alternative if not field.required}
    second["properties"].update(
        {field.name: {"type": "null"} for field in spec.fields if field.name in optional}
    )
    return {"anyOf": [first, second]}


def _numeric(spec: V0Field) -> Schema:
    """A number, or a numeral in a string: the rule's bounds can only be stated of the
    number (the string branch is where the document's numeral pattern goes)."""
    number: Schema = {"type": "number"}
    if isinstance(spec.rule, Positive):
        number.update(_number(spec.rule))
    return {"anyOf": [number, {"type": "string"}]}


def _nullable(schema: Schema) -> Schema:
    if "anyOf" in schema:
        return {**schema, "anyOf": [*schema["anyOf"], {"type": "null"}]}
    nullable = {**schema, "type": [schema["type"], "null"]}
    if "enum" in schema:
        nullable["enum"] = [*schema["enum"], None]
    return nullable


def _text(spec: V0Field) -> Schema:
    return _text_rule(spec.rule)


def _text_rule(rule: object) -> Schema:
    constraints = {
        # The rule says "should not be empty" of "" (parse_fields leaves "" text to it).
        "minLength": 1 if getattr(rule, "required", False) else None,
        "maxLength": getattr(rule, "max_length", None),
        "format": getattr(rule, "format", None),
        "pattern": getattr(rule, "pattern", None),
    }
    return {name: value for name, value in constraints.items() if value is not None}


def _number(rule: Positive) -> Schema:
    schema: Schema = {"exclusiveMinimum": 0}
    schema["exclusiveMaximum" if rule.exclusive_maximum else "maximum"] = int(rule.maximum)
    if rule.places is not None:
        schema["multipleOf"] = float(Decimal(1).scaleb(-rule.places))
    return schema


def _bounded(rule: Bounded) -> Schema:
    schema: Schema = {"minimum": _plain(rule.minimum), "maximum": _plain(rule.maximum)}
    if rule.places == 0:
        schema["type"] = "integer"
    else:
        schema["multipleOf"] = float(Decimal(1).scaleb(-rule.places))
    return schema


def _plain(number: Decimal) -> int | float:
    return int(number) if number == number.to_integral_value() else float(number)


def _count(count: Count) -> Schema:
    schema: Schema = {"minItems": count.min_items}
    if count.max_items is not None:
        schema["maxItems"] = count.max_items
    return schema
