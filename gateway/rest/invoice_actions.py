"""The invoice lifecycle over REST: PUT (edit a draft), send, record a payment."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gateway.db.invoice_views import InvoiceView
from gateway.http_errors import json_response
from gateway.rest.body import read_json
from gateway.rest.v0_invoice_body import parse_update_invoice
from gateway.rest.v0_payment_body import parse_payment
from gateway.runtime import Runtime
from gateway.services.access import Caller
from gateway.services.invoice_json import render_invoice
from gateway.services.invoice_lifecycle import record_payment, send_invoice
from gateway.services.update_invoice import update_invoice


def _context(request: Request) -> tuple[Runtime, Caller, str]:
    return request.state.runtime, request.state.caller, request.path_params["invoice_id"]


def _rendered(runtime: Runtime, view: InvoiceView, status: int = 200) -> Response:
    return json_response(status, render_invoice(view, runtime.settings.public_base_url))


async def _body(request: Request, runtime: Runtime) -> object:
    payload, _raw = await read_json(request, runtime.settings.max_body_bytes)
    return payload


async def update(request: Request) -> Response:
    runtime, caller, invoice_id = _context(request)
    changes = parse_update_invoice(await _body(request, runtime))
    return _rendered(runtime, await update_invoice(runtime, caller, invoice_id, changes))


async def send(request: Request) -> Response:
    runtime, caller, invoice_id = _context(request)
    return _rendered(runtime, await send_invoice(runtime, caller, invoice_id))


async def pay(request: Request) -> Response:
    runtime, caller, invoice_id = _context(request)
    payment = parse_payment(await _body(request, runtime))
    recorded = await record_payment(runtime, caller, invoice_id, payment)
    return _rendered(runtime, recorded.view, 201)


routes = [
    Route("/api/v0/invoices/{invoice_id}", update, methods=["PUT", "PATCH"]),
    Route("/api/v0/invoices/{invoice_id}/send", send, methods=["POST"]),
    Route("/api/v0/invoices/{invoice_id}/payments", pay, methods=["POST"]),
]
