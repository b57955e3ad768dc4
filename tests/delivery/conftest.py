"""Fixtures shared by the webhook and worker tests: a signed-webhook receiver and a
seeded gateway whose settings allow webhooks to 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from gateway.runtime import Runtime
from gateway.settings import Settings
from tests.apptest import seeded_gateway
from tests.delivery.harness import Receiver, delivery_settings, running_receiver


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    async with running_receiver() as running:
        yield running


@pytest.fixture
def settings(migrated_database_url: str) -> Settings:
    return delivery_settings(migrated_database_url)


@pytest.fixture
async def gateway(settings: Settings) -> AsyncIterator[tuple[httpx.AsyncClient, Runtime]]:
    async with seeded_gateway(settings) as pair:
        yield pair
