"""The invoice lifecycle over REST: PUT (edit a draft), send, record a payment."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gateway.domain.errors import InvalidInput
from gateway.domain.money import to_decimal
from gateway.domain.payments import MAX_REFERENCE_LENGTH
from gateway.domain.status import PaymentMethod
from gateway.rest.body import read_json
from gateway.rest.errors import json_response
from gateway.runtime import Runtime
from gateway.services.access import Caller
from gateway.services.invoice_json import render_invoice
from gateway.services.invoice_lifecycle import record_payment, send_invoice
from gateway.services.invoice_views import InvoiceView
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


def parse_payment(payload: dict[str, Any]) -> tuple[Any, str, str | None]:
    problems: list[str] = []
    amount = to_decimal(payload.get("amount"))
    if amount is None or amount <= 0:
        problems.append("amount must be a positive number")
    method = payload.get("method")
    if method not in PaymentMethod.__members__:
        allowed = ", ".join(PaymentMethod.__members__)
        problems.append(f"method must be one of the following values: {allowed}")
    reference = payload.get("reference")
    if reference is not None and (
        not isinstance(reference, str) or len(reference) > MAX_REFERENCE_LENGTH
    ):
        problems.append(f"reference must be a string of at most {MAX_REFERENCE_LENGTH} characters")
    if problems:
        raise InvalidInput(problems)
    return amount, str(method), reference


async def pay(request: Request) -> Response:
    runtime, caller, invoice_id = _context(request)
    amount, method, reference = parse_payment(await _object_body(request, runtime))
    view = await record_payment(runtime, caller, invoice_id, amount, method, reference)
    return _rendered(runtime, view, 201)


routes = [
    Route("/api/v0/invoices/{invoice_id}", update, methods=["PUT", "PATCH"]),
    Route("/api/v0/invoices/{invoice_id}/send", send, methods=["POST"]),
    Route("/api/v0/invoices/{invoice_id}/payments", pay, methods=["POST"]),
]
