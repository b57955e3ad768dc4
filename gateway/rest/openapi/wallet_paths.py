"""GET /api/v0/wallets (gateway.rest.wallets) and the wallet it answers with, as
gateway.services.wallet_json writes it."""

from __future__ import annotations

from typing import Any

from gateway.domain.resource_enums import Chain
from gateway.rest.openapi.errors import errors
from gateway.rest.openapi.fragments import Schema, enum, response_object, string
from gateway.rest.openapi.responses import ok

_TIMESTAMP = string(format="date-time", description="UTC, e.g. 2024-01-15T10:30:00.000Z.")


def wallet_paths() -> dict[str, Any]:
    return {"/api/v0/wallets": {"get": _list()}}


def _wallet() -> Schema:
    return response_object(
        {
            "id": string(),
            "bridge_id": {
                "type": "null",
                "description": "Always null: the gateway holds no account at a custody bridge.",
            },
            "address": string(),
            "chain": enum(Chain),
            "balances": {
                "type": "array",
                "maxItems": 0,
                "description": "Always empty: the gateway reads no chain.",
            },
            "created_at": _TIMESTAMP,
            "updated_at": _TIMESTAMP,
            "business": {
                "type": "null",
                "description": "Always null: an app belongs to no business here.",
            },
            "app": response_object({"id": string(), "name": string()}),
        },
        description="A wallet of the app: an address it is paid at, on one chain.",
    )


def _list() -> Schema:
    return {
        "operationId": "listWallets",
        "summary": "List the app's wallets, oldest first",
        "description": (
            "Every wallet of the app in one answer (no pages), in the order they were "
            "created. Takes no query parameters: any is a 400 naming it."
        ),
        "responses": {
            "200": ok(
                "The app's wallets.",
                response_object({"data": {"type": "array", "items": _wallet()}}),
            ),
            **errors(400, 401, 429, 503),
        },
    }
