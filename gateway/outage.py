"""ASGI middleware: a request that finds the database unreachable gets 503, not 500.

It sits outside the API guard (whose credential lookup is the first read to fail) and
inside Starlette's ServerErrorMiddleware, which would log a stack trace per request and
re-raise to the server, closing the client's keep-alive connection. The error is
reported to the process's DatabaseAvailability (one log line per outage) and answered
like a store outage: NestJS-style 503 with Retry-After; the connection stays open.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.db.availability import is_unreachable
from gateway.domain.errors import ServiceUnavailable
from gateway.http_errors import error_response
from gateway.runtime import Runtime


class OutageShield:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except Exception as exc:
            if not is_unreachable(exc):
                raise
            runtime: Runtime = scope["state"]["runtime"]
            runtime.database.report_failure(exc)
            if started:
                return  # the response is (partly) out: nothing more can be said
            await error_response(ServiceUnavailable())(scope, receive, send)
