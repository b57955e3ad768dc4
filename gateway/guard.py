"""ASGI middleware in front of the API: authenticate, then rate-limit per client key.

It runs before REST routes and GraphQL operations alike, stores the Caller in the
request state and puts the rate-limit headers on every response it lets through.
A request no route takes with its method is answered 405 here, after authentication
and before the rate limit: it spends no slot.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence

import structlog
from starlette.datastructures import Headers, QueryParams
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.allowed_methods import allowed_methods, method_not_allowed
from gateway.domain.errors import GatewayError
from gateway.http_errors import error_response
from gateway.runtime import Runtime
from gateway.services.access import authenticate, check_rate_limit
from gateway.store.base import RateLimitDecision

log = logging.getLogger("gateway.guard")

PUBLIC_API_PATHS = frozenset({"/api/v0/openapi.json"})


def is_protected(scope: Scope) -> bool:
    path: str = scope["path"]
    if path.startswith("/api/v0/"):
        return path not in PUBLIC_API_PATHS
    if path.rstrip("/") == "/graphql":
        # A plain GET is the GraphiQL page; any operation needs credentials, one named
        # by its hash alone (`extensions`, schema.persisted_queries) too. The query
        # string is decoded as the endpoint will decode it ("%71uery=" is "query=").
        if scope["method"] != "GET":
            return True
        params = QueryParams(scope.get("query_string", b""))
        return "query" in params or "extensions" in params
    return False


def rate_limit_headers(
    limit: int, remaining: int, reset_after: int, window: int
) -> list[tuple[bytes, bytes]]:
    reset_at = int(time.time()) + reset_after
    return [
        (b"x-ratelimit-limit", str(limit).encode()),
        (b"x-ratelimit-remaining", str(remaining).encode()),
        (b"x-ratelimit-reset", str(reset_at).encode()),
        (b"ratelimit-policy", f'"default";q={limit};w={window}'.encode()),
        (b"ratelimit", f'"default";r={remaining};t={reset_after}'.encode()),
    ]


class ApiGuard:
    def __init__(self, app: ASGIApp, routes: Sequence[BaseRoute]) -> None:
        self.app = app
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        allowed = allowed_methods(self.routes, scope)
        if not is_protected(scope):
            app = self.app if allowed is None else method_not_allowed(allowed)
            await app(scope, receive, send)
            return
        runtime: Runtime = scope["state"]["runtime"]
        headers = Headers(scope=scope)
        window = runtime.settings.rate_limit_window_seconds
        try:
            caller = await authenticate(
                runtime, headers.get("x-client-key"), headers.get("x-client-secret")
            )
            scope["state"]["caller"] = caller
            structlog.contextvars.bind_contextvars(app_id=caller.app_id)
            if allowed is not None:
                await method_not_allowed(allowed)(scope, receive, send)
                return
            decision = await check_rate_limit(runtime, caller)
        except GatewayError as exc:
            response = error_response(exc)
            limit = getattr(exc, "limit", None)
            if limit is not None:
                retry = int(getattr(exc, "retry_after", window))
                response.raw_headers.extend(rate_limit_headers(limit, 0, retry, window))
            await response(scope, receive, send)
            return
        await self.app(scope, receive, _with_headers(send, decision, window))


def _with_headers(send: Send, decision: RateLimitDecision, window: int) -> Send:
    extra = rate_limit_headers(decision.limit, decision.remaining, decision.reset_after, window)

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = [*message.get("headers", []), *extra]
        await send(message)

    return wrapped
