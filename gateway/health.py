"""/healthz (process alive) and /readyz (database and store reachable)."""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy import text
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gateway.http_errors import json_response
from gateway.runtime import Runtime
from gateway.store.base import StoreUnavailableError

log = logging.getLogger("gateway.health")

CHECK_TIMEOUT_SECONDS = 2.0


async def healthz(_request: Request) -> Response:
    return json_response(200, {"status": "ok"})


async def _database_ok(runtime: Runtime) -> bool:
    try:
        async with asyncio.timeout(CHECK_TIMEOUT_SECONDS), runtime.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception:
        log.warning("readiness: database unreachable", exc_info=True)
        return False
    return True


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
    database, store = await asyncio.gather(_database_ok(runtime), _store_ok(runtime))
    checks = {
        "database": "ok" if database else "unreachable",
        "store": "ok" if store else "unreachable",
    }
    if database and store:
        return json_response(200, {"status": "ready", "checks": checks})
    failing = [name for name, ok in (("database", database), ("store", store)) if not ok]
    reason = f"{' and '.join(failing)} unreachable"
    return json_response(503, {"status": "unavailable", "reason": reason, "checks": checks})


routes = [Route("/healthz", healthz, methods=["GET"]), Route("/readyz", readyz, methods=["GET"])]
