"""GET /api/v0/events: the app's event log after a cursor, oldest first
(gateway.services.event_feed). A cursor older than what retention keeps is a 410 that
says where to restart."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gateway.http_errors import json_response
from gateway.rest.conventions import DEFAULT_PAGE_SIZE
from gateway.rest.query import Query
from gateway.runtime import Runtime
from gateway.services.access import Caller
from gateway.services.event_feed import (
    MAX_PAGE_SIZE,
    FeedQuery,
    check_types,
    parse_cursor,
    read_feed,
)
from gateway.services.event_json import render_event

COLLECTION = "/api/v0/events"
PARAMETERS = ("after", "types", "invoice_id", "take")


def feed_query(query: Query) -> FeedQuery:
    after = query.text("after")
    types = query.text("types")
    return FeedQuery(
        after=None if after is None else parse_cursor(after, query.label("after")),
        types=None if types is None else check_types(types.split(","), query.label("types")),
        invoice_id=query.text("invoice_id"),
    )


async def list_(request: Request) -> Response:
    runtime: Runtime = request.state.runtime
    caller: Caller = request.state.caller
    query = Query(request, PARAMETERS)
    take = query.integer("take", default=DEFAULT_PAGE_SIZE, low=1, high=MAX_PAGE_SIZE)
    wanted = feed_query(query)
    async with runtime.sessions() as session:
        page = await read_feed(session, caller.app_id, wanted, take)
    data = [render_event(row) for row in page.rows]
    # Where the next request starts: the last event shown, else where this one started.
    next_after = data[-1]["cursor"] if data else query.text("after")
    body = {"data": data, "take": take, "has_more": page.has_more, "next_after": next_after}
    return json_response(200, body)


routes = [Route(COLLECTION, list_, methods=["GET"])]
