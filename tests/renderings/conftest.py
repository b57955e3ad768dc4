"""A seeded gateway (SQLite and PostgreSQL) whose demo app sends its invoice webhooks to
an in-process receiver, plus products with odd prices for the rendering tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from gateway.settings import Settings
from tests.apptest import seeded_gateway
from tests.renderings.harness import (
    Gateway,
    add_extra_products,
    register_endpoint,
    running_receiver,
)


@pytest.fixture
async def gateway(migrated_database_url: str) -> AsyncIterator[Gateway]:
    settings = Settings(
        database_url=migrated_database_url,
        public_base_url="https://pay.example",
        allow_private_webhook_urls=True,  # the receiver listens on 127.0.0.1
        webhook_timeout_seconds=5.0,
        rate_limit_per_minute=1_000_000,  # some 6 requests an example, hundreds of examples
    )
    async with running_receiver() as receiver, seeded_gateway(settings) as (client, runtime):
        await add_extra_products(runtime)
        await register_endpoint(client, receiver)
        yield Gateway(client, runtime, receiver)
