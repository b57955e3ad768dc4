"""The product operations (gateway.rest.products): their request bodies, generated from
the v0 field table (gateway.rest.v0_product_body), and the product they answer with
(gateway.services.product_json)."""

from __future__ import annotations

from typing import Any

from gateway.domain.resource_enums import ProductCurrency, ProductStatus, ProductType
from gateway.rest.conventions import REPLAY_HEADER
from gateway.rest.openapi.errors import errors
from gateway.rest.openapi.formats import NO_NUL
from gateway.rest.openapi.fragments import (
    Schema,
    enum,
    header,
    json_content,
    nullable,
    ref,
    response_object,
    string,
)
from gateway.rest.openapi.overlay import Overlay, annotated
from gateway.rest.openapi.parameters import idempotency_key, list_query
from gateway.rest.openapi.responses import ok
from gateway.rest.products import DELETED
from gateway.rest.v0_product_body import PRODUCT_FIELDS, UPDATE_FIELDS
from gateway.rest.v0_schema import body_schema

PRODUCT_EXAMPLE = "prod_123456789"
_NOT_FOUND = "Product not found. (message `Product not found.`)"
_JSON_ONLY = (
    "Bodies are application/json only: the API reference's multipart/form-data with image"
    " files is answered 415 by design; `images` takes up to 10 http(s) URLs instead."
)
_TEXT: Overlay = {name: {"pattern": NO_NUL} for name in ("name", "description", "type", "unit")}
_OVERLAY: Overlay = {
    **_TEXT,
    "description": {"pattern": NO_NUL, "description": "Markdown allowed."},
    "images": {"description": "http(s) URLs; on an update they replace every image."},
    "walletId": {"description": "One of the app's wallets (404 otherwise)."},
}
_TIMESTAMP = string(format="date-time", description="UTC, e.g. 2024-01-15T10:30:00.000Z.")


def product_paths() -> dict[str, Any]:
    return {
        "/api/v0/products": {"post": _create(), "get": _list()},
        "/api/v0/products/{product_id}": {"get": _get(), "put": _update(), "delete": _delete()},
    }


def product_schema() -> Schema:
    text, maybe_text = string(), nullable(string())
    wallet = response_object({"id": text, "address": text, "blockchain": text})
    return response_object(
        {
            "id": text,
            "name": text,
            "description": text,
            "price": {"type": "number", "description": "Exact, two decimal places."},
            "currency": enum(ProductCurrency),
            "productType": enum(ProductType),
            "status": enum(ProductStatus),
            "type": maybe_text,
            "stockCount": {"type": ["integer", "null"], "minimum": 0},
            "quantity": {"type": ["number", "null"], "minimum": 0},
            "weight": {"type": ["number", "null"], "exclusiveMinimum": 0},
            "unit": maybe_text,
            "images": {"type": "array", "items": text},
            "variations": {"type": "null"},
            "paymentLink": {"type": "null"},
            "walletId": maybe_text,
            "dateAdded": _TIMESTAMP,
            "dateUpdated": _TIMESTAMP,
            "app": ref("App"),
            "wallet": nullable(wallet),
            "transactions": {"type": "array", "maxItems": 0},
        },
        description=(
            "The Developers rendering (numbers, dateAdded/dateUpdated), where the API"
            " reference's examples show price as a string and createdAt/updatedAt."
        ),
    )


def _product_id() -> Schema:
    return {
        "name": "product_id",
        "in": "path",
        "required": True,
        "description": "A product id: a UUID, or an id such as prod_123456789.",
        "schema": string(),
        "example": PRODUCT_EXAMPLE,
    }


def _body(fields: Any, *, partial: bool, description: str) -> Schema:
    schema = annotated(body_schema(fields, partial=partial), _OVERLAY, description=description)
    return {"required": True, "content": json_content(schema)}


def _create() -> Schema:
    replayed = header(
        "Present on a replay of an earlier response.",
        {"type": "string", "const": "true"},
        required=False,
    )
    return {
        "operationId": "createProduct",
        "summary": "Create a product",
        "description": _JSON_ONLY,
        "parameters": [idempotency_key()],
        "requestBody": _body(
            PRODUCT_FIELDS,
            partial=False,
            description="Unknown fields are ignored; optional fields may be null (default).",
        ),
        "responses": {
            "201": ok(
                "The product (or, on an idempotent replay, the first response).",
                product_schema(),
                **{REPLAY_HEADER: replayed},
            ),
            **errors(
                400, 401, 404, 409, 413, 415, 422, 429, 503, described={404: "Wallet not found."}
            ),
        },
    }


def _list() -> Schema:
    paging = [
        {**parameter, "description": description}
        for parameter in list_query()
        for name, description in (("skip", "Products to pass over."), ("take", "Page size."))
        if parameter["name"] == name
    ]
    page = response_object(
        {
            "data": {"type": "array", "items": product_schema()},
            "total": {"type": "integer", "minimum": 0},
            "skip": {"type": "integer", "minimum": 0},
            "take": {"type": "integer", "minimum": 1},
        }
    )
    return {
        "operationId": "listProducts",
        "summary": "List products, newest first",
        "description": "The API reference's envelope: the page and the app's product count.",
        "parameters": paging,
        "responses": {"200": ok("One page of products.", page), **errors(400, 401, 429, 503)},
    }


def _get() -> Schema:
    return {
        "operationId": "getProduct",
        "summary": "Get one product",
        "description": "An archived (deleted while invoices use it) product is INACTIVE.",
        "parameters": [_product_id()],
        "responses": {
            "200": ok("The product.", product_schema()),
            **errors(401, 404, 429, 503, described={404: _NOT_FOUND}),
        },
    }


def _update() -> Schema:
    return {
        "operationId": "updateProduct",
        "summary": "Change a product",
        "description": (f"{_JSON_ONLY} Invoices keep the prices their lines were priced at."),
        "parameters": [_product_id()],
        "requestBody": _body(
            UPDATE_FIELDS,
            partial=True,
            description=(
                "The fields to change. Unknown fields are ignored; null clears an optional"
                " field (currency, productType and status cannot be cleared)."
            ),
        ),
        "responses": {
            "200": ok("The changed product.", product_schema()),
            **errors(
                400,
                401,
                404,
                413,
                415,
                429,
                503,
                described={
                    404: "Product not found., or the walletId named is no wallet of the app."
                },
            ),
        },
    }


def _delete() -> Schema:
    deleted = response_object(
        {
            "message": {"type": "string", "const": DELETED},
            "archived": {
                "type": "boolean",
                "description": (
                    "True when invoice lines use the product: it is kept, status INACTIVE"
                    " (still readable); false when it was removed."
                ),
            },
        }
    )
    return {
        "operationId": "deleteProduct",
        "summary": "Delete a product",
        "description": (
            "200 with the API reference's message, plus `archived`: an extension that says"
            " whether the product was removed or kept as INACTIVE because invoices use it."
        ),
        "parameters": [_product_id()],
        "responses": {
            "200": ok("Deleted.", deleted),
            **errors(401, 404, 429, 503, described={404: _NOT_FOUND}),
        },
    }
