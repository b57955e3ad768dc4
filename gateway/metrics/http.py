"""The ASGI middleware that counts and times every HTTP request, outermost in the stack.

A request is labelled by its route template (`/api/v0/invoices/{invoice_id}`), never its
path: Starlette's router leaves the route it chose in the scope; a request answered
before routing (401, 429 and 405 from the guard) is matched here against the same
routes, and one no route knows is UNMATCHED. A GraphQL operation is counted again under
its operation name, with its cost (gateway.metrics.operations).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Final

from prometheus_client import Counter, Histogram
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.metrics.families import families
from gateway.metrics.operations import OperationNames, noted_operation

UNMATCHED: Final = "unmatched"
# A client may send any token as its method; the label keeps the standard ones.
METHODS: Final = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
OTHER_METHOD: Final = "other"


def route_template(routes: Sequence[BaseRoute], scope: Scope) -> str:
    route = scope.get("route")
    if route is None:
        partial = None
        for candidate in routes:
            match, _child_scope = candidate.matches(scope)
            if match is Match.FULL:
                route = candidate
                break
            if match is Match.PARTIAL and partial is None:
                partial = candidate
        route = route or partial
    path = getattr(route, "path", None)
    return path if isinstance(path, str) and path else UNMATCHED


class RequestMetrics:
    def __init__(self, app: ASGIApp, routes: Sequence[BaseRoute]) -> None:
        self.app = app
        self.routes = routes
        self.operations = OperationNames()
        self.families = families()
        # The labelled children, looked up once per label set (the labels are bounded).
        self._series: dict[tuple[str, str, str], tuple[Counter, Histogram]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the server answers when the app fails before it starts one

        async def send_noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_noting_status)
        finally:
            self._record(scope, str(status), time.perf_counter() - started)

    def _record(self, scope: Scope, status: str, seconds: float) -> None:
        route = route_template(self.routes, scope)
        method: str = scope["method"]
        if method not in METHODS:
            method = OTHER_METHOD
        key = (route, method, status)
        series = self._series.get(key)
        if series is None:
            series = self._series[key] = (
                self.families.http_requests.labels(route, method, status),
                self.families.http_duration.labels(route, method),
            )
        series[0].inc()
        series[1].observe(seconds)
        ran, name, cost = noted_operation(scope)
        if not ran:
            return
        operation = self.operations.label(name)
        recorded = self.families
        recorded.graphql_operations.labels(operation, status).inc()
        recorded.graphql_duration.labels(operation).observe(seconds)
        if cost is not None:
            recorded.graphql_cost.labels(operation).observe(cost)
