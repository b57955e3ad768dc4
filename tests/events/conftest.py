"""A seeded gateway whose settings allow webhooks to 127.0.0.1, and a receiver."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from gateway.runtime import Runtime
from tests.apptest import seeded_gateway
from tests.delivery.harness import Receiver, delivery_settings, running_receiver


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    async with running_receiver() as running:
        yield running


@pytest.fixture
async def gateway(migrated_database_url: str) -> AsyncIterator[tuple[httpx.AsyncClient, Runtime]]:
    async with seeded_gateway(delivery_settings(migrated_database_url)) as pair:
        yield pair
