"""Who is calling (API credentials -> app) and whether they may call now (rate limit).

The credential comes from the process's cache (gateway.credential_cache) when it holds
it, else from the database; the secret is hashed and compared on every request.
"""

from __future__ import annotations

from dataclasses import dataclass

from gateway.credentials import secret_matches
from gateway.db.repositories import credential_by_client_key
from gateway.domain.errors import RateLimited, ServiceUnavailable, Unauthorized
from gateway.metrics.families import families
from gateway.runtime import Runtime
from gateway.store.base import RateLimitDecision, StoreUnavailableError


@dataclass(frozen=True)
class Caller:
    app_id: str
    app_name: str
    client_key: str


async def authenticate(runtime: Runtime, client_key: str | None, secret: str | None) -> Caller:
    if not client_key or not secret or len(client_key) > 128 or len(secret) > 256:
        raise Unauthorized()
    cache = runtime.credentials.cache
    found = cache.get(client_key)
    if found is None:
        generation = cache.generation
        async with runtime.sessions() as session:
            found = await credential_by_client_key(session, client_key)
        if found is not None:
            cache.put(found, generation)
    stored_hash = None if found is None or found.revoked else found.secret_hash
    if found is None or not secret_matches(secret, stored_hash):
        raise Unauthorized()
    return Caller(app_id=found.app_id, app_name=found.app_name, client_key=found.client_key)


async def check_rate_limit(runtime: Runtime, caller: Caller) -> RateLimitDecision:
    settings = runtime.settings
    try:
        decision = await runtime.store.hit_rate_limit(
            f"client:{caller.client_key}",
            settings.rate_limit_per_minute,
            settings.rate_limit_window_seconds,
        )
    except StoreUnavailableError as exc:
        raise ServiceUnavailable("Service temporarily unavailable; retry later") from exc
    if not decision.allowed:
        families().rate_limit_refusals.inc()
        raise RateLimited(decision.limit, decision.reset_after)
    return decision
