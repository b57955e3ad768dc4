"""GET and POST /api/v0/wallets (gateway.rest.wallets) and the wallet they answer with, as
gateway.services.wallet_json writes it; the POST body comes from the field table
gateway.rest.v0_wallet_body parses."""

from __future__ import annotations

from typing import Any

from gateway.domain.resource_enums import Chain
from gateway.domain.wallets import DEFAULT_WALLET_TYPE
from gateway.rest.conventions import REPLAY_HEADER
from gateway.rest.openapi.errors import errors
from gateway.rest.openapi.formats import NO_NUL
from gateway.rest.openapi.fragments import (
    Schema,
    enum,
    header,
    json_content,
    response_object,
    string,
)
from gateway.rest.openapi.overlay import Overlay, annotated
from gateway.rest.openapi.parameters import idempotency_key
from gateway.rest.openapi.responses import ok
from gateway.rest.v0_schema import body_schema
from gateway.rest.v0_wallet_body import WALLET_FIELDS

_TIMESTAMP = string(format="date-time", description="UTC, e.g. 2024-01-15T10:30:00.000Z.")
_BODY: Overlay = {
    "address": {
        "pattern": NO_NUL,
        "description": (
            "EVM chains (ethereum, polygon, avalanche_c_chain, base): 0x and 40 hex digits,"
            " mixed case only with a matching EIP-55 checksum; solana: a base58 public key"
            " (32 to 44 characters); tron: a base58check address starting with T (34)."
            " Another address of the chain is a 400."
        ),
        "examples": ["0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48"],
    },
    "chain": {"description": "The chain the address is on."},
    "type": {"pattern": NO_NUL, "description": f"Default {DEFAULT_WALLET_TYPE}."},
}


def wallet_paths() -> dict[str, Any]:
    return {"/api/v0/wallets": {"get": _list(), "post": _create()}}


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


def _create() -> Schema:
    replayed = header(
        "Present on a replay of an earlier response.",
        {"type": "string", "const": "true"},
        required=False,
    )
    body = annotated(body_schema(WALLET_FIELDS), _BODY, description="Unknown fields are ignored.")
    return {
        "operationId": "createWallet",
        "summary": "Add a wallet to the app",
        "description": (
            "An extension beyond v0, which documents only the list: the same wallet"
            " GraphQL createWallet adds, answered as GET /api/v0/wallets shows it. One"
            " wallet per address and chain in an app (EVM addresses compared in any case):"
            " another is a 409."
        ),
        "parameters": [idempotency_key()],
        "requestBody": {"required": True, "content": json_content(body)},
        "responses": {
            "201": ok(
                "The wallet (or, on an idempotent replay, the first response).",
                _wallet(),
                **{REPLAY_HEADER: replayed},
            ),
            **errors(
                400,
                401,
                409,
                413,
                422,
                429,
                503,
                described={
                    409: "The app has a wallet with this address on this chain, or a"
                    " request with this idempotency key is still in flight."
                },
            ),
        },
    }
