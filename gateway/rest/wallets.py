"""/api/v0/wallets: GET, every wallet of the app in one answer (`{"data": [...]}`), and
POST, a new wallet (once per idempotency key) answered as the list shows it."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gateway.http_errors import json_response
from gateway.rest.body import read_json
from gateway.rest.once import respond_once
from gateway.rest.query import Query
from gateway.rest.v0_wallet_body import parse_create_wallet
from gateway.services.wallet_json import render_wallet
from gateway.services.wallets import create_wallet, list_wallets

COLLECTION = "/api/v0/wallets"


async def list_(request: Request) -> Response:
    runtime, caller = request.state.runtime, request.state.caller
    Query(request, accepted=())  # v0 documents none: any parameter is a 400 naming it
    wallets = await list_wallets(runtime, caller)
    return json_response(200, {"data": [render_wallet(row, caller.app_name) for row in wallets]})


async def create(request: Request) -> Response:
    runtime, caller = request.state.runtime, request.state.caller
    payload, _raw = await read_json(request, runtime.settings.max_body_bytes)
    command = parse_create_wallet(payload)

    async def run() -> object:
        return render_wallet(await create_wallet(runtime, caller, command), caller.app_name)

    return await respond_once(request, f"POST {COLLECTION}", payload, 201, run)


routes = [
    Route(COLLECTION, list_, methods=["GET"]),
    Route(COLLECTION, create, methods=["POST"]),
]
