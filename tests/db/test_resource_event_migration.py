"""Reverting the resources migration (0006) on SQLite and PostgreSQL drops the events
about resources other than invoices, with their delivery log, and keeps invoice events."""

from __future__ import annotations

import asyncio

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from gateway.db.migrate import downgrade, upgrade
from tests.db.test_migrations import _ROWS_BEFORE_0004

_EVENTS = [
    "INSERT INTO webhook_endpoint (id, app_id, url, secret, enabled, created_at)"
    " VALUES ('whep_1', 'app_1', 'https://hooks.example/a', 'whsec_x', true,"
    " '2026-01-01 00:00:00+00:00')",
    "INSERT INTO outbox_message (id, app_id, invoice_id, resource_type, resource_id, channel,"
    " event_type, endpoint_id, payload, status, attempts, next_attempt_at, created_at)"
    " VALUES ('msg_invoice', 'app_1', 'inv_1', 'invoice', 'inv_1', 'webhook',"
    " 'invoice.created', 'whep_1', '{}', 'delivered', 1, '2026-01-01 00:00:00+00:00',"
    " '2026-01-01 00:00:00+00:00')",
    "INSERT INTO outbox_message (id, app_id, invoice_id, resource_type, resource_id, channel,"
    " event_type, endpoint_id, payload, status, attempts, next_attempt_at, created_at)"
    " VALUES ('msg_customer', 'app_1', NULL, 'customer', 'cus_1', 'webhook',"
    " 'customer.created', 'whep_1', '{}', 'delivered', 1, '2026-01-01 00:00:00+00:00',"
    " '2026-01-01 00:00:00+00:00')",
    "INSERT INTO webhook_attempt (app_id, message_id, endpoint_id, attempt, status_code,"
    " duration_ms, created_at) VALUES ('app_1', 'msg_invoice', 'whep_1', 1, 200, 5,"
    " '2026-01-01 00:00:00+00:00')",
    "INSERT INTO webhook_attempt (app_id, message_id, endpoint_id, attempt, status_code,"
    " duration_ms, created_at) VALUES ('app_1', 'msg_customer', 'whep_1', 1, 200, 5,"
    " '2026-01-01 00:00:00+00:00')",
]


async def test_reverting_drops_resource_events_and_their_attempts(database_url: str) -> None:
    await asyncio.to_thread(upgrade, database_url, "0003")
    engine = create_async_engine(database_url, poolclass=NullPool)
    try:
        async with engine.begin() as conn:
            for statement in _ROWS_BEFORE_0004:
                await conn.execute(text(statement))
        await asyncio.to_thread(upgrade, database_url)
        async with engine.begin() as conn:
            for statement in _EVENTS:
                await conn.execute(text(statement))
        await asyncio.to_thread(downgrade, database_url, "0005")
        async with engine.connect() as conn:
            messages = (await conn.execute(text("SELECT id FROM outbox_message"))).scalars()
            attempts = (
                await conn.execute(text("SELECT message_id FROM webhook_attempt"))
            ).scalars()
            assert (list(messages), list(attempts)) == (["msg_invoice"], ["msg_invoice"])
        await asyncio.to_thread(upgrade, database_url)
    finally:
        await engine.dispose()
