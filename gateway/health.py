"""/healthz (process alive) and /readyz (database and store reachable)."""

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


async def healthz(_request: Request) -> Response:
    return json_response(200, {"status": "ok"})


async def _database_problem(runtime: Runtime) -> str | None:
    """None when the database answers, else the failing error's class (logged once per
    outage by the runtime's DatabaseAvailability, without a stack trace)."""
    try:
        async with asyncio.timeout(CHECK_TIMEOUT_SECONDS), runtime.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception as exc:
        runtime.database.report_failure(exc)
        return runtime.database.reason or type(exc).__name__
    runtime.database.report_success()
    return None


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
    problem, store = await asyncio.gather(_database_problem(runtime), _store_ok(runtime))
    database = problem is None
    checks = {
        "database": "ok" if database else "unreachable",
        "store": "ok" if store else "unreachable",
    }
    if database and store:
        return json_response(200, {"status": "ready", "checks": checks})
    failing = [name for name, ok in (("database", database), ("store", store)) if not ok]
    reason = f"{' and '.join(failing)} unreachable"
    body = {"status": "unavailable", "reason": reason, "checks": checks}
    if problem is not None:
        body["errors"] = {"database": problem}
    return json_response(503, body, {"Retry-After": str(ServiceUnavailable.retry_after)})


routes = [Route("/healthz", healthz, methods=["GET"]), Route("/readyz", readyz, methods=["GET"])]
