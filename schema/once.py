"""A GraphQL create that runs at most once per idempotency key (the `idempotencyKey`
argument, else the header): the first request keeps only the new row's id, so a replay
answers with the row as it is now. The same key with other input is
IDEMPOTENCY_KEY_REUSED (a userError)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from gateway.services.fingerprint import request_fingerprint
from gateway.services.idempotency import idempotency_key, run_idempotent
from gateway.store.base import StoredResponse
from schema.context import Context

SURFACE = "graphql"


@dataclass(frozen=True)
class Created:
    id: str
    # True when the key named a row created earlier.
    replayed: bool


async def create_once(
    context: Context,
    operation: str,
    key_argument: str | None,
    command: object,
    create: Callable[[], Awaitable[str]],
) -> Created:
    """Run `create` (which returns the new row's id) unless the key was used before.

    Raises InvalidInput for a bad key and the idempotency errors of
    gateway.services.idempotency; callers report them with schema.user_errors."""
    key = idempotency_key(context.request.headers, key_argument)

    async def action() -> StoredResponse:
        return StoredResponse(200, (await create()).encode())

    fingerprint = request_fingerprint(SURFACE, operation, command)
    outcome = await run_idempotent(context.runtime, context.caller.app_id, key, fingerprint, action)
    return Created(outcome.response.body.decode(), outcome.replayed)
