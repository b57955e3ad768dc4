"""The engine the gateway builds: a failing statement's error, as logged, shows no
value bound to it (SQLite and PostgreSQL)."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from gateway.db.engine import build_engine
from gateway.settings import DatabasePool

VALUE = "bob.secret@example.com"


async def test_a_failing_statement_logs_without_its_parameters(
    migrated_database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    engine = build_engine(migrated_database_url, DatabasePool(size=1))
    try:
        async with engine.connect() as conn:
            with pytest.raises(DBAPIError) as failed:
                await conn.execute(
                    text("INSERT INTO no_such_table (email) VALUES (:email)"), {"email": VALUE}
                )
    finally:
        await engine.dispose()
    with caplog.at_level(logging.ERROR, logger="gateway"):
        logging.getLogger("gateway").error("unhandled error", exc_info=failed.value)
    assert "no_such_table" in caplog.text  # the statement is still there to debug with
    assert VALUE not in caplog.text
    assert VALUE not in str(failed.value)
