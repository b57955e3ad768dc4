"""The bare baseline: the gateway's work done by hand on a plain Starlette app.

Same settings (gateway.settings), the same kind of async engine (gateway.db.engine), the
same Redis round trips (gateway.store.redis_store.RedisStore: the rate-limit, claim and
complete Lua scripts), the same SQL (SQLAlchemy Core on the gateway's tables) and orjson;
no middleware, no ORM objects, no service layer, no GraphQL. Run it as
`uvicorn bench.baseline:app_from_env --factory`, with the gateway's environment.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bench.bare_create import create_invoice
from bench.bare_list import list_invoices
from bench.bare_sql import CREDENTIAL_BY_KEY
from gateway.db.engine import build_engine
from gateway.domain.create_invoice import check_dates
from gateway.domain.errors import GatewayError
from gateway.rest.v0_invoice_body import parse_create_invoice
from gateway.settings import Settings
from gateway.store.base import ClaimState, StoredResponse
from gateway.store.redis_store import RedisStore


@dataclass(frozen=True)
class Bare:
    settings: Settings
    engine: AsyncEngine
    store: RedisStore


@dataclass(frozen=True)
class Caller:
    app_id: str
    app_name: str
    client_key: str


class Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        self.response = Response(orjson.dumps({"statusCode": status, "message": message}), status)


# The credentials a client key was found with, until they expire: the gateway keeps
# them as long (CREDENTIAL_CACHE_SECONDS; gateway.credential_cache, which also drops them
# on a change: nothing changes them during a run).
_CREDENTIALS: dict[str, tuple[float, Any]] = {}


def _credential(bare: Bare, key: str) -> Any:
    found = _CREDENTIALS.get(key)
    if found is None or found[0] < time.monotonic():
        return None
    return found[1]


async def _guard(request: Request) -> tuple[Bare, Caller, dict[str, str]]:
    """Credential by client key + hash compare, then the rate-limit script."""
    bare: Bare = request.state.bare
    key = request.headers.get("x-client-key") or ""
    secret = request.headers.get("x-client-secret") or ""
    row = _credential(bare, key)
    if row is None:
        async with bare.engine.connect() as conn:
            row = (await conn.execute(CREDENTIAL_BY_KEY, {"key": key})).first()
        if row is not None and bare.settings.credential_cache_seconds:
            expires = time.monotonic() + bare.settings.credential_cache_seconds
            _CREDENTIALS[key] = (expires, row)
    digest = hashlib.sha256(secret.encode()).hexdigest()
    if row is None or row.revoked or not hmac.compare_digest(digest, row.secret_hash):
        raise Refused(401, "Unauthorized")
    settings = bare.settings
    window = settings.rate_limit_window_seconds
    limit = settings.rate_limit_per_minute
    decision = await bare.store.hit_rate_limit(f"client:{key}", limit, window)
    if not decision.allowed:
        raise Refused(429, "Too Many Requests")
    left, reset = decision.remaining, decision.reset_after
    headers = {
        "x-ratelimit-limit": str(limit),
        "x-ratelimit-remaining": str(left),
        "x-ratelimit-reset": str(int(time.time()) + reset),
        "ratelimit-policy": f'"default";q={limit};w={window}',
        "ratelimit": f'"default";r={left};t={reset}',
    }
    return bare, Caller(row.id, row.name, key), headers


async def create(request: Request) -> Response:
    try:
        bare, caller, headers = await _guard(request)
        payload = orjson.loads(await request.body())
        command = parse_create_invoice(payload)
        now = datetime.now(UTC)
        check_dates(command.due_date, command.send_date, now.date())
    except Refused as exc:
        return exc.response
    except GatewayError as exc:
        return Refused(exc.status_code, exc.message).response
    key = request.headers["x-idempotency-key"]
    canonical = orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)
    fingerprint = hashlib.sha256(b"POST /api/v0/invoices\n" + canonical).hexdigest()
    settings, store = bare.settings, bare.store
    store_key = f"{caller.app_id}:{key}"
    claim = await store.claim_idempotency(
        store_key, fingerprint, settings.idempotency_lease_seconds
    )
    if claim.state is ClaimState.COMPLETED and claim.response is not None:
        return _json(claim.response.body, 201, {**headers, "Idempotent-Replayed": "true"})
    if claim.state is not ClaimState.CLAIMED or claim.owner is None:
        return Refused(409, "Idempotency key in use").response
    try:
        body = await create_invoice(bare, caller, command, (key, fingerprint), now)
    except BaseException:
        await store.release_idempotency(store_key, claim.owner)
        raise
    stored = StoredResponse(201, body)
    await store.complete_idempotency(
        store_key, claim.owner, stored, settings.idempotency_ttl_seconds
    )
    return _json(body, 201, headers)


async def invoices(request: Request) -> Response:
    try:
        bare, caller, headers = await _guard(request)
    except Refused as exc:
        return exc.response
    first = int(request.query_params.get("first", "10"))
    return _json(await list_invoices(bare, caller.app_id, first), 200, headers)


async def healthz(_request: Request) -> Response:
    return _json(b'{"status":"ok"}', 200, {})


def _json(body: bytes, status: int, headers: dict[str, str]) -> Response:
    return Response(body, status, headers, media_type="application/json")


def create_bare_app(settings: Settings) -> Starlette:
    if settings.redis_url is None:
        raise ValueError("the baseline needs REDIS_URL")
    redis_url: str = settings.redis_url

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[dict[str, Bare]]:
        engine = build_engine(settings.database_url, settings.database_pool)
        bare = Bare(settings, engine, RedisStore.from_url(redis_url))
        try:
            yield {"bare": bare}
        finally:
            await bare.store.close()
            await bare.engine.dispose()

    return Starlette(
        routes=[
            Route("/bare/invoices", create, methods=["POST"]),
            Route("/bare/invoices", invoices, methods=["GET"]),
            Route("/healthz", healthz, methods=["GET"]),
        ],
        lifespan=lifespan,
    )


def app_from_env() -> Starlette:
    return create_bare_app(Settings.from_env())
