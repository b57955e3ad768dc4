"""Problems the caller can fix, returned in a payload's `userErrors` instead of failing.

InvalidInput yields one UserError per message, with the GraphQL path of the field the
message names; business-rule, not-found, idempotency and concurrency errors yield one,
with their code. Which argument a v0 field name stands for depends on the mutation: each
passes its ErrorPaths (createInvoice's input by default).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import strawberry

from gateway.domain.create_invoice import CreateInvoiceCommand
from gateway.domain.errors import (
    BusinessRuleViolation,
    ConcurrentModification,
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
    ConcurrentModification,
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


@dataclass(frozen=True)
class ErrorPaths:
    """Where the v0 field names an error mentions sit among one mutation's arguments."""

    # v0 names of the fields of the input argument (or of top-level arguments, prefix ())
    fields: frozenset[str]
    prefix: tuple[str, ...] = ("input",)
    # The argument naming the row a NotFound without a field of its own is about.
    not_found: tuple[str, ...] | None = None

    def path(self, parts: Sequence[str]) -> list[str] | None:
        if not parts or parts[0] not in self.fields:
            return None
        return [*self.prefix, *(V0_TO_GRAPHQL.get(part, part) for part in parts)]


INVOICE_INPUT = ErrorPaths(fields=_INPUT_FIELDS)


@strawberry.type(description="A problem with the request that the caller can fix.")
class UserError:
    field: list[str] | None = strawberry.field(
        description='Path to the argument at fault, e.g. ["input", "items", "0", "quantity"].'
    )
    message: str
    code: str = strawberry.field(
        description=(
            "Machine-readable: INVALID_INPUT, CUSTOMER_NOT_FOUND, WALLET_NOT_FOUND, "
            "PRODUCT_NOT_FOUND, TAX_NOT_FOUND, INVOICE_NOT_FOUND, DUE_DATE_IN_PAST, "
            "SEND_DATE_AFTER_DUE_DATE, INVALID_TRANSITION, OVERPAYMENT, "
            "PARTIAL_PAYMENT_NOT_ALLOWED, PAYMENT_METHOD_NOT_ACCEPTED, INVALID_WEBHOOK_URL, "
            "WEBHOOK_ENDPOINT_NOT_FOUND, IDEMPOTENCY_KEY_REUSED, IDEMPOTENCY_IN_FLIGHT, "
            "CONCURRENT_MODIFICATION (retry)."
        )
    )


def user_errors(
    exc: GatewayError,
    command: CreateInvoiceCommand | None = None,
    *,
    paths: ErrorPaths = INVOICE_INPUT,
    product_ids: Sequence[str] | None = None,
) -> list[UserError]:
    """`product_ids` (the input's items, in order) place a PRODUCT_NOT_FOUND; by default
    they are the command's."""
    if isinstance(exc, InvalidInput):
        return [
            UserError(field=message_path(m, paths), message=m, code=exc.code) for m in exc.messages
        ]
    if product_ids is None:
        product_ids = [] if command is None else [item.product_id for item in command.items]
    return [
        UserError(field=_error_path(exc, paths, product_ids), message=exc.message, code=exc.code)
    ]


def message_path(message: str, paths: ErrorPaths = INVOICE_INPUT) -> list[str] | None:
    """["input", "items", "0", "quantity"] for "items.0.quantity must be a positive number"."""
    match = _LEADING_FIELD.match(message)
    if match is None:
        return None
    parts = match.group(1).split(".")
    if parts[0] in _ARGUMENTS and len(parts) == 1:
        return parts
    return paths.path(parts)


def _error_path(
    exc: GatewayError, paths: ErrorPaths, product_ids: Sequence[str]
) -> list[str] | None:
    if isinstance(exc, IdempotencyKeyReused | IdempotencyInFlight):
        return ["idempotencyKey"]
    if isinstance(exc, ProductNotFound) and "items" in paths.fields:
        for index, product_id in enumerate(product_ids):
            if product_id == exc.product_id:
                return [*paths.prefix, "items", str(index), "productId"]
    field = getattr(exc, "field", None)
    if isinstance(field, str):
        return paths.path([field])
    if isinstance(exc, NotFound) and paths.not_found is not None:
        return list(paths.not_found)
    return None
