"""ASGI middleware: the request id, and one access line per request.

Outermost of the gateway's middleware, it picks the request's id (gateway.request_id),
binds it to every log line written while the request runs, returns it in
`X-Request-Id` and leaves it in the request state (the 500 handler and the GraphQL
endpoint quote it). When the request is over it writes one line to `gateway.access`:
method, path (tokens masked), route template or GraphQL operation name, app id when
the caller authenticated, status and duration in milliseconds. A client that goes
away before its request body has arrived gets that line with status 499 and nothing
else: it is not an error of the gateway's. A websocket (GraphQL subscriptions) gets its
line when it closes: method WEBSOCKET, the close code as status, its whole duration.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence

import structlog
from starlette.datastructures import Headers
from starlette.requests import ClientDisconnect
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.log_redaction import redact_tokens
from gateway.request_id import request_id_for

log = logging.getLogger("gateway.access")

# nginx's code for a client that closed the connection before the answer.
CLIENT_CLOSED_REQUEST = 499


def route_template(scope: Scope, routes: Sequence[BaseRoute]) -> str | None:
    """The path template of the route that served (or would serve) the request."""
    route = scope.get("route")
    if route is None:
        # Answered before routing (authentication, 405): the route the path names.
        route = next((r for r in routes if r.matches(scope)[0] is not Match.NONE), None)
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else None


class AccessLog:
    def __init__(self, app: ASGIApp, routes: Sequence[BaseRoute]) -> None:
        self.app = app
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await self._socket(scope, receive, send)
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = request_id_for(Headers(scope=scope))
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        status: int | None = None

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [(k, v) for k, v in message.get("headers", []) if k != b"x-request-id"]
                message["headers"] = [*headers, (b"x-request-id", request_id.encode())]
            await send(message)

        event = "request"
        # A server runs each request in a context of its own; one that does not (an
        # in-process test client) must not carry the last request's fields over.
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        try:
            await self.app(scope, receive, send_with_id)
        except ClientDisconnect:
            event, status = "client disconnected", CLIENT_CLOSED_REQUEST
        except BaseException:
            # Starlette's ServerErrorMiddleware, outside, answers it with a 500.
            status = status or 500
            raise
        finally:
            caller = state.get("caller")
            log.info(
                event,
                extra={
                    "method": scope["method"],
                    "path": redact_tokens(scope["path"]),
                    "route": route_template(scope, self.routes),
                    "graphql_operation": state.get("graphql_operation"),
                    "app_id": None if caller is None else caller.app_id,
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                },
            )
            structlog.contextvars.clear_contextvars()

    async def _socket(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        request_id = request_id_for(Headers(scope=scope))
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        code: int | None = None

        async def noting_close(message: Message) -> None:
            nonlocal code
            if message["type"] == "websocket.close" and code is None:
                code = message.get("code", 1000)
            await send(message)

        async def noting_disconnect() -> Message:
            nonlocal code
            message = await receive()
            if message["type"] == "websocket.disconnect" and code is None:
                code = message.get("code", 1005)
            return message

        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        try:
            await self.app(scope, noting_disconnect, noting_close)
        finally:
            caller = state.get("caller")
            log.info(
                "websocket",
                extra={
                    "method": "WEBSOCKET",
                    "path": redact_tokens(scope["path"]),
                    "route": route_template(scope, self.routes),
                    "app_id": None if caller is None else caller.app_id,
                    "status": code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                },
            )
            structlog.contextvars.clear_contextvars()
