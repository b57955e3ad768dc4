"""Test support for the delivery tests: a webhook receiver, settings, outbox reads.

The receiver is a real HTTP server that takes webhooks the way an app would: every
request's signature is checked with the standardwebhooks library before it is
recorded. Each endpoint is a path (`/hooks/<name>`); a test scripts the answers a
path gives (`answer("a", 500, 500)`: two 500s, then 200 as always) or makes it hang.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections import Counter, defaultdict, deque
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from sqlmodel import col, select
from standardwebhooks import Webhook, WebhookVerificationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp

from gateway.db.tables import OutboxMessage, WebhookAttempt, WebhookEndpoint
from gateway.delivery.worker import run_once
from gateway.runtime import Runtime
from gateway.services.demo import DEMO_APP_ID
from gateway.services.webhook_endpoints import add_webhook_endpoint
from gateway.settings import Settings


@dataclass(frozen=True)
class Delivery:
    path: str
    webhook_id: str
    body: dict[str, Any]
    host: str = ""  # the request's Host header
    traceparent: str | None = None  # the W3C trace context header, when the sender traces
    raw_body: bytes = b""  # as received, for checks with other secrets
    headers: tuple[tuple[str, str], ...] = ()

    @property
    def event(self) -> str:
        return str(self.body["type"])

    @property
    def invoice_id(self) -> str:
        return str(self.body["data"]["id"])


@dataclass
class Receiver:
    base_url: str
    secrets: dict[str, str] = field(default_factory=dict)
    # Every request that passed verification, whatever it was answered.
    requests: list[Delivery] = field(default_factory=list)
    # Requests answered 2xx: what the app has actually accepted.
    accepted: list[Delivery] = field(default_factory=list)
    bad_signatures: list[str] = field(default_factory=list)
    _answers: dict[str, deque[int]] = field(default_factory=lambda: defaultdict(deque))
    _hangs: dict[str, int] = field(default_factory=Counter)
    _hang_seconds: dict[str, float] = field(default_factory=dict)
    _arrived: asyncio.Event = field(default_factory=asyncio.Event)
    _requested: asyncio.Event = field(default_factory=asyncio.Event)

    def url(self, name: str) -> str:
        return f"{self.base_url}/hooks/{name}"

    def expect(self, name: str, secret: str) -> None:
        self.secrets[name] = secret

    def answer(self, name: str, *statuses: int) -> None:
        self._answers[name].extend(statuses)

    def hang(self, name: str, times: int = 1, seconds: float = 1.5) -> None:
        self._hangs[name] += times
        self._hang_seconds[name] = seconds

    async def wait_for(self, accepted: int) -> None:
        """Until `accepted` deliveries have been answered 2xx."""
        while len(self.accepted) < accepted:
            self._arrived.clear()
            await self._arrived.wait()

    async def wait_for_requests(self, count: int) -> None:
        """Until `count` verified requests have arrived, whatever they are answered."""
        while len(self.requests) < count:
            self._requested.clear()
            await self._requested.wait()

    async def handle(self, request: Request) -> Response:
        name = request.path_params["name"]
        body = await request.body()
        try:
            parsed = Webhook(self.secrets[name]).verify(body, dict(request.headers))
        except (KeyError, WebhookVerificationError) as exc:
            self.bad_signatures.append(f"{name}: {exc!r}")
            return Response(status_code=400)
        delivery = Delivery(
            name,
            request.headers["webhook-id"],
            parsed,
            request.headers["host"],
            request.headers.get("traceparent"),
            body,
            tuple(request.headers.items()),
        )
        self.requests.append(delivery)
        self._requested.set()
        if self._hangs[name] > 0:
            self._hangs[name] -= 1
            # 1.5 s: past the sender's timeout in the timeout test.
            await asyncio.sleep(self._hang_seconds.get(name, 1.5))
        status = self._answers[name].popleft() if self._answers[name] else 200
        if 200 <= status < 300:
            self.accepted.append(delivery)
            self._arrived.set()
        return Response(json.dumps({"ok": status < 300}), status_code=status)


@contextlib.asynccontextmanager
async def serving(
    app: ASGIApp, sock: socket.socket, certificate: str | None = None
) -> AsyncIterator[None]:
    """`app` under uvicorn in this event loop, on the bound `sock`, until the block ends;
    over HTTPS with `certificate` (a PEM file holding the key and the certificate chain)."""
    config = uvicorn.Config(
        app,
        log_level="warning",
        lifespan="off",
        loop="asyncio",
        http="h11",
        timeout_graceful_shutdown=1,
        ssl_certfile=certificate,
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.01)
        yield
    finally:
        server.should_exit = True
        await task
        sock.close()


@contextlib.asynccontextmanager
async def running_receiver(certificate: str | None = None) -> AsyncIterator[Receiver]:
    """A receiver on 127.0.0.1; over HTTPS with `certificate`."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    scheme = "http" if certificate is None else "https"
    receiver = Receiver(f"{scheme}://127.0.0.1:{port}")
    app = Starlette(routes=[Route("/hooks/{name}", receiver.handle, methods=["POST"])])
    async with serving(app, sock, certificate):
        yield receiver


def delivery_settings(database_url: str, **overrides: Any) -> Settings:
    """Receivers listen on 127.0.0.1; retries come back within milliseconds."""
    values: dict[str, Any] = {
        "database_url": database_url,
        "public_base_url": "https://pay.example",
        "allow_private_webhook_urls": True,
        "outbox_retry_base_seconds": 0.01,
        # Generous: a hundred deliveries at once to one in-process receiver take a while.
        "webhook_timeout_seconds": 5.0,
    }
    values.update(overrides)
    return Settings(**values)


async def add_endpoint(runtime: Runtime, receiver: Receiver, name: str) -> WebhookEndpoint:
    endpoint = await add_webhook_endpoint(runtime, DEMO_APP_ID, receiver.url(name))
    receiver.expect(name, endpoint.secret)
    return endpoint


async def outbox(runtime: Runtime, **where: Any) -> list[OutboxMessage]:
    async with runtime.sessions() as session:
        stmt = select(OutboxMessage).filter_by(**where).order_by(col(OutboxMessage.created_at))
        return list((await session.exec(stmt)).all())


async def attempts_of(runtime: Runtime, message_id: str) -> list[WebhookAttempt]:
    async with runtime.sessions() as session:
        stmt = (
            select(WebhookAttempt)
            .where(WebhookAttempt.message_id == message_id)
            .order_by(col(WebhookAttempt.attempt))
        )
        return list((await session.exec(stmt)).all())


async def work_until(runtime: Runtime, done: Callable[[], Awaitable[bool]]) -> None:
    """Worker passes (real ones, run_once) until `done()` holds; 15 s at most."""
    async with asyncio.timeout(15):
        while not await done():
            await run_once(runtime)
            await asyncio.sleep(0.01)


async def settled(runtime: Runtime) -> bool:
    """No outbox message is waiting for (another) attempt."""
    return not await outbox(runtime, status="pending")
