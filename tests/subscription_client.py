"""A graphql-transport-ws client for tests, on the `websockets` package: connect,
authenticate on connection_init, subscribe to invoiceEvents, read what comes."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.client import ClientProtocol
from websockets.exceptions import ConnectionClosed
from websockets.frames import Close, Frame, Opcode
from websockets.protocol import State
from websockets.typing import Subprotocol
from websockets.uri import parse_uri

PROTOCOL = Subprotocol("graphql-transport-ws")
EVENT_FIELDS = "id cursor sequence type resourceType resourceId invoiceId createdAt data"
SUBSCRIPTION = (
    "subscription Follow($types: [String!], $invoiceId: ID, $after: String) {"
    " invoiceEvents(types: $types, invoiceId: $invoiceId, after: $after) { %s } }"
)


def socket_url(base_url: str) -> str:
    return base_url.replace("http", "ws", 1) + "/graphql"


@asynccontextmanager
async def open_socket(
    base_url: str, credentials: dict[str, str] | None, **options: Any
) -> AsyncIterator[ClientConnection]:
    """A socket past connection_init (acknowledged when `credentials` are right)."""
    async with connect(socket_url(base_url), subprotocols=[PROTOCOL], **options) as socket:
        if credentials is not None:
            await socket.send(json.dumps({"type": "connection_init", "payload": credentials}))
        yield socket


class Subscription:
    def __init__(self, socket: ClientConnection, operation_id: str) -> None:
        self.socket = socket
        self.id = operation_id

    async def next_message(self, seconds: float = 15) -> dict[str, Any]:
        message: dict[str, Any] = json.loads(await asyncio.wait_for(self.socket.recv(), seconds))
        return message

    async def next_event(self, seconds: float = 15) -> dict[str, Any]:
        message = await self.next_message(seconds)
        assert message["type"] == "next" and message["id"] == self.id, message
        assert "errors" not in message["payload"], message
        event: dict[str, Any] = message["payload"]["data"]["invoiceEvents"]
        return event

    async def events(self, count: int, seconds: float = 15) -> list[dict[str, Any]]:
        return [await self.next_event(seconds) for _ in range(count)]

    async def nothing_more(self, seconds: float = 1.0) -> None:
        try:
            message = await asyncio.wait_for(self.socket.recv(), seconds)
        except TimeoutError:
            return
        raise AssertionError(f"unexpected message: {message!r}")


async def acknowledged(socket: ClientConnection) -> None:
    message = json.loads(await asyncio.wait_for(socket.recv(), 15))
    assert message == {"type": "connection_ack"}, message


async def subscribe(
    socket: ClientConnection,
    *,
    after: str | None = None,
    types: list[str] | None = None,
    invoice_id: str | None = None,
    fields: str = EVENT_FIELDS,
    operation_id: str = "1",
) -> Subscription:
    variables = {"after": after, "types": types, "invoiceId": invoice_id}
    payload = {"query": SUBSCRIPTION % fields, "variables": variables}
    await socket.send(json.dumps({"id": operation_id, "type": "subscribe", "payload": payload}))
    return Subscription(socket, operation_id)


@asynccontextmanager
async def subscribed(
    base_url: str, credentials: dict[str, str], **arguments: Any
) -> AsyncIterator[Subscription]:
    """An acknowledged socket with one invoiceEvents subscription on it."""
    async with open_socket(base_url, credentials) as socket:
        await acknowledged(socket)
        yield await subscribe(socket, **arguments)


async def close_of(socket: ClientConnection, seconds: float = 15) -> tuple[int | None, str]:
    """The close code and reason the server closed `socket` with (reading what is left)."""
    try:
        async with asyncio.timeout(seconds):
            while True:
                await socket.recv()
    except ConnectionClosed as closed:
        frame = closed.rcvd
        return (frame.code, frame.reason) if frame is not None else (None, "")


class StalledSubscriber:
    """A subscriber that stops reading: a raw socket with a small receive buffer, the
    protocol done by websockets' sans-I/O client, so nothing reads on its behalf."""

    def __init__(self, base_url: str, credentials: dict[str, str], after: str) -> None:
        host, port = base_url.removeprefix("http://").split(":")
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)
        self.sock.connect((host, int(port)))
        self.sock.settimeout(15)
        self.protocol = ClientProtocol(parse_uri(socket_url(base_url)), subprotocols=[PROTOCOL])
        self.protocol.send_request(self.protocol.connect())
        self._flush()
        while self.protocol.state is State.CONNECTING and self.protocol.handshake_exc is None:
            self.protocol.receive_data(self.sock.recv(4096))
        assert self.protocol.handshake_exc is None, self.protocol.handshake_exc
        self.protocol.events_received()
        variables = {"after": after}
        subscribe = {"query": SUBSCRIPTION % "cursor data", "variables": variables}
        for message in (
            {"type": "connection_init", "payload": credentials},
            {"id": "1", "type": "subscribe", "payload": subscribe},
        ):
            self.protocol.send_text(json.dumps(message).encode())
        self._flush()

    def _flush(self) -> None:
        for data in self.protocol.data_to_send():
            self.sock.sendall(data)

    def close_frame(self, seconds: float) -> tuple[int, str] | None:
        """Reads everything until the server's close frame (or `seconds` pass)."""
        self.sock.settimeout(seconds)
        try:
            while True:
                data = self.sock.recv(65536)
                if not data:
                    return None
                self.protocol.receive_data(data)
                for frame in self.protocol.events_received():
                    if isinstance(frame, Frame) and frame.opcode is Opcode.CLOSE:
                        close = Close.parse(frame.data)
                        return close.code, close.reason
        except TimeoutError:
            return None
        finally:
            self.sock.close()
