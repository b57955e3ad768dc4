"""/api/v0/webhooks: create (once per idempotency key; the signing secret shown in the
201 only), list, read, change (PATCH), delete; and per webhook: enable, disable,
rotate_secret, test, deliveries (the delivery log, newest first) and replay."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gateway.domain.errors import InvalidInput
from gateway.domain.problems import Problem
from gateway.http_errors import json_response
from gateway.rest.body import read_json
from gateway.rest.conventions import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from gateway.rest.once import respond_once
from gateway.rest.query import MAX_SKIP, Query
from gateway.rest.v0_fields import body_object
from gateway.rest.v0_webhook_body import parse_create_webhook, parse_update_webhook
from gateway.runtime import Runtime
from gateway.services.access import Caller
from gateway.services.webhook_json import (
    render_delivery,
    render_issued,
    render_queued,
    render_webhook,
)
from gateway.services.webhooks import (
    create_webhook,
    delete_webhook,
    get_webhook,
    list_webhooks,
    replay_events,
    replay_message,
    rotate_webhook_secret,
    send_test_event,
    set_webhook_enabled,
    update_webhook,
    webhook_deliveries,
)

COLLECTION = "/api/v0/webhooks"
ONE = f"{COLLECTION}/{{webhook_id}}"
# The delivery log's cursor (an attempt id) and an event sequence are at most this.
MAX_CURSOR = 2**62


def _context(request: Request) -> tuple[Runtime, Caller]:
    return request.state.runtime, request.state.caller


async def _body(request: Request, runtime: Runtime) -> object:
    payload, _raw = await read_json(request, runtime.settings.max_body_bytes)
    return payload


def _webhook_id(request: Request) -> str:
    webhook_id: str = request.path_params["webhook_id"]
    return webhook_id


async def create(request: Request) -> Response:
    runtime, caller = _context(request)
    payload = await _body(request, runtime)
    command = parse_create_webhook(payload)

    async def run() -> object:
        return render_issued(await create_webhook(runtime, caller, command))

    return await respond_once(request, f"POST {COLLECTION}", payload, 201, run)


async def list_(request: Request) -> Response:
    runtime, caller = _context(request)
    query = Query(request, ("skip", "take"))
    skip = query.integer("skip", default=0, low=0, high=MAX_SKIP)
    take = query.integer("take", default=DEFAULT_PAGE_SIZE, low=1, high=MAX_PAGE_SIZE)
    views = await list_webhooks(runtime, caller, offset=skip, limit=take)
    return json_response(200, [render_webhook(view) for view in views])


async def retrieve(request: Request) -> Response:
    runtime, caller = _context(request)
    return json_response(
        200, render_webhook(await get_webhook(runtime, caller, _webhook_id(request)))
    )


async def update(request: Request) -> Response:
    runtime, caller = _context(request)
    changes = parse_update_webhook(await _body(request, runtime))
    view = await update_webhook(runtime, caller, _webhook_id(request), changes)
    return json_response(200, render_webhook(view))


async def delete(request: Request) -> Response:
    runtime, caller = _context(request)
    view = await delete_webhook(runtime, caller, _webhook_id(request))
    return json_response(200, render_webhook(view))


async def enable(request: Request) -> Response:
    runtime, caller = _context(request)
    view = await set_webhook_enabled(runtime, caller, _webhook_id(request), True)
    return json_response(200, render_webhook(view))


async def disable(request: Request) -> Response:
    runtime, caller = _context(request)
    view = await set_webhook_enabled(runtime, caller, _webhook_id(request), False)
    return json_response(200, render_webhook(view))


async def rotate_secret(request: Request) -> Response:
    runtime, caller = _context(request)
    issued = await rotate_webhook_secret(runtime, caller, _webhook_id(request))
    return json_response(200, render_issued(issued))


async def test(request: Request) -> Response:
    runtime, caller = _context(request)
    queued = await send_test_event(runtime, caller, _webhook_id(request))
    return json_response(202, render_queued(queued))


async def deliveries(request: Request) -> Response:
    runtime, caller = _context(request)
    query = Query(request, ("take", "after"))
    take = query.integer("take", default=DEFAULT_PAGE_SIZE, low=1, high=MAX_PAGE_SIZE)
    after = query.integer("after", default=0, low=1, high=MAX_CURSOR) or None
    rows = await webhook_deliveries(
        runtime, caller, _webhook_id(request), before=after, limit=take + 1
    )
    shown = rows[:take]
    next_cursor = shown[-1].id if len(rows) > take else None
    return json_response(
        200, {"data": [render_delivery(row) for row in shown], "next_cursor": next_cursor}
    )


_REPLAY_WHAT = Problem(
    (),
    "REPLAY_WHAT",
    "give either message_id (a message sent to this webhook, a non-empty string) or after "
    "(an event sequence, an integer of at least 0)",
)


def _sequence(value: object) -> int | None:
    if type(value) is int and 0 <= value <= MAX_CURSOR:
        return value
    return None


async def replay(request: Request) -> Response:
    """One message again ({"message_id"}), or every event after a sequence ({"after"})."""
    runtime, caller = _context(request)
    body = body_object(await _body(request, runtime))
    if ("message_id" in body) == ("after" in body):
        raise InvalidInput([_REPLAY_WHAT])
    message_id, after = body.get("message_id"), body.get("after")
    webhook_id = _webhook_id(request)
    if "message_id" in body:
        if not isinstance(message_id, str) or not message_id:
            raise InvalidInput([_REPLAY_WHAT])
        queued = await replay_message(runtime, caller, webhook_id, message_id)
        return json_response(
            202, {"data": [render_queued(queued)], "has_more": False, "last_sequence": None}
        )
    sequence = _sequence(after)
    if sequence is None:
        raise InvalidInput([_REPLAY_WHAT])
    replayed = await replay_events(runtime, caller, webhook_id, after=sequence)
    return json_response(
        202,
        {
            "data": [render_queued(queued) for queued in replayed.queued],
            "has_more": replayed.has_more,
            "last_sequence": replayed.last_sequence,
        },
    )


routes = [
    Route(COLLECTION, create, methods=["POST"]),
    Route(COLLECTION, list_, methods=["GET"]),
    Route(ONE, retrieve, methods=["GET"]),
    Route(ONE, update, methods=["PATCH"]),
    Route(ONE, delete, methods=["DELETE"]),
    Route(f"{ONE}/enable", enable, methods=["POST"]),
    Route(f"{ONE}/disable", disable, methods=["POST"]),
    Route(f"{ONE}/rotate_secret", rotate_secret, methods=["POST"]),
    Route(f"{ONE}/test", test, methods=["POST"]),
    Route(f"{ONE}/deliveries", deliveries, methods=["GET"]),
    Route(f"{ONE}/replay", replay, methods=["POST"]),
]
