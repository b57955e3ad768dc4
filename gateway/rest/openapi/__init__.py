"""The OpenAPI 3.1 document of the v0 REST shim, served at GET /api/v0/openapi.json.

Every constraint mirrors what the shim accepts (the request bodies are generated from
the field tables of the v0 parsers, gateway.rest.v0_*_body; gateway.rest.invoices reads
the list query) and every response is what
gateway.services.invoice_json, gateway.rest.invoice_pdf and gateway.http_errors write.
tests/rest/test_openapi.py fuzzes the running app against this document to keep the two
in step.

The parts: fragments (JSON Schema building blocks), formats (patterns), requests (the
request bodies) with overlay (what they say beyond their tables), schemas (the invoice
answered with), errors and responses (the answers every operation shares), parameters,
and the operations in paths and invoice_paths.
Nothing here imports gateway.rest.invoices at the top: it imports this package for its
route.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gateway.encoding import dumps, loads
from gateway.rest.openapi.errors import error_schemas
from gateway.rest.openapi.parameters import DRAFT_INVOICE_EXAMPLE, OPEN_INVOICE_EXAMPLE
from gateway.rest.openapi.paths import paths
from gateway.rest.openapi.requests import request_schemas
from gateway.rest.openapi.schemas import response_schemas

__all__ = [
    "DRAFT_INVOICE_EXAMPLE",
    "OPENAPI_PATH",
    "OPEN_INVOICE_EXAMPLE",
    "openapi_document",
    "openapi_json",
    "route",
]

OPENAPI_PATH = "/api/v0/openapi.json"


def _build() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Invoice gateway v0 REST API",
            "version": "0.1.0",
            "description": (
                "Create, read, edit, send and collect payment on invoices."
                " Rate limited per client key."
            ),
        },
        "paths": paths(),
        "components": {
            "schemas": {**request_schemas(), **response_schemas(), **error_schemas()},
            "securitySchemes": {
                "clientKey": {"type": "apiKey", "in": "header", "name": "x-client-key"},
                "clientSecret": {"type": "apiKey", "in": "header", "name": "x-client-secret"},
            },
        },
        "security": [{"clientKey": [], "clientSecret": []}],
    }


@cache
def _document_bytes() -> bytes:
    return dumps(_build())


def openapi_document() -> dict[str, Any]:
    """The document as served; a fresh copy on each call, so callers may change it."""
    result: dict[str, Any] = loads(_document_bytes())
    return result


async def openapi_json(_request: Request) -> Response:
    return Response(_document_bytes(), media_type="application/json")


route = Route(OPENAPI_PATH, openapi_json, methods=["GET"])
