"""The invoice lifecycle over REST: PUT (edit a draft), send, record a payment."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gateway.db.invoice_views import InvoiceView
from gateway.domain.errors import InvalidInput
from gateway.domain.payments import parse_payment
from gateway.http_errors import json_response
from gateway.rest.body import read_json
from gateway.runtime import Runtime
from gateway.services.access import Caller
from gateway.services.invoice_json import render_invoice
from gateway.services.invoice_lifecycle import record_payment, send_invoice
from gateway.services.update_invoice import update_invoice


def _context(request: Request) -> tuple[Runtime, Caller, str]:
    return request.state.runtime, request.state.caller, request.path_params["invoice_id"]


def _rendered(runtime: Runtime, view: InvoiceView, status: int = 200) -> Response:
    return json_response(status, render_invoice(view, runtime.settings.public_base_url))


async def _object_body(request: Request, runtime: Runtime) -> dict[str, Any]:
    payload, _raw = await read_json(request, runtime.settings.max_body_bytes)
    if not isinstance(payload, dict):
        raise InvalidInput(["request body must be a JSON object"])
    return payload


async def update(request: Request) -> Response:
    runtime, caller, invoice_id = _context(request)
    changes = await _object_body(request, runtime)
    return _rendered(runtime, await update_invoice(runtime, caller, invoice_id, changes))


async def send(request: Request) -> Response:
    runtime, caller, invoice_id = _context(request)
    return _rendered(runtime, await send_invoice(runtime, caller, invoice_id))


async def pay(request: Request) -> Response:
    runtime, caller, invoice_id = _context(request)
    payment = parse_payment(await _object_body(request, runtime))
    recorded = await record_payment(runtime, caller, invoice_id, payment)
    return _rendered(runtime, recorded.view, 201)


routes = [
    Route("/api/v0/invoices/{invoice_id}", update, methods=["PUT", "PATCH"]),
    Route("/api/v0/invoices/{invoice_id}/send", send, methods=["POST"]),
    Route("/api/v0/invoices/{invoice_id}/payments", pay, methods=["POST"]),
]
