"""405 Method Not Allowed, answered before a request is routed: the guard asks here so
that a request no route takes spends no rate-limit slot.

Starlette's router answers a 405 from the first route whose path matches, so a path
served by several routes (GET and PUT of /api/v0/invoices/{id}) would name only one
route's methods in `Allow`; here `Allow` lists every method the path takes (RFC 9110).
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.responses import Response
from starlette.routing import BaseRoute, Match, Route
from starlette.types import Scope

from gateway.http_errors import json_response, nest_error_body


def allowed_methods(routes: Sequence[BaseRoute], scope: Scope) -> list[str] | None:
    """The methods `routes` take at the request's path when none takes its method (the
    request would be a 405), sorted; None when a route takes it or none knows the path."""
    allowed: set[str] = set()
    method: str = scope["method"]
    # Every protected request asks, so a Route is matched as Route.matches does it (its
    # pattern, then its methods) without building the child scope that costs most of the
    # time. With a root_path the path a route sees differs: then Route.matches decides.
    path: str | None = None if scope.get("root_path") else scope["path"]
    for route in routes:
        if path is not None and isinstance(route, Route):
            if not route.path_regex.match(path):
                continue
            if route.methods is None or method in route.methods:
                return None
            allowed |= route.methods
            continue
        match, _child_scope = route.matches(scope)
        if match is Match.FULL:
            return None
        if match is Match.PARTIAL and isinstance(route, Route) and route.methods:
            allowed |= route.methods
    return sorted(allowed) or None


def method_not_allowed(allowed: Sequence[str]) -> Response:
    body = nest_error_body(405, "Method Not Allowed")
    return json_response(405, body, {"Allow": ", ".join(allowed)})
