"""The database lost in the middle of an operation: the field's error says
SERVICE_UNAVAILABLE (as a store outage does), nothing else of it reaches the client,
and the log says "database unreachable" without a stack trace."""

from __future__ import annotations

import logging

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from gateway.runtime import Runtime
from tests.graphql.helpers import gql
from tests.servers import free_port


async def _unreachable(*_args: object, **_kwargs: object) -> None:
    """Reads from a database nobody listens for: a real connection error."""
    engine = create_async_engine(f"postgresql+asyncpg://gateway@127.0.0.1:{free_port()}/x")
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT secret FROM invoice WHERE id = 'inv_1'"))
    finally:
        await engine.dispose()


async def test_a_read_that_finds_the_database_gone_is_service_unavailable(
    gateway: tuple[httpx.AsyncClient, Runtime],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    client, runtime = gateway
    monkeypatch.setattr("gateway.db.invoice_pages.invoices_after", _unreachable)
    with caplog.at_level(logging.INFO):
        responses = [await gql(client, "{ invoices { totalCount } }") for _ in range(3)]
    for response in responses:
        assert response.status_code == 200
        body = response.json()
        assert body["data"] is None
        assert body["errors"] == [
            {
                "message": "Service temporarily unavailable; retry later",
                "locations": [{"line": 1, "column": 3}],
                "path": ["invoices"],
                "extensions": {"code": "SERVICE_UNAVAILABLE"},
            }
        ]
    # Here the database answers again at once (the next request's authentication),
    # so each request is an outage of its own: reported, never as an internal error.
    logged = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert {r.name for r in logged} == {"gateway.database"}
    assert [r for r in logged if r.exc_info] == []
    assert runtime.database.reason == "ConnectionRefusedError"
