"""POST/GET /api/v0/invoices."""

from __future__ import annotations

from datetime import date

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gateway.db.invoice_pages import InvoiceFilter
from gateway.db.invoice_views import InvoiceView
from gateway.domain.errors import InvalidInput
from gateway.domain.ids import is_uuid
from gateway.domain.status import InvoiceStatus
from gateway.encoding import dumps
from gateway.http_errors import json_response
from gateway.rest import invoice_pdf, openapi
from gateway.rest.body import read_json
from gateway.rest.conventions import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, REPLAY_HEADER
from gateway.rest.etags import ETAG, etag
from gateway.rest.v0_invoice_body import parse_create_invoice
from gateway.runtime import Runtime
from gateway.services.access import Caller
from gateway.services.create_invoice import create_invoice_once
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

    def store_as(view: InvoiceView) -> StoredResponse:
        return StoredResponse(201, dumps(render_invoice(view, base_url)))

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


def _int_param(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    # str.isdigit() alone also passes "²" (int() fails on it) and Arabic-Indic digits.
    if not (raw.isascii() and raw.isdigit()):
        raise InvalidInput([f"{name} must be an integer number"])
    digits = raw.lstrip("0") or "0"
    # Past int()'s 4300-digit limit for str conversion, and needlessly slow before it.
    value = int(digits) if len(digits) <= len(str(high)) else high + 1
    if value < low:
        raise InvalidInput([f"{name} must not be less than {low}"])
    if value > high:
        raise InvalidInput([f"{name} must not be greater than {high}"])
    return value


def _date_param(request: Request, name: str, problems: list[str]) -> date | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    try:
        if len(raw) != 10:
            raise ValueError(raw)
        return date.fromisoformat(raw)
    except ValueError:
        problems.append(f"{name} must be a valid date in YYYY-MM-DD format")
        return None


def invoice_filter(request: Request) -> InvoiceFilter:
    problems: list[str] = []
    status = request.query_params.get("status") or None
    if status is not None and status not in InvoiceStatus.__members__:
        allowed = ", ".join(InvoiceStatus.__members__)
        problems.append(f"status must be one of the following values: {allowed}")
    customer_id = request.query_params.get("customer_id") or None
    if customer_id is not None and not is_uuid(customer_id):
        problems.append("customer_id must be a valid UUID")
    filters = InvoiceFilter(
        status=status,
        customer_id=customer_id.lower() if customer_id else None,
        created_from=_date_param(request, "start_date", problems),
        created_to=_date_param(request, "end_date", problems),
        due_from=_date_param(request, "due_from", problems),
        due_to=_date_param(request, "due_to", problems),
    )
    if problems:
        raise InvalidInput(problems)
    return filters


async def list_(request: Request) -> Response:
    runtime, caller = _context(request)
    skip = _int_param(request, "skip", 0, 0, 1_000_000)
    take = _int_param(request, "take", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)
    filters = invoice_filter(request)
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
