"""/api/v0/taxes: create (once per idempotency key), list, read, change (PUT or PATCH)
and delete; PUT and DELETE without an id are answered with where the id goes."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gateway.db.resource_pages import TaxFilter
from gateway.domain.problems import under
from gateway.domain.taxes import MAX_NAME_LENGTH
from gateway.domain.value_rules import Text
from gateway.http_errors import json_response, nest_error_body
from gateway.rest.body import read_json
from gateway.rest.conventions import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from gateway.rest.once import respond_once
from gateway.rest.query import MAX_SKIP, Query
from gateway.rest.v0_tax_body import parse_create_tax, parse_update_tax
from gateway.runtime import Runtime
from gateway.services.access import Caller
from gateway.services.tax_json import render_tax
from gateway.services.taxes import create_tax, delete_tax, get_tax, list_taxes, update_tax

COLLECTION = "/api/v0/taxes"
MISSING_ID = "Tax ID is required in the URL path. Use {method} /api/v0/taxes/{{id}} to {action}."
LIST_PARAMETERS = ("skip", "take", "name", "active")
_NAME_FILTER = Text(MAX_NAME_LENGTH)


def _context(request: Request) -> tuple[Runtime, Caller]:
    return request.state.runtime, request.state.caller


async def _body(request: Request, runtime: Runtime) -> object:
    payload, _raw = await read_json(request, runtime.settings.max_body_bytes)
    return payload


async def create(request: Request) -> Response:
    runtime, caller = _context(request)
    payload = await _body(request, runtime)
    command = parse_create_tax(payload)

    async def run() -> object:
        return render_tax(await create_tax(runtime, caller, command))

    return await respond_once(request, f"POST {COLLECTION}", payload, 201, run)


def tax_filter(query: Query) -> TaxFilter:
    name = query.text("name")
    if name is not None:
        query.problems += [problem.text for problem in under(("name",), _NAME_FILTER.check(name))]
    filters = TaxFilter(name=name, active=query.boolean("active"))
    query.check()
    return filters


async def list_(request: Request) -> Response:
    runtime, caller = _context(request)
    query = Query(request, LIST_PARAMETERS)
    skip = query.integer("skip", default=0, low=0, high=MAX_SKIP)
    take = query.integer("take", default=DEFAULT_PAGE_SIZE, low=1, high=MAX_PAGE_SIZE)
    filters = tax_filter(query)
    rows = await list_taxes(runtime, caller, filters, offset=skip, limit=take)
    return json_response(200, [render_tax(row) for row in rows])


async def retrieve(request: Request) -> Response:
    runtime, caller = _context(request)
    return json_response(200, render_tax(await get_tax(runtime, caller, _tax_id(request))))


async def update(request: Request) -> Response:
    runtime, caller = _context(request)
    changes = parse_update_tax(await _body(request, runtime))
    row = await update_tax(runtime, caller, _tax_id(request), changes)
    return json_response(200, render_tax(row))


async def delete(request: Request) -> Response:
    runtime, caller = _context(request)
    deleted = await delete_tax(runtime, caller, _tax_id(request))
    return json_response(200, render_tax(deleted.tax))


def _tax_id(request: Request) -> str:
    tax_id: str = request.path_params["tax_id"]
    return tax_id


async def update_without_id(_request: Request) -> Response:
    message = MISSING_ID.format(method="PUT", action="update a specific tax")
    return json_response(400, nest_error_body(400, message))


async def delete_without_id(_request: Request) -> Response:
    message = MISSING_ID.format(method="DELETE", action="delete a specific tax")
    return json_response(400, nest_error_body(400, message))


routes = [
    Route(COLLECTION, create, methods=["POST"]),
    Route(COLLECTION, list_, methods=["GET"]),
    Route(COLLECTION, update_without_id, methods=["PUT"]),
    Route(COLLECTION, delete_without_id, methods=["DELETE"]),
    Route(f"{COLLECTION}/{{tax_id}}", retrieve, methods=["GET"]),
    Route(f"{COLLECTION}/{{tax_id}}", update, methods=["PUT", "PATCH"]),
    Route(f"{COLLECTION}/{{tax_id}}", delete, methods=["DELETE"]),
]
