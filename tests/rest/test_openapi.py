"""The v0 OpenAPI document, and the running app fuzzed against it with schemathesis."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, settings
import schemathesis
from schemathesis import Case
from schemathesis.config import SchemathesisConfig
from starlette.applications import Starlette
from starlette.types import Message, Receive, Scope, Send

from gateway.app import create_app
from gateway.db.migrate import upgrade
from gateway.rest.openapi import openapi_document
from gateway.services.demo import (
    CUSTOMER_ID,
    DEMO_CLIENT_KEY,
    DEMO_CLIENT_SECRET,
    PRODUCTS,
    WALLET_ID,
    seed_demo,
)
from gateway.settings import Settings
from tests import servers

SEED = 20240215
MAX_EXAMPLES = 30
TAX_IDS = ["tax_550e8400-e29b-41d4-a716-446655440123", "tax_vat_inclusive_20"]

CONFIG: dict[str, Any] = {
    "seed": SEED,
    "generation": {"max-examples": MAX_EXAMPLES, "database": "none"},
    "phases": {"stateful": {"enabled": False}},
    "auth": {
        "openapi": {
            "clientKey": {"api_key": DEMO_CLIENT_KEY},
            "clientSecret": {"api_key": DEMO_CLIENT_SECRET},
        }
    },
    "checks": {
        "enabled": False,
        "not_a_server_error": {"enabled": True},
        "status_code_conformance": {"enabled": True},
        "content_type_conformance": {"enabled": True},
        "response_schema_conformance": {"enabled": True},
        "response_headers_conformance": {"enabled": True},
    },
    # Steer part of the generated bodies to the demo rows, so some creates succeed.
    "dictionaries": {
        "customers": {"values": [CUSTOMER_ID]},
        "wallets": {"values": [WALLET_ID]},
        "products": {"values": [product_id for product_id, _, _ in PRODUCTS]},
        "taxes": {"values": TAX_IDS},
    },
    "parameters": {
        "body.customer_id": {"dictionary": "customers", "probability": 0.8},
        "body.walletId": {"dictionary": "wallets", "probability": 0.8},
        "body.items[*].product_id": {"dictionary": "products", "probability": 0.8},
        "body.taxId": {"dictionary": "taxes", "probability": 0.5},
    },
}


def with_demo_data(app: Starlette) -> Any:
    """`app`, seeding the demo rows once its lifespan has started."""

    async def seeding(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await app(scope, receive, send)
            return

        async def send_after_seeding(message: Message) -> None:
            if message["type"] == "lifespan.startup.complete":
                await seed_demo(scope["state"]["runtime"])
            await send(message)

        await app(scope, receive, send_after_seeding)

    return seeding


@pytest.fixture
def app(sqlite_url: str) -> Any:
    servers.run_in_thread(upgrade, sqlite_url)
    settings = Settings(
        database_url=sqlite_url,
        public_base_url="https://pay.example",
        rate_limit_per_minute=1_000_000,
    )
    return with_demo_data(create_app(settings))


schema = schemathesis.openapi.from_dict(
    openapi_document(), config=SchemathesisConfig.from_dict(CONFIG)
)


@schema.parametrize()
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_app_conforms_to_its_openapi_document(case: Case, app: Any) -> None:
    case.call_and_validate(app=app)
