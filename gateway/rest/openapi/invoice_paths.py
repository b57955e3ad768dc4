"""The operations on one invoice: read it, edit the draft, send it, record payments, void
it, mark it uncollectible, delete an unnumbered draft and download the PDF
(gateway.rest.invoices, gateway.rest.invoice_actions and gateway.rest.invoice_pdf)."""

from __future__ import annotations

from typing import Any

from gateway.rest.openapi.errors import errors
from gateway.rest.openapi.formats import ETAG, PDF_DISPOSITION
from gateway.rest.openapi.fragments import Schema, header, ref, request_body, string
from gateway.rest.openapi.parameters import (
    DRAFT_INVOICE_EXAMPLE,
    OPEN_INVOICE_EXAMPLE,
    if_match,
    invoice_id,
)
from gateway.rest.openapi.responses import ok, rate_limit_headers

# The wording of the answers every operation on one invoice shares.
_INVOICE_NOT_FOUND = "Invoice not found (in this app)."
_INVOICE_CHANGED = "Another request changed the invoice at the same moment; retry."
_ETAG = header(
    'The invoice\'s version, `"<id>-<version>"`: send it as If-Match to change the invoice'
    " only if nobody changed it since.",
    string(pattern=ETAG),
)


def invoice_paths() -> dict[str, Any]:
    return {
        "/api/v0/invoices/{invoice_id}": {
            "get": _get(),
            "put": _update("updateInvoice", "Edit a draft invoice"),
            "patch": _update("patchInvoice", "Edit a draft invoice (same as PUT)"),
            "delete": _delete(),
        },
        "/api/v0/invoices/{invoice_id}/void": {"post": _void()},
        "/api/v0/invoices/{invoice_id}/mark_uncollectible": {"post": _mark_uncollectible()},
        "/api/v0/invoices/{invoice_id}/send": {"post": _send()},
        "/api/v0/invoices/{invoice_id}/payments": {"post": _record_payment()},
        "/api/v0/invoices/{invoice_id}/pdf": {"get": _pdf()},
    }


def _reading_errors() -> dict[str, Schema]:
    return errors(401, 404, 429, 503, described={404: _INVOICE_NOT_FOUND})


def _changing_errors(
    bad_request: str, *, not_found: str = _INVOICE_NOT_FOUND, body: bool = True
) -> dict[str, Schema]:
    """`bad_request` and `not_found` worded for the operation; a 413 where it takes a body."""
    statuses = (400, 401, 404, 409, 412, *([413] if body else []), 429, 503)
    described = {400: bad_request, 404: not_found, 409: _INVOICE_CHANGED}
    return errors(*statuses, described=described)


def _get() -> Schema:
    return {
        "operationId": "getInvoice",
        "summary": "Get one invoice",
        "parameters": [invoice_id(OPEN_INVOICE_EXAMPLE)],
        "responses": {
            "200": ok("The invoice.", ref("Invoice"), ETag=_ETAG),
            **_reading_errors(),
        },
    }


def _update(operation_id: str, summary: str) -> Schema:
    return {
        "operationId": operation_id,
        "summary": summary,
        "description": (
            "Only a DRAFT can be edited; its items are priced again. The fields sent change;"
            " the others keep the values the invoice has when the edit runs."
        ),
        "parameters": [invoice_id(DRAFT_INVOICE_EXAMPLE), if_match()],
        "requestBody": request_body("UpdateInvoiceRequest"),
        "responses": {
            "200": ok("The edited invoice.", ref("Invoice"), ETag=_ETAG),
            **_changing_errors(
                "Invalid input (message is a list), a broken business rule, or the invoice"
                " is no longer a DRAFT.",
                not_found="Invoice, or the customer, wallet or tax the edit names, not found.",
            ),
        },
    }


def _send() -> Schema:
    return {
        "operationId": "sendInvoice",
        "summary": "Send a draft invoice",
        "description": (
            "DRAFT to OPEN: the invoice.sent webhook fires and, for EMAIL delivery,"
            " the invoice is emailed (on its send_date)."
        ),
        "parameters": [invoice_id(DRAFT_INVOICE_EXAMPLE), if_match()],
        "responses": {
            "200": ok("The invoice, now OPEN.", ref("Invoice"), ETag=_ETAG),
            **_changing_errors(
                "The invoice is not a DRAFT, or its due date has passed.", body=False
            ),
        },
    }


