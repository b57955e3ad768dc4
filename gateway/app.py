"""create_app(settings) -> the Starlette application; its lifespan owns the pools."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response

from gateway import health
from gateway.access_log import AccessLog
from gateway.body_deadline import BodyDeadline
from gateway.cors import cors_middleware
from gateway.delivery.fonts import find_pdf_fonts
from gateway.domain.errors import GatewayError
from gateway.guard import ApiGuard
from gateway.http_errors import error_response, json_response, nest_error_body
from gateway.log_redaction import install_token_redaction, redact_tokens
from gateway.metrics.http import RequestMetrics
from gateway.outage import OutageShield
from gateway.pages import payment, tracking
from gateway.request_id import new_request_id
from gateway.rest import (
    credit_notes,
    customers,
    events,
    invoice_actions,
    invoices,
    products,
    recurring_invoices,
    taxes,
    wallets,
    webhooks,
)
from gateway.runtime import Runtime, utc_now
from gateway.settings import Settings
from gateway.tracing import server_middleware, start_tracing
from schema.app import graphql_routes

log = logging.getLogger("gateway")


async def _gateway_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, GatewayError)
    return error_response(exc)


async def _http_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    body = nest_error_body(exc.status_code, str(exc.detail))
    # Allow on a 405, WWW-Authenticate on a 401 ...: the fields are part of the answer.
    return json_response(exc.status_code, body, exc.headers)


async def _unexpected(request: Request, exc: Exception) -> Response:
    # gateway.access_log gave the request its id (a new one if it never got that far).
    request_id: str = request.scope.get("state", {}).get("request_id") or new_request_id()
    log.error(
        "unhandled error",
        exc_info=exc,
        extra={
            "request_id": request_id,
            "method": request.method,
            "path": redact_tokens(request.url.path),
        },
    )
    body = nest_error_body(500, f"Internal server error (request id {request_id})")
    return json_response(500, body, {"X-Request-Id": request_id})


def create_app(settings: Settings, *, clock: Callable[[], datetime] = utc_now) -> Starlette:
    # Whoever serves the app (invoice-gateway serve, uvicorn, gunicorn), its access log
    # shows payment and tracking paths without their tokens.
    install_token_redaction()
    start_tracing(settings.tracing, "gateway")

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[dict[str, Runtime]]:
        # PDFs are rendered on request: without their fonts the server does not start.
        find_pdf_fonts(settings.pdf_font_dir)
        runtime = Runtime.open(settings, clock)
        # Start-up objects live as long as the process: keep the collector off them.
        gc.freeze()
        try:
            yield {"runtime": runtime}
        finally:
            await runtime.close()

    routes = [
        *health.routes,
        # Early: the router, the guard's 405 check, the access log and the metrics each
        # match routes in order, and most traffic is /graphql.
        *graphql_routes(settings),
        *invoices.routes,
        *invoice_actions.routes,
        *credit_notes.routes,
        *taxes.routes,
        *wallets.routes,
        *customers.routes,
        *products.routes,
        *events.routes,
        *recurring_invoices.routes,
        *webhooks.routes,
        *payment.routes,
        *tracking.routes,
    ]
    return Starlette(
        routes=routes,
        middleware=[
            # Outermost: the request's span covers everything, CORS answers included.
            *server_middleware(settings.tracing),
            # Every request's one access line and its request id, preflights included.
            Middleware(AccessLog, routes=routes),
            Middleware(RequestMetrics, routes=routes),
            *cors_middleware(settings.cors),
            Middleware(OutageShield),
            Middleware(BodyDeadline, seconds=settings.body_read_timeout_seconds),
            Middleware(ApiGuard, routes=routes),
        ],
        exception_handlers={
            GatewayError: _gateway_error,
            HTTPException: _http_error,
            Exception: _unexpected,
        },
        lifespan=lifespan,
    )
