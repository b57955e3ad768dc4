from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from gateway.runtime import Runtime
from gateway.settings import Settings
from tests.apptest import seeded_gateway


@pytest.fixture
async def gateway(migrated_database_url: str) -> AsyncIterator[tuple[httpx.AsyncClient, Runtime]]:
    settings = Settings(database_url=migrated_database_url, public_base_url="https://pay.example")
    async with seeded_gateway(settings) as pair:
        yield pair


@pytest.fixture
def client(gateway: tuple[httpx.AsyncClient, Runtime]) -> httpx.AsyncClient:
    return gateway[0]
