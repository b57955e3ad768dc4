"""ASGI middleware: a request body must arrive within a deadline.

Without one, a client that sends its headers and then trickles the body (or nothing)
holds a connection and a request's resources for as long as it likes. The deadline
runs from the application's first read of the body to its last byte; past it, the
read raises RequestTimeout, which each surface answers as a 408 that closes the
connection (`gateway.http_errors`). Reads after the whole body has arrived (waiting
for a disconnect) are not limited.
"""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.domain.errors import RequestTimeout


class BodyDeadline:
    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.app(scope, _bounded(receive, self.seconds), send)


def _bounded(receive: Receive, seconds: float) -> Receive:
    deadline: float | None = None
    complete = False

    async def bounded() -> Message:
        nonlocal deadline, complete
        if complete:
            return await receive()
        loop = asyncio.get_running_loop()
        if deadline is None:
            deadline = loop.time() + seconds
        try:
            async with asyncio.timeout_at(deadline):
                message = await receive()
        except TimeoutError:
            raise RequestTimeout(seconds) from None
        if message["type"] != "http.request" or not message.get("more_body", False):
            complete = True
        return message

    return bounded
