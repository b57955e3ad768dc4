"""The /graphql endpoint: Strawberry's ASGI app behind the gateway's guard, plus the
GraphiQL page and its locally served assets. Answers are application/graphql-response+json
or application/json, as the request's Accept asks (schema.media_types)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path

from cross_web import AsyncHTTPRequestAdapter, StarletteRequestAdapter
from starlette.datastructures import Headers
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.types import Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData, process_result
from strawberry.http.base import BaseRequestProtocol
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.unset import UnsetType

from gateway.db.request_reads import RequestReads
from gateway.domain.errors import NotAcceptable, PayloadTooLarge, RequestTimeout, Unauthorized
from gateway.encoding import dumps, loads_exact
from gateway.http_errors import error_response
from gateway.request_id import new_request_id
from gateway.runtime import Runtime
from gateway.services.access import Caller
from gateway.settings import Settings
from schema.context import Context, SocketContext
from schema.errors import present, request_error_status
from schema.execution import choose_execution_context
from schema.graphiql import ASSETS_PATH, GRAPHIQL_HTML
from schema.loaders import build_loaders
from schema.media_types import GRAPHQL_RESPONSE_JSON, SUPPORTED, response_media_type
from schema.persisted_queries import PersistedQueryError, resolve_persisted_query
from schema.persisted_queries import error_response as persisted_query_error
from schema.schema import schema_for
from schema.sockets import SubscriptionsOnly, TextFrames, accept_connection

STATIC_DIR = Path(__file__).resolve().parent / "static"
NOT_ACCEPTABLE = NotAcceptable(f"Accept must allow {' or '.join(SUPPORTED)}")
# A websocket must send its credentials (connection_init) this soon after opening.
CONNECTION_INIT_SECONDS = 10


class _RequestAdapter(StarletteRequestAdapter):
    """Strawberry's adapter, with the request (its state holds the runtime) in reach."""

    def __init__(self, request: Request) -> None:
        super().__init__(request)
        self.request = request


