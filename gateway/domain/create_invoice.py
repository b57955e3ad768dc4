"""The v0 create-invoice request body, validated the way NestJS class-validator does it.

Every problem is collected and reported at once as `InvalidInput(messages)`, in field order.
Unknown fields are ignored; optional fields may be absent or null.

Empty values: a required field that is absent, null or "" gets "<field> should not be
empty" followed by whatever the field's own check says about that value, as class-validator
runs every constraint: an absent `name` gives "name should not be empty" and "name must be
a string", while "" only the first ("" is a string); "" for `email` adds "email must be an
email". Strings are not trimmed. Ids of wallets, products and taxes are opaque (1-64 of
A-Z a-z 0-9 _ -); only customer_id is a UUID.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Generic, TypeVar
from urllib.parse import urlsplit

from gateway.domain.errors import DueDateInPast, InvalidInput, SendDateAfterDueDate
from gateway.domain.ids import is_identifier, is_uuid
from gateway.domain.money import to_decimal
from gateway.domain.status import CREATABLE_STATUSES, DeliveryMethod, InvoiceStatus, PaymentMethod

MAX_ITEMS = 100
MAX_QUANTITY = Decimal(1_000_000)
QUANTITY_PLACES = 4

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_TLD = r"(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})"
_EMAIL = re.compile(rf"(?P<local>{_ATOM}(?:\.{_ATOM})*)@(?P<domain>(?:{_LABEL}\.)+{_TLD})")
_HOSTNAME = re.compile(rf"{_LABEL}(?:\.{_LABEL})*")
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_URL_FORBIDDEN = re.compile(r"[\s\x00-\x1f\x7f]")

_T = TypeVar("_T")
_E = TypeVar("_E", bound=StrEnum)

_CREATABLE = tuple(status for status in InvoiceStatus if status in CREATABLE_STATUSES)


@dataclass(frozen=True)
class ItemRequest:
    product_id: str
    quantity: Decimal


@dataclass(frozen=True)
class CreateInvoiceCommand:
    name: str
    email: str
    customer_id: str
    wallet_id: str
    items: tuple[ItemRequest, ...]
    due_date: date
    delivery: DeliveryMethod
    payment_link: bool
    payment_methods: tuple[PaymentMethod, ...]
    status: InvoiceStatus
    partial_payment: bool
    address: str | None = None
    phone_number: str | None = None
    send_date: date | None = None
    logo: str | None = None
    tax_id: str | None = None


def parse_create_invoice(payload: object) -> CreateInvoiceCommand:
    if not isinstance(payload, Mapping):
        raise InvalidInput(["request body must be a JSON object"])
    errors: list[str] = []
    get = payload.get
    name = _required(get("name"), "name", errors, _string(200))
    email = _required(get("email"), "email", errors, _email)
    customer_id = _required(get("customer_id"), "customer_id", errors, _uuid)
    wallet_id = _required(get("walletId"), "walletId", errors, _identifier)
    items = _required(get("items"), "items", errors, _items)
    due_date = _required(get("due_date"), "due_date", errors, _date)
    delivery = _required(get("delivery"), "delivery", errors, _Choice(tuple(DeliveryMethod)))
    payment_link = _required(get("payment_link"), "payment_link", errors, _boolean)
    payment_methods = _required(get("payment_methods"), "payment_methods", errors, _methods)
    status = _required(get("status"), "status", errors, _Choice(_CREATABLE))
    partial_payment = _required(get("partial_payment"), "partial_payment", errors, _boolean)
    address = _optional(get("address"), "address", errors, _string(500))
    phone_number = _optional(get("phone_number"), "phone_number", errors, _string(64))
    send_date = _optional(get("send_date"), "send_date", errors, _date)
    logo = _optional(get("logo"), "logo", errors, _url)
    tax_id = _optional(get("taxId"), "taxId", errors, _identifier)
    if (
        errors
        or name is None
        or email is None
        or customer_id is None
        or wallet_id is None
        or items is None
        or due_date is None
        or delivery is None
        or payment_link is None
        or payment_methods is None
        or status is None
        or partial_payment is None
    ):
        raise InvalidInput(errors)
    return CreateInvoiceCommand(
        name=name,
        email=email,
        customer_id=customer_id,
        wallet_id=wallet_id,
        items=items,
        due_date=due_date,
        delivery=delivery,
        payment_link=payment_link,
        payment_methods=payment_methods,
        status=status,
        partial_payment=partial_payment,
        address=address,
        phone_number=phone_number,
        send_date=send_date,
        logo=logo,
        tax_id=tax_id,
    )


def check_dates(due_date: date, send_date: date | None, today: date) -> None:
    """Raise DueDateInPast if due_date < today, else SendDateAfterDueDate if send > due."""
    if due_date < today:
        raise DueDateInPast()
    if send_date is not None and send_date > due_date:
        raise SendDateAfterDueDate()


# A check takes (value, field, errors) and returns the parsed value, or None after appending
# its messages.
_Check = Callable[[object, str, list[str]], _T | None]


def _required(value: object, field: str, errors: list[str], check: _Check[_T]) -> _T | None:
    """Absent, null or "": "should not be empty", then whatever `check` says about it."""
    if value is None or (isinstance(value, str) and not value):
        errors.append(f"{field} should not be empty")
        check(value, field, errors)
        return None
    return check(value, field, errors)


def _optional(value: object, field: str, errors: list[str], check: _Check[_T]) -> _T | None:
    """Absent or null is fine; anything else (even "") must pass `check`."""
    return None if value is None else check(value, field, errors)


def _string(max_length: int) -> _Check[str]:
    def check(value: object, field: str, errors: list[str]) -> str | None:
        if not isinstance(value, str):
            errors.append(f"{field} must be a string")
            return None
        return value if _storable(value, field, max_length, errors) else None

    return check


def _storable(value: str, field: str, max_length: int, errors: list[str]) -> bool:
    if len(value) > max_length:
        errors.append(f"{field} must be shorter than or equal to {max_length} characters")
        return False
    if _UNSTORABLE.search(value):
        errors.append(f"{field} must not contain null or surrogate characters")
        return False
    return True


def _email(value: object, field: str, errors: list[str]) -> str | None:
    if isinstance(value, str):
        if not _storable(value, field, 320, errors):
            return None
        match = _EMAIL.fullmatch(value)
        if match and len(match["local"]) <= 64 and len(match["domain"]) <= 253:
            return value
    errors.append(f"{field} must be an email")
    return None


def _uuid(value: object, field: str, errors: list[str]) -> str | None:
    """A canonical 8-4-4-4-12 hex UUID of any version, lowercased."""
    if isinstance(value, str) and is_uuid(value):
        return value.lower()
    errors.append(f"{field} must be a valid UUID")
    return None


def _identifier(value: object, field: str, errors: list[str]) -> str | None:
    if not isinstance(value, str):
        errors.append(f"{field} must be a string")
        return None
    if not is_identifier(value):
        errors.append(f"{field} must be a valid identifier")
        return None
    return value


def _date(value: object, field: str, errors: list[str]) -> date | None:
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    errors.append(f"{field} must be a valid date in YYYY-MM-DD format")
    return None


def _url(value: object, field: str, errors: list[str]) -> str | None:
    if isinstance(value, str):
        if not _storable(value, field, 2048, errors):
            return None
        if _is_url(value):
            return value
    errors.append(f"{field} must be a URL address")
    return None


def _is_url(value: str) -> bool:
    """An absolute http(s) URL with a host name or IP address; no whitespace or controls."""
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


class _Choice(Generic[_E]):
    """Checks a value against some members of a StrEnum (case-sensitive)."""

    def __init__(self, allowed: tuple[_E, ...]) -> None:
        self._by_value = {member.value: member for member in allowed}

    def __call__(self, value: object, field: str, errors: list[str]) -> _E | None:
        member = self._by_value.get(value) if isinstance(value, str) else None
        if member is None:
            values = ", ".join(self._by_value)
            errors.append(f"{field} must be one of the following values: {values}")
        return member


def _boolean(value: object, field: str, errors: list[str]) -> bool | None:
    if isinstance(value, bool):
        return value
    errors.append(f"{field} must be a boolean value")
    return None


def _methods(value: object, field: str, errors: list[str]) -> tuple[PaymentMethod, ...] | None:
    """Duplicates are dropped, first occurrence kept."""
    if not isinstance(value, list | tuple):
        errors.append(f"{field} must be an array")
        return None
    if not value:
        errors.append(f"{field} should not be empty")
        return None
    by_value = {method.value: method for method in PaymentMethod}
    methods: dict[PaymentMethod, None] = {}
    for entry in value:
        method = by_value.get(entry) if isinstance(entry, str) else None
        if method is None:
            errors.append(
                f"each value in {field} must be one of the following values: " + ", ".join(by_value)
            )
            return None
        methods.setdefault(method)
    return tuple(methods)


def _items(value: object, field: str, errors: list[str]) -> tuple[ItemRequest, ...] | None:
    if not isinstance(value, list | tuple):
        errors.append(f"{field} must be an array")
        return None
    if not value:
        errors.append(f"{field} should not be empty")
        return None
    if len(value) > MAX_ITEMS:
        errors.append(f"{field} must contain no more than {MAX_ITEMS} elements")
        return None
    items = [_item(entry, f"{field}.{index}", errors) for index, entry in enumerate(value)]
    valid = [item for item in items if item is not None]
    return tuple(valid) if len(valid) == len(items) else None


def _item(value: object, field: str, errors: list[str]) -> ItemRequest | None:
    if not isinstance(value, Mapping):
        errors.append(f"{field} must be an object")
        return None
    product_id = _required(value.get("product_id"), f"{field}.product_id", errors, _identifier)
    quantity = _required(value.get("quantity"), f"{field}.quantity", errors, _quantity)
    if product_id is None or quantity is None:
        return None
    return ItemRequest(product_id=product_id, quantity=quantity)


def _quantity(value: object, field: str, errors: list[str]) -> Decimal | None:
    """A JSON number (not a string, not a bool), > 0, <= 1,000,000, at most 4 places."""
    number = None if isinstance(value, str) else to_decimal(value)
    if number is None or number <= 0:
        errors.append(f"{field} must be a positive number")
        return None
    if number > MAX_QUANTITY:
        errors.append(f"{field} must not be greater than {MAX_QUANTITY}")
        return None
    if _decimal_places(number) > QUANTITY_PLACES:
        errors.append(f"{field} must have at most {QUANTITY_PLACES} decimal places")
        return None
    return number


def _decimal_places(number: Decimal) -> int:
    """Places after the point, ignoring trailing zeros (context-free, unlike normalize())."""
    _, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)  # finite
    trailing = len(digits) - len(bytes(digits).rstrip(b"\x00"))
    return max(0, -(exponent + trailing))
