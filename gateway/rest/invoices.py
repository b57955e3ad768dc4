"""POST/GET /api/v0/invoices."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gateway.db.invoice_pages import InvoiceFilter
from gateway.domain.ids import is_uuid
from gateway.domain.status import InvoiceStatus
from gateway.encoding import dumps
from gateway.http_errors import json_response
from gateway.rest import invoice_pdf, openapi
from gateway.rest.body import read_json
from gateway.rest.conventions import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, REPLAY_HEADER
from gateway.rest.etags import ETAG, etag
from gateway.rest.query import MAX_SKIP, Query
from gateway.rest.v0_invoice_body import parse_create_invoice
from gateway.runtime import Runtime
from gateway.services.access import Caller
from gateway.services.create_invoice import CreateResult, create_invoice_once
from gateway.services.fingerprint import request_fingerprint
from gateway.services.idempotency import idempotency_key
from gateway.services.invoice_json import render_invoice
from gateway.services.invoice_queries import get_invoice, list_invoices
from gateway.store.base import StoredResponse


def _context(request: Request) -> tuple[Runtime, Caller]:
    return request.state.runtime, request.state.caller


async def create(request: Request) -> Response:
    runtime, caller = _context(request)
    key = idempotency_key(request.headers)
    payload, _raw = await read_json(request, runtime.settings.max_body_bytes)
    command = parse_create_invoice(payload)
    base_url = runtime.settings.public_base_url

    def store_as(result: CreateResult) -> StoredResponse:
        return StoredResponse(201, dumps(result.v0_json(base_url)))

    created = await create_invoice_once(
        runtime,
        caller,
        command,
        key=key,
        fingerprint=request_fingerprint("rest", "POST /api/v0/invoices", payload),
        store_as=store_as,
    )
    headers = {REPLAY_HEADER: "true"} if created.replayed else {}
    response = created.response
    return Response(response.body, response.status, headers, media_type="application/json")


_LIST_PARAMETERS = (
    *("skip", "take", "status", "customer", "from_date", "to_date", "due_from", "due_to"),
)
# Earlier spellings of the documented names, still accepted.
_LIST_ALIASES = {"customer_id": "customer", "start_date": "from_date", "end_date": "to_date"}


def invoice_filter(query: Query) -> InvoiceFilter:
    status = query.text("status")
    if status is not None and status not in InvoiceStatus.__members__:
        allowed = ", ".join(InvoiceStatus.__members__)
        query.problems.append(f"status must be one of the following values: {allowed}")
    customer_id = query.text("customer")
    if customer_id is not None and not is_uuid(customer_id):
        query.problems.append(f"{query.label('customer')} must be a valid UUID")
    filters = InvoiceFilter(
        status=status,
        customer_id=customer_id.lower() if customer_id else None,
        created_from=query.day("from_date"),
        created_to=query.day("to_date"),
        due_from=query.day("due_from"),
        due_to=query.day("due_to"),
    )
    query.check()
    return filters


async def list_(request: Request) -> Response:
    runtime, caller = _context(request)
    query = Query(request, _LIST_PARAMETERS, _LIST_ALIASES)
    skip = query.integer("skip", default=0, low=0, high=MAX_SKIP)
    take = query.integer("take", default=DEFAULT_PAGE_SIZE, low=1, high=MAX_PAGE_SIZE)
    filters = invoice_filter(query)
    found = await list_invoices(runtime, caller, filters, offset=skip, limit=take)
    base_url = runtime.settings.public_base_url
    return json_response(
        200,
        [render_invoice(view, base_url) for view in found.views],
        {"X-Total-Count": str(found.total)},
    )


async def retrieve(request: Request) -> Response:
    runtime, caller = _context(request)
    view = await get_invoice(runtime, caller, request.path_params["invoice_id"])
    headers = {ETAG: etag(view.invoice.id, view.invoice.version)}
    return json_response(200, render_invoice(view, runtime.settings.public_base_url), headers)


routes = [
    Route("/api/v0/invoices", create, methods=["POST"]),
    Route("/api/v0/invoices", list_, methods=["GET"]),
    Route("/api/v0/invoices/{invoice_id}", retrieve, methods=["GET"]),
    openapi.route,
    *invoice_pdf.routes,
]
