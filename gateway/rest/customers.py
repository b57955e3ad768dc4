"""/api/v0/customers: create, list, fetch, update (PATCH) and delete (../spec
v0-resources §3). Writes run at most once per idempotency key (gateway.rest.once)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gateway.db.resource_pages import CustomerFilter
from gateway.domain import customer_rules as rules
from gateway.domain.errors import MalformedUuid
from gateway.domain.ids import is_uuid
from gateway.domain.value_rules import Rule, canonical_uuid
from gateway.http_errors import json_response
from gateway.rest.body import read_json
from gateway.rest.conventions import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from gateway.rest.once import respond_once
from gateway.rest.query import MAX_SKIP, Query
from gateway.rest.v0_customer_body import parse_create_customer, parse_update_customer
from gateway.runtime import Runtime
from gateway.services.access import Caller
from gateway.services.customer_json import render_customer, render_deletion
from gateway.services.customers import (
    create_customer,
    delete_customer,
    get_customer,
    list_customers,
    update_customer,
)

COLLECTION = "/api/v0/customers"
LIST_PARAMETERS = ("skip", "take", "status", "name", "email")


def _context(request: Request) -> tuple[Runtime, Caller]:
    return request.state.runtime, request.state.caller


def customer_id(request: Request) -> str:
    raw: str = request.path_params["customer_id"]
    if not is_uuid(raw):
        raise MalformedUuid()
    return canonical_uuid(raw)


async def create(request: Request) -> Response:
    runtime, caller = _context(request)
    payload, _raw = await read_json(request, runtime.settings.max_body_bytes)
    command = parse_create_customer(payload)

    async def run() -> object:
        return render_customer(await create_customer(runtime, caller, command))

    return await respond_once(request, f"POST {COLLECTION}", payload, 201, run)


def _text_filter(query: Query, name: str, rule: Rule[str]) -> str | None:
    value = query.text(name)
    if value is not None:
        query.problems += [f"{query.label(name)} {p.message}" for p in rule.check(value)]
    return value


def customer_filter(query: Query) -> CustomerFilter:
    status = query.text("status")
    member = None if status is None else rules.STATUS.member(status)
    if status is not None and member is None:
        query.problems.append(f"status {rules.STATUS.invalid().message}")
    filters = CustomerFilter(
        status=member,
        name=_text_filter(query, "name", rules.NAME_FILTER),
        email=_text_filter(query, "email", rules.EMAIL_FILTER),
    )
    query.check()
    return filters


async def list_(request: Request) -> Response:
    runtime, caller = _context(request)
    query = Query(request, LIST_PARAMETERS)
    skip = query.integer("skip", default=0, low=0, high=MAX_SKIP)
    take = query.integer("take", default=DEFAULT_PAGE_SIZE, low=1, high=MAX_PAGE_SIZE)
    filters = customer_filter(query)
    found = await list_customers(runtime, caller, filters, offset=skip, limit=take)
    data = [render_customer(row) for row in found.rows]
    return json_response(200, {"data": data, "total": found.total, "skip": skip, "take": take})


async def retrieve(request: Request) -> Response:
    runtime, caller = _context(request)
    row = await get_customer(runtime, caller, customer_id(request))
    return json_response(200, render_customer(row))


async def update(request: Request) -> Response:
    runtime, caller = _context(request)
    id_ = customer_id(request)
    payload, _raw = await read_json(request, runtime.settings.max_body_bytes)
    command = parse_update_customer(payload)

    async def run() -> object:
        return render_customer(await update_customer(runtime, caller, id_, command))

    return await respond_once(request, f"PATCH {COLLECTION}/{id_}", payload, 200, run)


async def delete(request: Request) -> Response:
    runtime, caller = _context(request)
    id_ = customer_id(request)

    async def run() -> object:
        deleted = await delete_customer(runtime, caller, id_)
        return render_deletion(deleted.customer.id, deleted.deleted_at)

    return await respond_once(request, f"DELETE {COLLECTION}/{id_}", None, 200, run)


routes = [
    Route(COLLECTION, create, methods=["POST"]),
    Route(COLLECTION, list_, methods=["GET"]),
    Route(COLLECTION + "/{customer_id}", retrieve, methods=["GET"]),
    Route(COLLECTION + "/{customer_id}", update, methods=["PATCH"]),
    Route(COLLECTION + "/{customer_id}", delete, methods=["DELETE"]),
]
