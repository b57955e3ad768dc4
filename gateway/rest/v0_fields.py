"""v0 request bodies as declarative field tables, checked the way NestJS class-validator
does it: every problem at once, in field order, with the v0 messages.

A V0Field says how one body field is spelled and typed in JSON, which command field it
fills, and which domain rule (gateway.domain.value_rules) its value then meets; the
rule's constraints (max_length, values, pattern ...) are what a request schema states.

Empty values: a `not_empty` field that is absent, null or "" gets "<field> should not be
empty" followed by whatever the rest says about that value, as class-validator runs
every constraint: an absent `name` gives "should not be empty" and "must be a string";
"" only the first (the text rule says it; "" is a string). Unknown fields are ignored;
an optional field may be absent or null. Strings are not trimmed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from gateway.domain.errors import InvalidInput
from gateway.domain.money import to_decimal
from gateway.domain.problems import Path, Problem, empty
from gateway.domain.value_rules import Choice, Count, Rule

DATE_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"  # then a real date, as date.fromisoformat reads it
_DATE = re.compile(DATE_PATTERN)
_NOT_AN_OBJECT = "request body must be a JSON object"


class Kind(StrEnum):
    TEXT = "text"  # a JSON string
    DATE = "date"  # a JSON string, YYYY-MM-DD
    ENUM = "enum"  # a JSON string, one of `choice`
    NUMBER = "number"  # a JSON number
    NUMERIC = "numeric"  # a JSON number or a numeral in a string
    BOOLEAN = "boolean"
    ENUMS = "enums"  # an array of `choice` members
    TEXTS = "texts"  # an array of strings (its rule: an EachValue)
    RECORDS = "records"  # an array of objects, each with `fields`
    RECORD = "record"  # an object with `fields`


NOT_STRING = Problem((), "NOT_STRING", "must be a string")
NOT_BOOLEAN = Problem((), "NOT_BOOLEAN", "must be a boolean value")
NOT_DATE = Problem((), "NOT_DATE", "must be a valid date in YYYY-MM-DD format")
NOT_ARRAY = Problem((), "NOT_ARRAY", "must be an array")
NOT_OBJECT = Problem((), "NOT_OBJECT", "must be an object")

_WRONG_TYPE = {
    Kind.TEXT: NOT_STRING,
    Kind.DATE: NOT_DATE,
    Kind.BOOLEAN: NOT_BOOLEAN,
    Kind.ENUMS: NOT_ARRAY,
    Kind.TEXTS: NOT_ARRAY,
    Kind.RECORDS: NOT_ARRAY,
    Kind.RECORD: NOT_OBJECT,
}


@dataclass(frozen=True)
class V0Field:
    name: str  # as the v0 body spells it
    target: str  # the command's field
    kind: Kind
    required: bool = False
    # The domain rule the converted value meets; for a list, its Count (RECORDS: Each).
    rule: Rule[Any] | None = None
    # The members an ENUM or ENUMS value may be.
    choice: Choice[Any] | None = None
    # What a value of the wrong JSON type gets, where it is not the kind's own message
    # (class-validator's IsEmail, IsUUID, IsUrl say their own thing about a number).
    wrong_type: Problem | None = None
    # False where absent/null/"" is only the wrong type, not also "should not be empty".
    not_empty: bool = True
    fields: Sequence[V0Field] = ()  # a RECORD's (or RECORDS entry's) fields
    record: Callable[..., object] | None = None  # builds a RECORD from its fields
    # What the built record meets as a whole (which fields go together).
    shape: Rule[Any] | None = None
    # A record that gives a non-null value for any of `alternative_keys` is read with the
    # `alternative` table instead of `fields` (a free-form invoice line, not a product's).
    alternative: Sequence[V0Field] = ()
    alternative_keys: tuple[str, ...] = ()

    def invalid(self) -> Problem:
        if self.wrong_type is not None:
            return self.wrong_type
        if self.choice is not None and self.kind is Kind.ENUM:
            return self.choice.invalid()
        return _WRONG_TYPE[self.kind]

    @property
    def says_empty(self) -> bool:
        return self.required and self.not_empty

    @property
    def count(self) -> Count | None:
        rule = getattr(self.rule, "count", self.rule)
        return rule if isinstance(rule, Count) else None


class _Invalid:
    pass


_INVALID = _Invalid()


def body_object(payload: object) -> Mapping[str, object]:
    """The parsed JSON body, which must be an object."""
    if not isinstance(payload, Mapping):
        raise InvalidInput([_NOT_AN_OBJECT])
    return payload


def parse_fields(
    payload: Mapping[str, object],
    fields: Sequence[V0Field],
    problems: list[Problem],
    path: Path = (),
    *,
    partial: bool = False,
) -> dict[str, Any]:
    """The command fields `payload` gives, by target name; its problems appended.

    `partial`: a field absent from `payload` is left out (else it is None)."""
    values: dict[str, Any] = {}
    for spec in fields:
        if partial and spec.name not in payload:
            continue
        raw = payload.get(spec.name)
        at = (*path, spec.name)
        if spec.says_empty and (raw is None or (raw == "" and spec.kind is not Kind.TEXT)):
            problems.append(empty().under(*at))
        if raw is None:
            if spec.required:
                problems.append(spec.invalid().under(*at))
            values[spec.target] = None
            continue
        value = _convert(spec, raw, at, problems)
        if not isinstance(value, _Invalid):
            values[spec.target] = value
    return values


def _convert(spec: V0Field, raw: object, at: Path, problems: list[Problem]) -> object:
    kind = spec.kind
    if kind in (Kind.ENUMS, Kind.TEXTS, Kind.RECORDS):
        return _convert_list(spec, raw, at, problems)
    if kind is Kind.RECORD:
        return _record(spec, raw, at, problems)
    value: object = None
    if kind is Kind.TEXT:
        value = raw if isinstance(raw, str) else None
    elif kind is Kind.NUMBER:
        value = None if isinstance(raw, str) else to_decimal(raw)
    elif kind is Kind.NUMERIC:
        value = to_decimal(raw)
    elif kind is Kind.BOOLEAN:
        value = raw if isinstance(raw, bool) else None
    elif kind is Kind.DATE:
        value = _date(raw)
    elif kind is Kind.ENUM and spec.choice is not None:
        value = spec.choice.member(raw) if isinstance(raw, str) else None
    if value is None:
        problems.append(spec.invalid().under(*at))
        return _INVALID
    found = [] if spec.rule is None else spec.rule.check(value)
    problems.extend(problem.under(*at) for problem in found)
    return _INVALID if found else value


def _convert_list(spec: V0Field, raw: object, at: Path, problems: list[Problem]) -> object:
    if not isinstance(raw, list | tuple):
        problems.append(spec.invalid().under(*at))
        return _INVALID
    counted = [] if spec.count is None else spec.count.check(raw)
    if counted:
        problems.extend(problem.under(*at) for problem in counted)
        return _INVALID
    if spec.kind is Kind.ENUMS:
        return _members(spec, raw, at, problems)
    if spec.kind is Kind.TEXTS:
        return _texts(spec, raw, at, problems)
    before = len(problems)
    records = [_record(spec, entry, (*at, index), problems) for index, entry in enumerate(raw)]
    return _INVALID if len(problems) > before else tuple(records)


def _members(spec: V0Field, raw: Sequence[object], at: Path, problems: list[Problem]) -> object:
    assert spec.choice is not None
    members = [spec.choice.member(entry) if isinstance(entry, str) else None for entry in raw]
    if None in members:
        problems.append(spec.choice.invalid(each=True).under(*at))
        return _INVALID
    return tuple(members)


def _texts(spec: V0Field, raw: Sequence[object], at: Path, problems: list[Problem]) -> object:
    if not all(isinstance(entry, str) for entry in raw):
        problems.append(Problem((), NOT_STRING.code, NOT_STRING.message, each=True).under(*at))
        return _INVALID
    texts = tuple(raw)
    found = [] if spec.rule is None else spec.rule.check(texts)
    problems.extend(problem.under(*at) for problem in found)
    return _INVALID if found else texts


def _record(spec: V0Field, entry: object, at: Path, problems: list[Problem]) -> object:
    if not isinstance(entry, Mapping):
        problems.append(NOT_OBJECT.under(*at))
        return _INVALID
    before = len(problems)
    alternative = any(entry.get(key) is not None for key in spec.alternative_keys)
    values = parse_fields(entry, spec.alternative if alternative else spec.fields, problems, at)
    if len(problems) > before or spec.record is None:
        return _INVALID
    record = spec.record(**values)
    found = [] if spec.shape is None else spec.shape.check(record)
    problems.extend(problem.under(*at) for problem in found)
    return _INVALID if found else record


def _date(value: object) -> date | None:
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    return None
