"""Rules over typed values, each returning the Problems of one value (paths relative to
it). They carry their constraints as data (`max_length`, `values`, `pattern` ...) so a
surface can describe them too, e.g. in its request schema.

Every rule of a field runs, class-validator style: "" for a required email is "should
not be empty" and "must be an email". Within one rule the first failure is reported.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping, Sequence, Sized
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any, Generic, Protocol, TypeVar
from urllib.parse import urlsplit

from gateway.domain.ids import IDENTIFIER_PATTERN, UUID_PATTERN, is_identifier, is_uuid
from gateway.domain.problems import Problem, empty, under

_T_contra = TypeVar("_T_contra", contravariant=True)
_E = TypeVar("_E", bound=StrEnum)

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_TLD = r"(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})"
_EMAIL = re.compile(rf"(?P<local>{_ATOM}(?:\.{_ATOM})*)@(?P<domain>(?:{_LABEL}\.)+{_TLD})")
_HOSTNAME = re.compile(rf"{_LABEL}(?:\.{_LABEL})*")
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_URL_FORBIDDEN = re.compile(r"[\s\x00-\x1f\x7f]")


class Rule(Protocol[_T_contra]):
    def check(self, value: _T_contra) -> list[Problem]: ...


def field_problems(rules: Mapping[str, Rule[Any]], values: Mapping[str, object]) -> list[Problem]:
    """Every given value's problems, in the rules' field order; None (an absent optional
    field) and a field missing from `values` have none."""
    problems: list[Problem] = []
    for name, rule in rules.items():
        value = values.get(name)
        if value is not None:
            problems += under((name,), rule.check(value))
    return problems


def _storable(value: str, max_length: int) -> list[Problem]:
    if len(value) > max_length:
        message = f"must be shorter than or equal to {max_length} characters"
        return [Problem((), "TOO_LONG", message)]
    if _UNSTORABLE.search(value):
        return [Problem((), "UNSTORABLE", "must not contain null or surrogate characters")]
    return []


@dataclass(frozen=True)
class Text:
    """Free text: not trimmed; "" is allowed unless `required`."""

    max_length: int
    required: bool = False

    def check(self, value: str) -> list[Problem]:
        return [
            *([empty()] if self.required and not value else []),
            *_storable(value, self.max_length),
        ]


@dataclass(frozen=True)
class Email:
    max_length: int = 320
    required: bool = True
    format = "email"

    def invalid(self) -> Problem:
        return Problem((), "NOT_EMAIL", "must be an email")

    def check(self, value: str) -> list[Problem]:
        problems = [empty()] if self.required and not value else []
        storable = _storable(value, self.max_length)
        if storable:
            return [*problems, *storable]
        match = _EMAIL.fullmatch(value)
        if match and len(match["local"]) <= 64 and len(match["domain"]) <= 253:
            return problems
        return [*problems, self.invalid()]


@dataclass(frozen=True)
class Uuid:
    """A canonical 8-4-4-4-12 hex UUID of any version (see `canonical_uuid`)."""

    required: bool = True
    format = "uuid"
    pattern = UUID_PATTERN

    def invalid(self) -> Problem:
        return Problem((), "NOT_UUID", "must be a valid UUID")

    def check(self, value: str) -> list[Problem]:
        problems = [empty()] if self.required and not value else []
        return problems if is_uuid(value) else [*problems, self.invalid()]


def canonical_uuid(value: str) -> str:
    return value.lower()


@dataclass(frozen=True)
class Identifier:
    """Opaque ids of wallets, products and taxes: 1-64 of A-Z a-z 0-9 _ -."""

    required: bool = False
    pattern = IDENTIFIER_PATTERN
    max_length = 64

    def check(self, value: str) -> list[Problem]:
        problems = [empty()] if self.required and not value else []
        if is_identifier(value):
            return problems
        return [*problems, Problem((), "NOT_IDENTIFIER", "must be a valid identifier")]


@dataclass(frozen=True)
class Url:
    """An absolute http(s) URL with a host name or IP address; no whitespace or controls.

    No JSON Schema `format`: "uri" (RFC 3986) would leave out what is accepted here, such
    as non-ASCII characters, "<" or a malformed percent escape in the path."""

    max_length: int = 2048

    def invalid(self) -> Problem:
        return Problem((), "NOT_URL", "must be a URL address")

    def check(self, value: str) -> list[Problem]:
        storable = _storable(value, self.max_length)
        if storable:
            return storable
        return [] if _is_url(value) else [self.invalid()]


def _is_url(value: str) -> bool:
    if _URL_FORBIDDEN.search(value):
        return False
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        return False
    host = parts.hostname
    if parts.scheme.lower() not in ("http", "https") or not host:
        return False
    if _HOSTNAME.fullmatch(host):
        return True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


class Choice(Generic[_E]):
    """Some members of a StrEnum (case-sensitive), in the order given."""

    def __init__(self, allowed: Sequence[_E]) -> None:
        self._by_value = {member.value: member for member in allowed}

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(self._by_value)

    def member(self, value: str) -> _E | None:
        return self._by_value.get(value)

    def invalid(self, *, each: bool = False) -> Problem:
        message = "must be one of the following values: " + ", ".join(self._by_value)
        return Problem((), "NOT_ALLOWED", message, each=each)

    def check(self, value: _E) -> list[Problem]:
        return [] if value.value in self._by_value else [self.invalid()]


@dataclass(frozen=True)
class Count:
    """How many entries a list holds: at least `min_items` (1: "should not be empty")."""

    min_items: int = 1
    max_items: int | None = None

    def check(self, value: Sized) -> list[Problem]:
        if len(value) < self.min_items:
            return [empty()]
        if self.max_items is not None and len(value) > self.max_items:
            message = f"must contain no more than {self.max_items} elements"
            return [Problem((), "TOO_MANY", message)]
        return []


@dataclass(frozen=True)
class Each:
    """A list of records: its `count`, then each record's fields by their own rules (a
    field that is None has none), then what `shape` says of the record as a whole."""

    count: Count
    fields: Mapping[str, Rule[Any]] = field(default_factory=dict)
    shape: Rule[Any] | None = None

    def check(self, value: Sequence[object]) -> list[Problem]:
        problems = self.count.check(value)
        if problems:
            return problems
        for index, entry in enumerate(value):
            for name, rule in self.fields.items():
                found = getattr(entry, name)
                if found is not None:
                    problems += [p.under(index, name) for p in rule.check(found)]
            if self.shape is not None:
                problems += [p.under(index) for p in self.shape.check(entry)]
        return problems


@dataclass(frozen=True)
class EachValue:
    """A list of plain values: its `count`, then every value by `rule`; the first value
    at fault gives the list's one problem, said of each value (class-validator's `each`)."""

    count: Count
    rule: Rule[Any]

    def check(self, value: Sequence[object]) -> list[Problem]:
        problems = self.count.check(value)
        if problems:
            return problems
        for entry in value:
            found = self.rule.check(entry)
            if found:
                return [Problem((), found[0].code, found[0].message, each=True)]
        return []


@dataclass(frozen=True)
class Positive:
    """A number > 0, below `maximum` (inclusive unless `exclusive_maximum`), with at most
    `places` decimal places (None: any)."""

    maximum: Decimal
    places: int | None = None
    exclusive_maximum: bool = False

    def invalid(self) -> Problem:
        return Problem((), "NOT_POSITIVE", "must be a positive number")

    def check(self, value: Decimal) -> list[Problem]:
        if not value.is_finite() or value <= 0:
            return [self.invalid()]
        if self.exclusive_maximum and value >= self.maximum:
            return [Problem((), "TOO_LARGE", f"must be less than {self.maximum}")]
        if not self.exclusive_maximum and value > self.maximum:
            return [Problem((), "TOO_LARGE", f"must not be greater than {self.maximum}")]
        if self.places is not None and decimal_places(value) > self.places:
            message = f"must have at most {self.places} decimal places"
            return [Problem((), "TOO_PRECISE", message)]
        return []


@dataclass(frozen=True)
class Bounded:
    """A number from `minimum` to `maximum` (both inclusive) with at most `places` decimal
    places; `places` 0 is a whole number."""

    minimum: Decimal
    maximum: Decimal
    places: int = 0

    def check(self, value: Decimal | int) -> list[Problem]:
        value = Decimal(value)
        if not value.is_finite():
            return [Problem((), "NOT_NUMBER", "must be a number")]
        if self.places == 0 and value != value.to_integral_value():
            return [Problem((), "NOT_INTEGER", "must be an integer number")]
        if value < self.minimum:
            return [Problem((), "TOO_SMALL", f"must not be less than {self.minimum}")]
        if value > self.maximum:
            return [Problem((), "TOO_LARGE", f"must not be greater than {self.maximum}")]
        if decimal_places(value) > self.places:
            message = f"must have at most {self.places} decimal places"
            return [Problem((), "TOO_PRECISE", message)]
        return []


def decimal_places(number: Decimal) -> int:
    """Places after the point, ignoring trailing zeros (context-free, unlike normalize())."""
    _, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)  # finite
    trailing = len(digits) - len(bytes(digits).rstrip(b"\x00"))
    return max(0, -(exponent + trailing))
