"""Run a create at most once per (app, idempotency key).

What is stored: only a successful (2xx) response is kept, for the configured TTL,
and replayed byte for byte. A request that fails (validation 400, not-found 404,
a 5xx) wrote nothing, so its claim is released and the same key may be retried,
for example after the missing customer was created (this follows Stripe's rule
that failed validation saves no result). The same key with another body is 422;
while the first request still runs it is 409. A crashed request's claim expires
after the lease. The invoice table's unique (app, idempotency key) backs the store
up: see gateway.services.create_invoice.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from gateway.domain.errors import (
    IdempotencyInFlight,
    IdempotencyKeyReused,
    InvalidInput,
    ServiceUnavailable,
)
from gateway.domain.problems import Problem
from gateway.metrics.families import families
from gateway.runtime import Runtime
from gateway.store.base import ClaimState, StoredResponse, StoreUnavailableError

log = logging.getLogger("gateway.idempotency")

MAX_KEY_LENGTH = 255
KEY_HEADER = "x-idempotency-key"
_KEY_HEADERS = (KEY_HEADER, "idempotency-key")
_KEY_RULE = f"must be 1 to {MAX_KEY_LENGTH} printable characters"


def idempotency_key(headers: Mapping[str, str], argument: str | None = None) -> str | None:
    """The key: `argument` (GraphQL's idempotencyKey) if given, else the x-idempotency-key
    or Idempotency-Key header (`headers` look names up case-insensitively), else None.

    A key is 1 to MAX_KEY_LENGTH printable characters. A bad argument is a problem at its
    name; a bad header is a problem of the request as a whole, named in the message."""
    if argument is not None:
        return _checked(argument, Problem(("idempotencyKey",), "INVALID_KEY", _KEY_RULE))
    for header in _KEY_HEADERS:
        key = headers.get(header)
        if key is not None:
            return _checked(key, Problem((), "INVALID_KEY", f"{KEY_HEADER} {_KEY_RULE}"))
    return None


def _checked(key: str, problem: Problem) -> str:
    if not 1 <= len(key) <= MAX_KEY_LENGTH or not key.isprintable():
        raise InvalidInput([problem])
    return key


@dataclass(frozen=True)
class IdempotentResult:
    response: StoredResponse
    replayed: bool


async def run_idempotent(
    runtime: Runtime,
    app_id: str,
    key: str | None,
    fingerprint: str,
    action: Callable[[], Awaitable[StoredResponse]],
) -> IdempotentResult:
    if key is None:
        return IdempotentResult(await action(), replayed=False)
    store = runtime.store
    settings = runtime.settings
    store_key = f"{app_id}:{key}"
    try:
        claim = await store.claim_idempotency(
            store_key, fingerprint, settings.idempotency_lease_seconds
        )
    except StoreUnavailableError as exc:
        raise ServiceUnavailable("Service temporarily unavailable; retry later") from exc
    if claim.state is ClaimState.COMPLETED and claim.response is not None:
        families().idempotent_replays.inc()
        return IdempotentResult(claim.response, replayed=True)
    if claim.state is ClaimState.MISMATCH:
        raise IdempotencyKeyReused()
    if claim.state is not ClaimState.CLAIMED or claim.owner is None:
        raise IdempotencyInFlight()

    owner = claim.owner
    try:
        response = await action()
    except BaseException:
        await _release(runtime, store_key, owner)
        raise
    if 200 <= response.status < 300:
        try:
            await store.complete_idempotency(
                store_key, owner, response, settings.idempotency_ttl_seconds
            )
        except StoreUnavailableError:
            # The invoice is committed; a retry finds it through the database.
            log.warning("could not store idempotent response for key %r", store_key)
    else:
        await _release(runtime, store_key, owner)
    return IdempotentResult(response, replayed=False)


async def _release(runtime: Runtime, store_key: str, owner: str) -> None:
    try:
        await runtime.store.release_idempotency(store_key, owner)
    except StoreUnavailableError:
        log.warning("could not release idempotency claim %r; it expires with its lease", store_key)