class GatewayGraphQL(GraphQL[Context | SocketContext, None]):
    """Runs behind gateway.guard.ApiGuard, which authenticates and rate-limits every
    operation and leaves the Caller in the request state, and gateway.access_log, which
    leaves the request id there. Websockets (graphql-transport-ws, subscriptions only)
    authenticate on connection_init instead (schema.sockets). A request may name its
    document by hash (schema.persisted_queries)."""

    request_adapter_class = _RequestAdapter
    websocket_adapter_class = TextFrames
    graphql_transport_ws_handler_class = SubscriptionsOnly  # type: ignore[assignment]

    def encode_json(self, data: object) -> bytes:
        return dumps(data)

    def decode_json(self, data: str | bytes) -> object:
        # Exact numbers: a Decimal variable given as a JSON number keeps all its digits.
        value = loads_exact(data)
        if not isinstance(value, dict | list):
            # Strawberry would fail on `null` or `"text"` with a 500; this makes it a 400.
            raise json.JSONDecodeError("expected a JSON object", str(value), 0)
        return value

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        data = await super().parse_http_body(request)
        if isinstance(data, GraphQLRequestData) and data.extensions:
            assert isinstance(request, _RequestAdapter)
            runtime: Runtime = request.request.scope["state"]["runtime"]
            params = {
                "query": data.query,
                "variables": data.variables,
                "operationName": data.operation_name,
                "extensions": data.extensions,
            }
            found = await resolve_persisted_query(runtime.store, params, runtime.settings)
            if found is not None:
                data.query = found.text
        return data

    def should_render_graphql_ide(self, request: BaseRequestProtocol) -> bool:
        # A GET naming its document by hash has no `query` and is no page request.
        return _wants_graphiql(request.method, request.query_params, request.headers)

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context | SocketContext:
        if isinstance(request, WebSocket):
            state = request.scope["state"]
            return SocketContext(
                runtime=state["runtime"],
                websocket=request,
                request_id=state.get("request_id") or new_request_id(),
            )
        assert isinstance(request, Request) and isinstance(response, Response)
        state = request.scope["state"]
        runtime: Runtime = state["runtime"]
        caller: Caller = state["caller"]
        request_id: str = state["request_id"]
        reads: RequestReads = state["reads"]
        return Context(
            runtime=runtime,
            caller=caller,
            loaders=build_loaders(reads.session, caller.app_id),
            reads=reads,
            request=request,
            request_id=request_id,
        )

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        """The response's status, headers and media type, decided while the operation runs."""
        response = await super().get_sub_response(request)
        response.media_type = request.scope["state"]["media_type"]
        request.scope["state"]["sub_response"] = response
        return response

    async def process_result(
        self, request: Request | WebSocket, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        state = request.scope["state"]
        # The operation has done its reads: the pooled connection goes back now, not
        # once the answer has been sent to a client that may be slow to take it.
        await state["reads"].close()
        status = request_error_status(result)
        if result.errors:
            result.errors = present(result.errors, state["request_id"], state["runtime"].database)
        answer = process_result(result)
        response: Response = state["sub_response"]
        if status is not None and response.media_type == GRAPHQL_RESPONSE_JSON:
            del answer["data"]
            response.status_code = status
        return answer

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        response = super().create_response(response_data, sub_response)
        if sub_response.media_type == GRAPHQL_RESPONSE_JSON:
            response.headers["content-type"] = f"{GRAPHQL_RESPONSE_JSON}; charset=utf-8"
        response.headers.add_vary_header("Accept")
        return response

    async def render_graphql_ide(self, request: Request) -> Response:
        return HTMLResponse(GRAPHIQL_HTML)

    async def on_ws_connect(self, context: Context | SocketContext) -> UnsetType | None:
        assert isinstance(context, SocketContext)
        await accept_connection(context)
        return await super().on_ws_connect(context)  # type: ignore[return-value]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope)
        if _wants_graphiql(request.method, request.query_params, request.headers):
            await HTMLResponse(GRAPHIQL_HTML)(scope, receive, send)
            return
        if "caller" not in scope["state"]:
            # The guard lets only the GraphiQL page through unauthenticated; anything it
            # did not recognise as an operation still must not run as one.
            await error_response(Unauthorized())(scope, receive, send)
            return
        state = scope["state"]
        accept = request.headers.getlist("accept")
        state["media_type"] = response_media_type(", ".join(accept) if accept else None)
        if state["media_type"] is None:
            await error_response(NOT_ACCEPTABLE)(scope, receive, send)
            return
        runtime: Runtime = state["runtime"]
        limit = runtime.settings.max_body_bytes
        try:
            settings = runtime.settings
            # Traced, the reads go through SQLAlchemy, whose instrumentation makes their spans.
            direct = not settings.tracing.enabled
            autocommit = not settings.database_pool.pgbouncer
            async with RequestReads(runtime.engine, autocommit=autocommit, direct=direct) as reads:
                state["reads"] = reads
                await super().__call__(scope, _capped(scope, receive, limit), send)
        except (PayloadTooLarge, RequestTimeout) as exc:
            await error_response(exc)(scope, receive, send)
        except PersistedQueryError as exc:
            await persisted_query_error(exc, state["media_type"])(scope, receive, send)


def _wants_graphiql(method: str, params: Mapping[str, object], headers: Mapping[str, str]) -> bool:
    accept = headers.get("accept", "")
    return (
        method == "GET"
        and "query" not in params
        and "extensions" not in params
        and ("text/html" in accept or "*/*" in accept)
    )


def _capped(scope: Scope, receive: Receive, limit: int) -> Receive:
    """`receive`, raising PayloadTooLarge once the body passes `limit` bytes."""
    declared = Headers(scope=scope).get("content-length")
    too_large = PayloadTooLarge(f"Request body must not exceed {limit} bytes")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise too_large
    received = 0

    async def capped() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise too_large
        return message

    return capped


def graphql_routes(settings: Settings) -> list[BaseRoute]:
    """/graphql (operations over POST, or GET for queries; GET from a browser is GraphiQL;
    subscriptions over a graphql-transport-ws websocket) and /graphql/assets/ (GraphiQL's
    scripts and styles, public)."""
    schema = schema_for(
        choose_execution_context(settings.graphql_execution_shortcut),
        introspection=settings.graphql_introspection,
        spans=settings.tracing.graphql_spans,
    )
    app = GatewayGraphQL(
        schema,
        graphql_ide="graphiql",
        allow_queries_via_get=True,  # queries only: GET never runs a mutation
        multipart_uploads_enabled=False,
        subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
        connection_init_wait_timeout=timedelta(seconds=CONNECTION_INIT_SECONDS),
        # Pages of other origins may open the socket where CORS lets them call the API.
        allowed_origins=settings.cors.allow_origins,
    )
    # check_dir=False: an install without the assets still serves the API (GraphiQL 404s).
    assets = GZipMiddleware(StaticFiles(directory=STATIC_DIR, check_dir=False))
    endpoint = Route("/graphql", app, methods=["GET", "POST"], name="graphql")
    # Starlette adds HEAD beside GET; Strawberry answers GET and POST only: a HEAD gets the
    # gateway's 405 with `Allow` (gateway.allowed_methods), not Strawberry's without it.
    endpoint.methods = {"GET", "POST"}
    socket = WebSocketRoute("/graphql", app, name="graphql-socket")
    return [endpoint, socket, Mount(ASSETS_PATH, app=assets, name="graphql-assets")]
