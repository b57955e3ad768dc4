"""/healthz (process alive) and /readyz (database reachable and migrated, store reachable)."""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy import text
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gateway.domain.errors import ServiceUnavailable
from gateway.http_errors import json_response
from gateway.runtime import Runtime
from gateway.store.base import StoreUnavailableError

log = logging.getLogger("gateway.health")

CHECK_TIMEOUT_SECONDS = 2.0
UNREACHABLE = "unreachable"


async def healthz(_request: Request) -> Response:
    return json_response(200, {"status": "ok"})


async def _database_check(runtime: Runtime) -> tuple[str, str | None, str | None]:
    """(state, schema problem, error class): ("ok", None, None), ("unreachable", None, the
    failing error's class, logged once per outage by the runtime's DatabaseAvailability,
    without a stack trace) or ("schema not at head", the difference, None)."""
    try:
        async with asyncio.timeout(CHECK_TIMEOUT_SECONDS), runtime.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
            schema_problem = await runtime.schema_check.problem(conn)
    except Exception as exc:
        runtime.database.report_failure(exc)
        return UNREACHABLE, None, runtime.database.reason or type(exc).__name__
    runtime.database.report_success()
    if schema_problem is not None:
        return "schema not at head", schema_problem, None
    return "ok", None, None


async def _store_ok(runtime: Runtime) -> bool:
    try:
        async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
            await runtime.store.ping()
    except (StoreUnavailableError, TimeoutError):
        log.warning("readiness: store unreachable", exc_info=True)
        return False
    return True


async def readyz(request: Request) -> Response:
    runtime: Runtime = request.state.runtime
    (database, schema_problem, error), store = await asyncio.gather(
        _database_check(runtime), _store_ok(runtime)
    )
    checks = {"database": database, "store": "ok" if store else UNREACHABLE}
    if all(state == "ok" for state in checks.values()):
        return json_response(200, {"status": "ready", "checks": checks})
    unreachable = [name for name, state in checks.items() if state == UNREACHABLE]
    reasons = [f"{' and '.join(unreachable)} {UNREACHABLE}"] if unreachable else []
    if schema_problem is not None:
        reasons.append(schema_problem)
    body: dict[str, object] = {
        "status": "unavailable",
        "reason": "; ".join(reasons),
        "checks": checks,
    }
    if error is not None:
        body["errors"] = {"database": error}
    return json_response(503, body, {"Retry-After": str(ServiceUnavailable.retry_after)})


routes = [Route("/healthz", healthz, methods=["GET"]), Route("/readyz", readyz, methods=["GET"])]
