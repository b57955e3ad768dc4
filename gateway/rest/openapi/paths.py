"""The operations: create and list on the collection (gateway.rest.invoices), then those on
one invoice."""

from __future__ import annotations

from typing import Any

from gateway.rest.conventions import REPLAY_HEADER
from gateway.rest.openapi.customer_paths import customer_paths
from gateway.rest.openapi.errors import errors
from gateway.rest.openapi.event_paths import event_paths
from gateway.rest.openapi.fragments import Schema, header, ref, request_body
from gateway.rest.openapi.invoice_paths import invoice_paths
from gateway.rest.openapi.parameters import idempotency_key, list_query
from gateway.rest.openapi.product_paths import product_paths
from gateway.rest.openapi.recurring_paths import recurring_paths
from gateway.rest.openapi.responses import ok
from gateway.rest.openapi.tax_paths import tax_paths
from gateway.rest.openapi.wallet_paths import wallet_paths


def paths() -> dict[str, Any]:
    return {
        "/api/v0/invoices": {"post": _create(), "get": _list()},
        **invoice_paths(),
        **tax_paths(),
        **wallet_paths(),
        **customer_paths(),
        **product_paths(),
        **event_paths(),
        **recurring_paths(),
    }


def _create() -> Schema:

    replayed = header(
        "Present on a replay of an earlier response.",
        {"type": "string", "const": "true"},
        required=False,
    )
    return {
        "operationId": "createInvoice",
        "summary": "Create an invoice",
        "parameters": [idempotency_key()],
        "requestBody": request_body("CreateInvoiceRequest"),
        "responses": {
            "201": ok(
                "The invoice (or, on an idempotent replay, the first response).",
                ref("Invoice"),
                **{REPLAY_HEADER: replayed},
            ),
            **errors(400, 401, 404, 409, 413, 422, 429, 503),
        },
    }


def _list() -> Schema:
    total = header("Invoices matching the filters, all pages.", {"type": "integer", "minimum": 0})
    return {
        "operationId": "listInvoices",
        "summary": "List invoices, newest first",
        "parameters": list_query(),
        "responses": {
            "200": ok(
                "One page of invoices.",
                {"type": "array", "items": ref("Invoice")},
                **{"X-Total-Count": total},
            ),
            **errors(400, 401, 429, 503),
        },
    }
