"""GET /api/v0/wallets: every wallet of the app in one answer, `{"data": [...]}`."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gateway.http_errors import json_response
from gateway.rest.query import Query
from gateway.services.wallet_json import render_wallet
from gateway.services.wallets import list_wallets


async def list_(request: Request) -> Response:
    runtime, caller = request.state.runtime, request.state.caller
    Query(request, accepted=())  # v0 documents none: any parameter is a 400 naming it
    wallets = await list_wallets(runtime, caller)
    return json_response(200, {"data": [render_wallet(row, caller.app_name) for row in wallets]})


routes = [Route("/api/v0/wallets", list_, methods=["GET"])]
