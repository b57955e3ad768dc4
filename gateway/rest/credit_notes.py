"""Credit notes over REST: POST /api/v0/invoices/{invoice_id}/credit_notes (once per
idempotency key), GET /api/v0/credit_notes (newest first, `invoice_id` filter),
GET /api/v0/credit_notes/{id} and its PDF."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gateway.delivery.credit_note_pdf import credit_note_pdf_filename
from gateway.http_errors import json_response
from gateway.rest.body import read_json
from gateway.rest.conventions import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from gateway.rest.once import respond_once
from gateway.rest.query import MAX_SKIP, Query
from gateway.rest.v0_credit_note_body import parse_create_credit_note
from gateway.services.credit_note_json import render_credit_note
from gateway.services.credit_note_pdfs import credit_note_pdf
from gateway.services.credit_notes import create_credit_note, get_credit_note, list_credit_notes

COLLECTION = "/api/v0/credit_notes"
LIST_PARAMETERS = ("skip", "take", "invoice_id")


async def create(request: Request) -> Response:
    runtime, caller = request.state.runtime, request.state.caller
    invoice_id: str = request.path_params["invoice_id"]
    payload, _raw = await read_json(request, runtime.settings.max_body_bytes)
    command = parse_create_credit_note(payload)

    async def run() -> object:
        return render_credit_note(await create_credit_note(runtime, caller, invoice_id, command))

    operation = f"POST /api/v0/invoices/{invoice_id}/credit_notes"
    return await respond_once(request, operation, payload, 201, run)


async def list_(request: Request) -> Response:
    runtime, caller = request.state.runtime, request.state.caller
    query = Query(request, LIST_PARAMETERS)
    skip = query.integer("skip", default=0, low=0, high=MAX_SKIP)
    take = query.integer("take", default=DEFAULT_PAGE_SIZE, low=1, high=MAX_PAGE_SIZE)
    invoice_id = query.text("invoice_id")
    query.check()
    views = await list_credit_notes(runtime, caller, invoice_id, offset=skip, limit=take)
    return json_response(200, [render_credit_note(view) for view in views])


async def retrieve(request: Request) -> Response:
    runtime, caller = request.state.runtime, request.state.caller
    view = await get_credit_note(runtime, caller, request.path_params["credit_note_id"])
    return json_response(200, render_credit_note(view))


async def download(request: Request) -> Response:
    runtime, caller = request.state.runtime, request.state.caller
    view = await get_credit_note(runtime, caller, request.path_params["credit_note_id"])
    pdf = await credit_note_pdf(runtime, view)
    filename = credit_note_pdf_filename(view.note.credit_note_number)
    headers = {
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "private, no-store",
    }
    return Response(pdf, 200, headers, media_type="application/pdf")


routes = [
    Route("/api/v0/invoices/{invoice_id}/credit_notes", create, methods=["POST"]),
    Route(COLLECTION, list_, methods=["GET"]),
    Route(f"{COLLECTION}/{{credit_note_id}}", retrieve, methods=["GET"]),
    Route(f"{COLLECTION}/{{credit_note_id}}/pdf", download, methods=["GET"]),
]
