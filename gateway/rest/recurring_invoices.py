"""/api/v0/recurring_invoices: create (once per idempotency key), list (newest first,
`status`, skip/take), read, change (PATCH), and POST .../pause, .../resume, .../cancel.
A refused change of state (resume a cancelled schedule, pause a paused one) is a 400
that gives the reason."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gateway.db.rows import RecurringInvoiceRow
from gateway.domain.recurring import ScheduleStatus
from gateway.http_errors import json_response
from gateway.rest.body import read_json
from gateway.rest.conventions import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from gateway.rest.once import respond_once
from gateway.rest.query import MAX_SKIP, Query
from gateway.rest.v0_recurring_body import (
    parse_create_recurring_invoice,
    parse_update_recurring_invoice,
)
from gateway.runtime import Runtime
from gateway.services import recurring_invoices as service
from gateway.services.access import Caller
from gateway.services.recurring_json import render_recurring_invoice

COLLECTION = "/api/v0/recurring_invoices"
LIST_PARAMETERS = ("skip", "take", "status")
_STATUSES = ", ".join(ScheduleStatus)


def _context(request: Request) -> tuple[Runtime, Caller]:
    return request.state.runtime, request.state.caller


def _schedule_id(request: Request) -> str:
    schedule_id: str = request.path_params["schedule_id"]
    return schedule_id


def _answer(row: RecurringInvoiceRow) -> Response:
    return json_response(200, render_recurring_invoice(row))


async def create(request: Request) -> Response:
    runtime, caller = _context(request)
    payload, _raw = await read_json(request, runtime.settings.max_body_bytes)
    command = parse_create_recurring_invoice(payload)

    async def run() -> object:
        row = await service.create_recurring_invoice(runtime, caller, command)
        return render_recurring_invoice(row)

    return await respond_once(request, f"POST {COLLECTION}", payload, 201, run)


def _status(query: Query) -> ScheduleStatus | None:
    raw = query.text("status")
    if raw is None:
        return None
    if raw not in ScheduleStatus.__members__:
        query.problems.append(f"status must be one of the following values: {_STATUSES}")
        return None
    return ScheduleStatus(raw)


async def list_(request: Request) -> Response:
    runtime, caller = _context(request)
    query = Query(request, LIST_PARAMETERS)
    skip = query.integer("skip", default=0, low=0, high=MAX_SKIP)
    take = query.integer("take", default=DEFAULT_PAGE_SIZE, low=1, high=MAX_PAGE_SIZE)
    status = _status(query)
    query.check()
    rows = await service.list_recurring_invoices(runtime, caller, status, offset=skip, limit=take)
    return json_response(200, [render_recurring_invoice(row) for row in rows])


async def retrieve(request: Request) -> Response:
    runtime, caller = _context(request)
    return _answer(await service.get_recurring_invoice(runtime, caller, _schedule_id(request)))


async def update(request: Request) -> Response:
    runtime, caller = _context(request)
    payload, _raw = await read_json(request, runtime.settings.max_body_bytes)
    command = parse_update_recurring_invoice(payload)
    schedule_id = _schedule_id(request)
    return _answer(await service.update_recurring_invoice(runtime, caller, schedule_id, command))


async def pause(request: Request) -> Response:
    runtime, caller = _context(request)
    return _answer(await service.pause_recurring_invoice(runtime, caller, _schedule_id(request)))


async def resume(request: Request) -> Response:
    runtime, caller = _context(request)
    return _answer(await service.resume_recurring_invoice(runtime, caller, _schedule_id(request)))


async def cancel(request: Request) -> Response:
    runtime, caller = _context(request)
    return _answer(await service.cancel_recurring_invoice(runtime, caller, _schedule_id(request)))


_ONE = f"{COLLECTION}/{{schedule_id}}"
routes = [
    Route(COLLECTION, create, methods=["POST"]),
    Route(COLLECTION, list_, methods=["GET"]),
    Route(_ONE, retrieve, methods=["GET"]),
    Route(_ONE, update, methods=["PATCH"]),
    Route(f"{_ONE}/pause", pause, methods=["POST"]),
    Route(f"{_ONE}/resume", resume, methods=["POST"]),
    Route(f"{_ONE}/cancel", cancel, methods=["POST"]),
]