def _record_payment() -> Schema:
    return {
        "operationId": "recordPayment",
        "summary": "Record a payment",
        "description": (
            "On an OPEN, PASTDUE, PARTIALLYPAID or UNCOLLECTIBLE invoice; it becomes PAID"
            " once nothing is due, PARTIALLYPAID before (an UNCOLLECTIBLE one stays so)."
            " A VOID invoice takes no payment."
        ),
        "parameters": [invoice_id(OPEN_INVOICE_EXAMPLE), if_match()],
        "requestBody": request_body("CreatePaymentRequest"),
        "responses": {
            "201": ok("The invoice with the payment applied.", ref("Invoice"), ETag=_ETAG),
            **_changing_errors(
                "Invalid input (message is a list), or a payment the invoice refuses: its"
                " status, the method, more than is due, or only part of it where partial"
                " payments are off."
            ),
        },
    }


def _close(operation_id: str, summary: str, description: str, result: str) -> Schema:
    body = request_body("CloseInvoiceRequest")
    return {
        "operationId": operation_id,
        "summary": summary,
        "description": description,
        "parameters": [invoice_id(OPEN_INVOICE_EXAMPLE), if_match()],
        "requestBody": {**body, "required": False},
        "responses": {
            "200": ok(result, ref("Invoice"), ETag=_ETAG),
            **_changing_errors(
                "Invalid input (message is a list), or a status this change cannot leave"
                " (message says why: e.g. the invoice is PAID, or already VOID)."
            ),
        },
    }


def _void() -> Schema:
    return _close(
        "voidInvoice",
        "Void an invoice",
        "DRAFT, OPEN, PASTDUE, PARTIALLYPAID or UNCOLLECTIBLE to VOID: nothing is due any"
        " more (amount_due 0), no payment is accepted, and the payment link shows the"
        " invoice void with no way to pay; the PDF says VOID. The invoice.voided webhook"
        " fires. A PAID invoice cannot be voided. The invoice keeps its number: a numbered"
        " invoice is voided, never deleted, so the sequence keeps no hole.",
        "The invoice, now VOID.",
    )


def _mark_uncollectible() -> Schema:
    return _close(
        "markInvoiceUncollectible",
        "Mark an invoice uncollectible",
        "OPEN, PASTDUE or PARTIALLYPAID to UNCOLLECTIBLE (a bad debt): it is no longer"
        " marked past due nor reminded, yet payments are still recorded; one that pays"
        " what is due makes it PAID. The invoice.marked_uncollectible webhook fires.",
        "The invoice, now UNCOLLECTIBLE.",
    )


def _delete() -> Schema:
    return {
        "operationId": "deleteInvoice",
        "summary": "Delete a draft that holds no number",
        "description": (
            "Invoices are numbered when created (the create answer carries the number,"
            " DRAFT or OPEN), so a numbered invoice is never deleted: the answer is a 400"
            " saying so, and the invoice is voided instead (POST .../void). Only a DRAFT"
            " without a number is removed; the invoice.deleted webhook fires."
        ),
        "parameters": [invoice_id(DRAFT_INVOICE_EXAMPLE), if_match()],
        "responses": {
            "200": ok("The invoice was deleted.", ref("InvoiceDeletion")),
            **_changing_errors(
                "The invoice holds a number (or is no longer a DRAFT): void it instead.",
                body=False,
            ),
        },
    }


def _pdf() -> Schema:
    return {
        "operationId": "getInvoicePdf",
        "summary": "Download the invoice PDF",
        "description": "The document the invoice email attaches.",
        "parameters": [invoice_id(OPEN_INVOICE_EXAMPLE)],
        "responses": {
            "200": {
                "description": "The PDF.",
                "headers": {
                    "Content-Disposition": header(
                        "An attachment named after the invoice number.",
                        string(pattern=PDF_DISPOSITION),
                    ),
                    "Cache-Control": header(
                        "An invoice is personal data: no shared cache keeps it.",
                        {"type": "string", "const": "private, no-store"},
                    ),
                    **rate_limit_headers(),
                },
                "content": {
                    "application/pdf": {
                        "schema": {"type": "string", "contentMediaType": "application/pdf"}
                    }
                },
            },
            **_reading_errors(),
        },
    }
