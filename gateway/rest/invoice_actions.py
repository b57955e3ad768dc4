"""The invoice lifecycle over REST: PUT (edit a draft), send, record a payment, void,
mark uncollectible, and DELETE (a draft that holds no number). Each honours If-Match;
a change answers with the invoice's new ETag (gateway.rest.etags)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gateway.db.invoice_views import InvoiceView
from gateway.domain.errors import VersionMismatch
from gateway.domain.invoice_closing import CloseRequest
from gateway.domain.versions import Expected
from gateway.http_errors import error_response, json_response
from gateway.rest.body import read_json
from gateway.rest.etags import ETAG, etag, if_match
from gateway.rest.v0_close_body import parse_close
from gateway.rest.v0_invoice_body import parse_update_invoice
from gateway.rest.v0_payment_body import parse_payment
from gateway.runtime import Runtime
from gateway.services.access import Caller
from gateway.services.invoice_closing import delete_invoice, mark_uncollectible, void_invoice
from gateway.services.invoice_json import iso_datetime, render_invoice
from gateway.services.invoice_lifecycle import record_payment, send_invoice
from gateway.services.update_invoice import update_invoice

T = TypeVar("T")


def _context(request: Request) -> tuple[Runtime, Caller, str]:
    return request.state.runtime, request.state.caller, request.path_params["invoice_id"]


def _rendered(runtime: Runtime, view: InvoiceView, status: int = 200) -> Response:
    """The v0 invoice JSON with its ETag."""
    invoice = view.invoice
    headers = {ETAG: etag(invoice.id, invoice.version)}
    return json_response(status, render_invoice(view, runtime.settings.public_base_url), headers)


async def _body(request: Request, runtime: Runtime) -> object:
    payload, _raw = await read_json(request, runtime.settings.max_body_bytes)
    return payload


async def _if_matching(
    request: Request, change: Callable[[Expected], Awaitable[T]]
) -> T | Response:
    """`change` under the request's If-Match, or the 412 with the invoice's current ETag."""
    _runtime, _caller, invoice_id = _context(request)
    try:
        return await change(if_match(request.headers, invoice_id))
    except VersionMismatch as exc:
        response = error_response(exc)
        response.headers[ETAG] = etag(invoice_id, exc.current)
        return response


async def _changed(
    request: Request, change: Callable[[Expected], Awaitable[InvoiceView]], status: int = 200
) -> Response:
    """`change` under the request's If-Match, answered with the invoice and its ETag."""
    view = await _if_matching(request, change)
    if isinstance(view, Response):
        return view
    return _rendered(request.state.runtime, view, status)


async def update(request: Request) -> Response:
    runtime, caller, invoice_id = _context(request)
    changes = parse_update_invoice(await _body(request, runtime))
    return await _changed(
        request, lambda expected: update_invoice(runtime, caller, invoice_id, changes, expected)
    )


async def send(request: Request) -> Response:
    runtime, caller, invoice_id = _context(request)
    return await _changed(
        request, lambda expected: send_invoice(runtime, caller, invoice_id, expected)
    )


async def pay(request: Request) -> Response:
    runtime, caller, invoice_id = _context(request)
    payment = parse_payment(await _body(request, runtime))

    async def recorded(expected: Expected) -> InvoiceView:
        return (await record_payment(runtime, caller, invoice_id, payment, expected)).view

    return await _changed(request, recorded, 201)


async def _close_request(request: Request, runtime: Runtime) -> CloseRequest:
    payload, raw = await read_json(request, runtime.settings.max_body_bytes, optional=True)
    return parse_close(payload, empty=not raw)


async def void(request: Request) -> Response:
    runtime, caller, invoice_id = _context(request)
    close = await _close_request(request, runtime)
    return await _changed(
        request, lambda expected: void_invoice(runtime, caller, invoice_id, close, expected)
    )


async def uncollectible(request: Request) -> Response:
    runtime, caller, invoice_id = _context(request)
    close = await _close_request(request, runtime)
    return await _changed(
        request,
        lambda expected: mark_uncollectible(runtime, caller, invoice_id, close, expected),
    )


async def delete(request: Request) -> Response:
    runtime, caller, invoice_id = _context(request)
    deleted = await _if_matching(
        request, lambda expected: delete_invoice(runtime, caller, invoice_id, expected)
    )
    if isinstance(deleted, Response):
        return deleted
    body = {
        "success": True,
        "message": "Invoice successfully deleted",
        "deletedAt": iso_datetime(deleted.deleted_at),
        "invoiceId": deleted.invoice_id,
    }
    return json_response(200, body)


routes = [
    Route("/api/v0/invoices/{invoice_id}", update, methods=["PUT", "PATCH"]),
    Route("/api/v0/invoices/{invoice_id}/send", send, methods=["POST"]),
    Route("/api/v0/invoices/{invoice_id}/payments", pay, methods=["POST"]),
    Route("/api/v0/invoices/{invoice_id}/void", void, methods=["POST"]),
    Route("/api/v0/invoices/{invoice_id}/mark_uncollectible", uncollectible, methods=["POST"]),
    Route("/api/v0/invoices/{invoice_id}", delete, methods=["DELETE"]),
]
