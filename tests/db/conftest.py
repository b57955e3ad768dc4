"""A runtime on a migrated database (SQLite and PostgreSQL), seeded with the demo app."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from gateway.runtime import Runtime
from gateway.services.demo import seed_demo
from gateway.settings import Settings


@pytest.fixture
async def seeded_runtime(migrated_database_url: str) -> AsyncIterator[Runtime]:
    rt = Runtime.open(Settings(database_url=migrated_database_url))
    await seed_demo(rt)
    try:
        yield rt
    finally:
        await rt.close()
