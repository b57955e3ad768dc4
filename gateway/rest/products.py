"""POST/GET /api/v0/products, GET/PUT/DELETE /api/v0/products/{product_id}.

Bodies are JSON: the v0 API reference also takes multipart/form-data with image files,
which this gateway answers 415 (it stores image URLs, not files)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gateway.domain.errors import UnsupportedMediaType
from gateway.http_errors import json_response
from gateway.rest.body import read_json
from gateway.rest.conventions import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from gateway.rest.once import respond_once
from gateway.rest.query import MAX_SKIP, Query
from gateway.rest.v0_product_body import parse_create_product, parse_update_product
from gateway.services.products import (
    create_product,
    delete_product,
    get_product,
    list_products,
    update_product,
)

DELETED = "The product has been successfully deleted."
MULTIPART_REFUSED = (
    "multipart/form-data is not accepted: send the product as application/json,"
    " with images as a list of http(s) URLs"
)


async def _body(request: Request) -> object:
    content_type = request.headers.get("content-type", "")
    if content_type.lower().lstrip().startswith("multipart/form-data"):
        raise UnsupportedMediaType(MULTIPART_REFUSED)
    payload, _raw = await read_json(request, request.state.runtime.settings.max_body_bytes)
    return payload


async def create(request: Request) -> Response:
    runtime, caller = request.state.runtime, request.state.caller
    payload = await _body(request)
    command = parse_create_product(payload)

    async def run() -> object:
        return (await create_product(runtime, caller, command)).rendered()

    return await respond_once(request, "POST /api/v0/products", payload, 201, run)


async def list_(request: Request) -> Response:
    query = Query(request, ("skip", "take"))
    skip = query.integer("skip", default=0, low=0, high=MAX_SKIP)
    take = query.integer("take", default=DEFAULT_PAGE_SIZE, low=1, high=MAX_PAGE_SIZE)
    found = await list_products(
        request.state.runtime, request.state.caller, offset=skip, limit=take
    )
    data = [view.rendered() for view in found.views]
    return json_response(200, {"data": data, "total": found.total, "skip": skip, "take": take})


async def retrieve(request: Request) -> Response:
    product_id = request.path_params["product_id"]
    view = await get_product(request.state.runtime, request.state.caller, product_id)
    return json_response(200, view.rendered())


async def update(request: Request) -> Response:
    payload = await _body(request)
    command = parse_update_product(payload)
    product_id = request.path_params["product_id"]
    view = await update_product(request.state.runtime, request.state.caller, product_id, command)
    return json_response(200, view.rendered())


async def delete(request: Request) -> Response:
    product_id = request.path_params["product_id"]
    deleted = await delete_product(request.state.runtime, request.state.caller, product_id)
    return json_response(200, {"message": DELETED, "archived": deleted.archived})


routes = [
    Route("/api/v0/products", create, methods=["POST"]),
    Route("/api/v0/products", list_, methods=["GET"]),
    Route("/api/v0/products/{product_id}", retrieve, methods=["GET"]),
    Route("/api/v0/products/{product_id}", update, methods=["PUT"]),
    Route("/api/v0/products/{product_id}", delete, methods=["DELETE"]),
]
