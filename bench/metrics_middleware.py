"""Per-request cost of gateway.metrics.http.RequestMetrics: a bare ASGI app called with
and without it, in memory and in multiprocess mode (values in files). Not a test.

    PYTHONPATH=. python bench/metrics_middleware.py [--multiprocess]
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time

from starlette.routing import Route
from starlette.types import Message, Receive, Scope, Send

N = 50_000


async def bare(scope: Scope, receive: Receive, send: Send) -> None:
    scope["route"] = ROUTES[0]
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"{}"})


ROUTES = [Route("/api/v0/invoices/{invoice_id}", bare, methods=["GET"])]


async def _sink(_message: Message) -> None:
    return None


async def _receive() -> Message:
    return {"type": "http.request", "body": b""}


async def per_call(app: object) -> float:
    assert callable(app)
    scope: Scope = {"type": "http", "method": "GET", "path": "/api/v0/invoices/inv_1", "state": {}}
    for _ in range(1000):
        await app(dict(scope), _receive, _sink)
    started = time.perf_counter()
    for _ in range(N):
        await app(dict(scope), _receive, _sink)
    return (time.perf_counter() - started) / N * 1e6


async def main() -> None:
    from gateway.metrics.http import RequestMetrics

    plain = await per_call(bare)
    measured = await per_call(RequestMetrics(bare, ROUTES))
    mode = "multiprocess" if os.environ.get("PROMETHEUS_MULTIPROC_DIR") else "in memory"
    print(
        f"{mode}: bare {plain:.2f} us, with RequestMetrics {measured:.2f} us, "
        f"overhead {measured - plain:.2f} us per request"
    )


if __name__ == "__main__":
    if "--multiprocess" in sys.argv:
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="igw-bench-")
    asyncio.run(main())
