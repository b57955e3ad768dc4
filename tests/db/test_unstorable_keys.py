"""Lookups by a key no database can hold, on SQLite and PostgreSQL: a NUL (PostgreSQL's
text refuses it) or a lone surrogate (not UTF-8: both refuse it) names no row, and the
lookup answers "missing" instead of failing. Over HTTP a surrogate never gets this far
(JSON bodies and GraphQL variables are refused by orjson, URL paths are decoded with
replacement): these are the guards every surface relies on."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from gateway.db import reads, repositories, tracking, webhook_endpoints
from gateway.db.rows import CustomerRow, InvoiceRow, ProductRow
from gateway.db.tables import Customer, Invoice
from gateway.runtime import Runtime
from gateway.services.demo import CUSTOMER_ID, DEMO_APP_ID, DEMO_CLIENT_KEY

UNSTORABLE = [
    pytest.param("\x00", id="nul"),
    pytest.param("\ud800", id="surrogate"),
]


@pytest.mark.parametrize("bad", UNSTORABLE)
async def test_rows_by_id_answer_none_for_an_unstorable_id(
    seeded_runtime: Runtime, bad: str
) -> None:
    async with seeded_runtime.sessions() as session:
        rows = await reads.rows_by_ids(
            session, CustomerRow, DEMO_APP_ID, [CUSTOMER_ID, f"{CUSTOMER_ID}{bad}"]
        )
        assert [row and row.id for row in rows] == [CUSTOMER_ID, None]
        assert await reads.row_by_id(session, ProductRow, DEMO_APP_ID, bad) is None
        assert await reads.row_by_id(session, InvoiceRow, DEMO_APP_ID, f"inv_{bad}") is None
        objects = await repositories.get_many(
            session, Customer, DEMO_APP_ID, [f"x{bad}", CUSTOMER_ID]
        )
        assert [obj and obj.id for obj in objects] == [None, CUSTOMER_ID]
        assert await repositories.get_one(session, Invoice, DEMO_APP_ID, bad) is None


@pytest.mark.parametrize("bad", UNSTORABLE)
async def test_keys_and_tokens_name_nothing(seeded_runtime: Runtime, bad: str) -> None:
    async with seeded_runtime.sessions() as session:
        assert await reads.invoice_by_payment_token(session, f"tok{bad}") is None
        assert await reads.invoice_by_tracking_token(session, f"tok{bad}") is None
        assert await reads.invoice_by_idempotency_key(session, DEMO_APP_ID, bad) is None
        credential = await repositories.credential_by_client_key(session, DEMO_CLIENT_KEY + bad)
        assert credential is None
        assert await webhook_endpoints.webhook_endpoint(session, DEMO_APP_ID, bad) is None
        disabled = await webhook_endpoints.disable_webhook_endpoint(
            session, DEMO_APP_ID, f"whep_{bad}", "test"
        )
        assert disabled is False
        now = datetime.now(UTC)
        await tracking.record_first_open(session, f"tok{bad}", now)
        await tracking.record_first_click(session, f"tok{bad}", now)
        await session.commit()
