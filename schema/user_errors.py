"""Problems the caller can fix, returned in a payload's `userErrors` instead of failing.

InvalidInput yields one UserError per Problem; business-rule, not-found, idempotency,
concurrency and version errors yield one, with their code. A problem's path is in the command's
field names; its GraphQL field is that path under the argument it came in (`prefix`,
createInvoice's input by default), camelCased by Strawberry's own name converter.
"""

from __future__ import annotations

from collections.abc import Sequence

import strawberry
from strawberry.utils.str_converters import to_camel_case

from gateway.domain.errors import (
    BusinessRuleViolation,
    ConcurrentModification,
    GatewayError,
    IdempotencyInFlight,
    IdempotencyKeyReused,
    InvalidInput,
    NotFound,
    VersionMismatch,
)
from gateway.domain.problems import Path

# Errors a payload reports; anything else (rate limit, store down, bugs) is a GraphQL error.
USER_ERRORS = (
    InvalidInput,
    BusinessRuleViolation,
    NotFound,
    IdempotencyKeyReused,
    IdempotencyInFlight,
    ConcurrentModification,
    VersionMismatch,
)

INPUT = ("input",)
_KEY_ARGUMENT = ["idempotencyKey"]
_VERSION_ARGUMENT = ["expectedVersion"]


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
            "SEND_DATE_AFTER_DUE_DATE, INVALID_TRANSITION, INVOICE_NUMBERED, OVERPAYMENT, "
            "PARTIAL_PAYMENT_NOT_ALLOWED, PAYMENT_METHOD_NOT_ACCEPTED, INVALID_WEBHOOK_URL, "
            "CUSTOMER_NOT_INVOICEABLE, PRODUCT_INACTIVE, TAX_INACTIVE, CURRENCY_MISMATCH, "
            "WEBHOOK_ENDPOINT_NOT_FOUND, FOREIGN_APP_ID, TAX_RATE_FIXED, "
            "INVALID_WALLET_ADDRESS, WALLET_ALREADY_EXISTS, WALLET_IN_USE, "
            "CUSTOMER_EMAIL_TAKEN, IDEMPOTENCY_KEY_REUSED, IDEMPOTENCY_IN_FLIGHT, "
            "CONCURRENT_MODIFICATION (retry), VERSION_MISMATCH (the invoice is not at "
            "expectedVersion: read it again)."
        )
    )


def user_errors(
    exc: GatewayError,
    *,
    prefix: Sequence[str] = INPUT,
    not_found: Sequence[str] | None = None,
) -> list[UserError]:
    """`not_found`: the argument naming the row a NotFound without a path is about."""
    if isinstance(exc, InvalidInput):
        return [
            UserError(field=field_path(problem.path, prefix), message=problem.text, code=exc.code)
            for problem in exc.problems
        ]
    return [
        UserError(field=_error_field(exc, prefix, not_found), message=exc.message, code=exc.code)
    ]


def field_path(path: Path, prefix: Sequence[str] = INPUT) -> list[str] | None:
    """["input", "items", "0", "productId"] for ("items", 0, "product_id")."""
    if not path:
        return None
    return [*prefix, *(_name(part) for part in path)]


def _name(part: str | int) -> str:
    return str(part) if isinstance(part, int) else to_camel_case(part)


def _error_field(
    exc: GatewayError, prefix: Sequence[str], not_found: Sequence[str] | None
) -> list[str] | None:
    if isinstance(exc, IdempotencyKeyReused | IdempotencyInFlight):
        return _KEY_ARGUMENT
    if isinstance(exc, VersionMismatch):
        return _VERSION_ARGUMENT
    path: Path = getattr(exc, "path", ())
    if path:
        return field_path(path, prefix)
    if isinstance(exc, NotFound) and not_found is not None:
        return list(not_found)
    return None
