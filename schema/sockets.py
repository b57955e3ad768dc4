"""The graphql-transport-ws side of /graphql: text frames, subscriptions only, and the
credentials checked on `connection_init`.

A browser cannot put headers on a websocket, so the client key and secret travel in the
`connection_init` payload, under the names of the HTTP headers:
`{"x-client-key": "...", "x-client-secret": "..."}`. Wrong or missing ones close the
socket with 4403 (Forbidden); a `subscribe` before the acknowledgement with 4401.
Queries and mutations stay on HTTP, where the rate limit, idempotency keys and the
per-request loaders are.
"""

from __future__ import annotations

from collections.abc import Mapping

from graphql import GraphQLError, OperationType, get_operation_ast, parse
from starlette.websockets import WebSocketDisconnect
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import SubscribeMessage

from gateway.domain.errors import GatewayError
from gateway.encoding import dumps
from gateway.services.access import authenticate, check_rate_limit
from schema.context import SocketContext

HTTP_ONLY = "Queries and mutations go over HTTP (POST /graphql); this socket runs subscriptions"


class TextFrames(ASGIWebSocketAdapter):
    """graphql-transport-ws messages are text frames (the view encodes JSON to bytes)."""

    async def send_json(self, message: Mapping[str, object]) -> None:
        try:
            await self.ws.send_text(dumps(message).decode())
        except WebSocketDisconnect as exc:
            raise WebSocketDisconnected from exc


class SubscriptionsOnly(BaseGraphQLTransportWSHandler[SocketContext, None]):
    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        if self.connection_acknowledged and not _is_subscription(message):
            error = GraphQLError(HTTP_ONLY, extensions={"code": "SUBSCRIPTIONS_ONLY"})
            await self.send_message(
                {"id": message["id"], "type": "error", "payload": [error.formatted]}
            )
            return
        await super().handle_subscribe(message)


def _is_subscription(message: SubscribeMessage) -> bool:
    """False for a query or mutation; True also when the document does not parse or
    names no operation (the protocol handler answers those as it should)."""
    try:
        document = parse(message["payload"]["query"])
    except (GraphQLError, KeyError, TypeError):
        return True
    operation = get_operation_ast(document, message["payload"].get("operationName"))
    return operation is None or operation.operation is OperationType.SUBSCRIPTION


async def accept_connection(context: SocketContext) -> None:
    """Authenticates `connection_init` (and counts it against the rate limit)."""
    params = context.connection_params
    key, secret = params.get("x-client-key"), params.get("x-client-secret")
    if not isinstance(key, str) or not isinstance(secret, str):
        raise ConnectionRejectionError()
    try:
        caller = await authenticate(context.runtime, key, secret)
        await check_rate_limit(context.runtime, caller)
    except GatewayError as exc:
        raise ConnectionRejectionError() from exc
    context.caller = caller
    # The access line of the socket names the app (gateway.access_log).
    context.websocket.scope["state"]["caller"] = caller
