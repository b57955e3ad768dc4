"""A v0 write that runs at most once per idempotency key (any of the three header
spellings, gateway.services.idempotency): the first answer is stored and replayed byte
for byte with Idempotent-Replayed: true; the same key with another body is 422.

    return await respond_once(request, "POST /api/v0/customers", payload, 201, create)

`run` does the write and returns the JSON body to answer with; it is not called for a
replay.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

from gateway.encoding import dumps
from gateway.rest.conventions import REPLAY_HEADER
from gateway.services.fingerprint import request_fingerprint
from gateway.services.idempotency import idempotency_key, run_idempotent
from gateway.store.base import StoredResponse


async def respond_once(
    request: Request,
    operation: str,
    payload: object,
    status: int,
    run: Callable[[], Awaitable[object]],
) -> Response:
    runtime = request.state.runtime
    caller = request.state.caller
    key = idempotency_key(request.headers)

    async def action() -> StoredResponse:
        return StoredResponse(status, dumps(await run()))

    fingerprint = request_fingerprint("rest", operation, payload)
    outcome = await run_idempotent(runtime, caller.app_id, key, fingerprint, action)
    headers = {REPLAY_HEADER: "true"} if outcome.replayed else {}
    stored = outcome.response
    return Response(stored.body, stored.status, headers, media_type="application/json")
