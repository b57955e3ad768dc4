"""Problems the caller can fix, returned in a payload's `userErrors` instead of failing.

InvalidInput yields one UserError per message, with the GraphQL path of the field the
message names; business-rule, not-found and idempotency errors yield one, with their code.
"""

from __future__ import annotations

import re

import strawberry

from gateway.domain.create_invoice import CreateInvoiceCommand
from gateway.domain.errors import (
    BusinessRuleViolation,
    GatewayError,
    IdempotencyInFlight,
    IdempotencyKeyReused,
    InvalidInput,
    NotFound,
    ProductNotFound,
)
from schema.inputs import V0_TO_GRAPHQL

# Errors a payload reports; anything else (rate limit, store down, bugs) is a GraphQL error.
USER_ERRORS = (
    InvalidInput,
    BusinessRuleViolation,
    NotFound,
    IdempotencyKeyReused,
    IdempotencyInFlight,
)

_LEADING_FIELD = re.compile(r"(?:each value in )?([A-Za-z_][A-Za-z0-9_.]*)")
_INPUT_FIELDS = frozenset(
    {
        "name", "email", "customer_id", "walletId", "items", "due_date", "delivery",
        "payment_link", "payment_methods", "status", "partial_payment", "address",
        "phone_number", "send_date", "logo", "taxId",
    }
)  # fmt: skip
_ARGUMENTS = frozenset({"idempotencyKey", "first", "after"})


@strawberry.type(description="A problem with the request that the caller can fix.")
class UserError:
    field: list[str] | None = strawberry.field(
        description='Path to the argument at fault, e.g. ["input", "items", "0", "quantity"].'
    )
    message: str
    code: str = strawberry.field(
        description=(
            "Machine-readable: INVALID_INPUT, CUSTOMER_NOT_FOUND, WALLET_NOT_FOUND, "
            "PRODUCT_NOT_FOUND, TAX_NOT_FOUND, DUE_DATE_IN_PAST, SEND_DATE_AFTER_DUE_DATE, "
            "IDEMPOTENCY_KEY_REUSED, IDEMPOTENCY_IN_FLIGHT."
        )
    )


def user_errors(exc: GatewayError, command: CreateInvoiceCommand | None = None) -> list[UserError]:
    if isinstance(exc, InvalidInput):
        return [UserError(field=message_path(m), message=m, code=exc.code) for m in exc.messages]
    return [UserError(field=_error_path(exc, command), message=exc.message, code=exc.code)]


def message_path(message: str) -> list[str] | None:
    """["input", "items", "0", "quantity"] for "items.0.quantity must be a positive number"."""
    match = _LEADING_FIELD.match(message)
    if match is None:
        return None
    parts = match.group(1).split(".")
    if parts[0] in _ARGUMENTS and len(parts) == 1:
        return parts
    if parts[0] not in _INPUT_FIELDS:
        return None
    return ["input", *(V0_TO_GRAPHQL.get(part, part) for part in parts)]


def _error_path(exc: GatewayError, command: CreateInvoiceCommand | None) -> list[str] | None:
    if isinstance(exc, IdempotencyKeyReused | IdempotencyInFlight):
        return ["idempotencyKey"]
    if isinstance(exc, ProductNotFound) and command is not None:
        for index, item in enumerate(command.items):
            if item.product_id == exc.product_id:
                return ["input", "items", str(index), "productId"]
    field = getattr(exc, "field", None)
    if isinstance(field, str) and field in _INPUT_FIELDS:
        return ["input", V0_TO_GRAPHQL.get(field, field)]
    return None
