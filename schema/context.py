"""The per-request context every resolver reads: `info.context.loaders.customers`.

`reads` opens the request's read-only sessions (one connection for all of them); writes
go through the services, which open their own sessions from `runtime.sessions`."""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.websockets import WebSocket

from gateway.db.request_reads import RequestReads
from gateway.runtime import Runtime
from gateway.services.access import Caller
from schema.loaders import Loaders


@dataclass(frozen=True)
class Context:
    runtime: Runtime
    caller: Caller
    loaders: Loaders
    reads: RequestReads
    request: Request
    # Names this request in the server log; masked errors quote it to the client.
    request_id: str


@dataclass
class SocketContext:
    """The context of a GraphQL websocket (graphql-transport-ws): one per connection.
    `caller` is set once `connection_init` carried valid credentials
    (schema.app.GatewayGraphQL.on_ws_connect); only subscriptions run on it."""

    runtime: Runtime
    websocket: WebSocket
    request_id: str
    connection_params: dict[str, object] = field(default_factory=dict)
    caller: Caller | None = None
    # Set once the gateway started closing the socket (a slow consumer).
    closing: bool = False
