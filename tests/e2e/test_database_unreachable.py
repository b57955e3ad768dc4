"""Nothing listens where the database should be: every surface answers 503 with
Retry-After (HTML for the public pages; the open pixel still shows), /readyz says
why, and the log holds one line for the outage, without a stack trace."""

from __future__ import annotations

import logging

import pytest

from gateway.app import create_app
from gateway.settings import Settings
from tests.apptest import DEMO_HEADERS, basic_invoice, running
from tests.servers import free_port

UNAVAILABLE = {
    "statusCode": 503,
    "message": "Service temporarily unavailable; retry later",
    "error": "Service Unavailable",
}


async def test_every_surface_answers_503_and_the_outage_is_one_log_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = Settings(database_url=f"postgresql+asyncpg://gateway@127.0.0.1:{free_port()}/x")
    caplog.set_level(logging.INFO)
    async with running(create_app(settings)) as (client, _runtime):
        for _ in range(3):
            created = await client.post(
                "/api/v0/invoices",
                json=basic_invoice(),
                headers={**DEMO_HEADERS, "x-idempotency-key": "k-1"},
            )
            assert created.status_code == 503
            assert created.json() == UNAVAILABLE
            assert created.headers["retry-after"] == "5"
        listed = await client.get("/api/v0/invoices", headers=DEMO_HEADERS)
        assert (listed.status_code, listed.json()) == (503, UNAVAILABLE)

        graphql = await client.post(
            "/graphql", json={"query": "{ __typename }"}, headers=DEMO_HEADERS
        )
        assert (graphql.status_code, graphql.json()) == (503, UNAVAILABLE)
        assert graphql.headers["retry-after"] == "5"

        for path in ("/pay/some-token", "/t/c/some-token"):
            page = await client.get(path)
            assert page.status_code == 503
            assert page.headers["content-type"].startswith("text/html")
            assert page.headers["retry-after"] == "5"
        pixel = await client.get("/t/o/some-token.gif")
        assert (pixel.status_code, pixel.headers["content-type"]) == (200, "image/gif")

        ready = await client.get("/readyz")
        assert ready.status_code == 503
        body = ready.json()
        assert body["reason"] == "database unreachable"
        assert body["checks"] == {"database": "unreachable", "store": "ok"}
        assert "ConnectionRefusedError" in body["errors"]["database"]
        assert (await client.get("/healthz")).status_code == 200

    records = [record for record in caplog.records if record.levelno >= logging.WARNING]
    outage = [record for record in records if record.name == "gateway.database"]
    assert [record.getMessage().split(";")[0] for record in outage] == [
        "database unreachable (ConnectionRefusedError)"
    ]
    assert [record for record in records if record.exc_info] == []
