"""gateway.log_config and gateway.log_redaction: every logger's records become one line
each, in JSON or for the console, with secrets and personal data masked; LOG_LEVEL and
LOG_FORMAT from the environment."""

from __future__ import annotations

import logging

import pytest
import structlog

from gateway.settings import Settings, SettingsError
from tests.logs.capture import captured_log_lines

SECRET_FIELDS = {
    "headers": {
        "x-client-secret": "cs_live_abc",
        "Authorization": "Basic dXNlcjpwYXNz",
        "Cookie": "session=s1",
        "content-type": "application/json",
    },
    "email": "grace@example.com",
    "webhook_secret": "whsec_c2VjcmV0",
    "raw_headers": [["set-cookie", "s2"], ["accept", "*/*"]],
    "customer": {"customer_email": "hopper@example.com", "name": "Grace Hopper"},
}


def test_known_secret_fields_and_secrets_in_text_are_masked_tracebacks_included() -> None:
    with captured_log_lines() as lines:
        try:
            raise RuntimeError("signing with whsec_c2VjcmV0 for ada@example.com failed")
        except RuntimeError:
            logging.getLogger("gateway.delivery.webhooks").warning(
                "delivery to %s failed (Authorization: Bearer tok.en-1)",
                "ada@example.com",
                exc_info=True,
                extra=SECRET_FIELDS,
            )
    [line] = lines.all()
    assert line["event"] == "delivery to [redacted] failed (Authorization: [redacted])"
    assert line["headers"] == {
        "x-client-secret": "[redacted]",
        "Authorization": "[redacted]",
        "Cookie": "[redacted]",
        "content-type": "application/json",
    }
    assert line["email"] == line["webhook_secret"] == "[redacted]"
    assert line["raw_headers"] == [["set-cookie", "[redacted]"], ["accept", "*/*"]]
    assert line["customer"] == {"customer_email": "[redacted]", "name": "Grace Hopper"}
    assert "RuntimeError: signing with [redacted] for [redacted] failed" in line["exception"]
    for secret in ("whsec_", "cs_live", "dXNlcjpwYXNz", "s1", "s2", "@example.com", "tok.en"):
        assert secret not in lines.text


def test_payment_and_tracking_tokens_are_masked_in_any_line() -> None:
    with captured_log_lines() as lines:
        logging.getLogger("gunicorn.access").info(
            '%s - "GET %s HTTP/1.1" %d', "127.0.0.1:5000", "/pay/Zm9vYmFyYmF6?x=1", 200
        )
        logging.getLogger("gateway.tracking").info("opened /t/o/abcdef.gif and /t/c/qwerty")
    assert [line["event"] for line in lines.all()] == [
        '127.0.0.1:5000 - "GET /pay/[redacted]?x=1 HTTP/1.1" 200',
        "opened /t/o/[redacted] and /t/c/[redacted]",
    ]


def test_structlog_loggers_and_bound_context_share_the_pipeline() -> None:
    with captured_log_lines() as lines:
        structlog.contextvars.bind_contextvars(request_id="r-1", app_id="app_1")
        structlog.stdlib.get_logger("gateway.example").info("paid", amount="10.00", token="t0k")
        logging.getLogger("sqlalchemy.pool").warning("pool %s exhausted", "main")
        logging.getLogger("gateway.example").debug("not at this level")
    first, second = lines.all()
    assert {k: v for k, v in first.items() if k != "timestamp"} == {
        "level": "info",
        "logger": "gateway.example",
        "event": "paid",
        "request_id": "r-1",
        "app_id": "app_1",
        "amount": "10.00",
        "token": "[redacted]",
    }
    assert (second["level"], second["logger"], second["event"]) == (
        "warning",
        "sqlalchemy.pool",
        "pool main exhausted",
    )
    assert second["request_id"] == "r-1"


def test_the_console_format_has_the_same_fields_for_a_person() -> None:
    with captured_log_lines(log_format="console") as lines:
        structlog.contextvars.bind_contextvars(request_id="r-2")
        logging.getLogger("gateway.access").info(
            "request", extra={"status": 201, "email": "ada@example.com"}
        )
    [text] = lines.text.splitlines()
    assert "[info     ] request" in text
    assert "[gateway.access]" in text
    assert "request_id=r-2" in text and "status=201" in text and "email=[redacted]" in text
    assert "ada@example.com" not in text


def test_uvicorns_access_log_gives_way_to_the_gateways() -> None:
    access = logging.getLogger("uvicorn.access")
    before = (list(access.handlers), access.propagate)
    # As uvicorn's own logging configuration leaves it: a handler, no propagation.
    access.handlers[:] = [logging.StreamHandler()]
    access.propagate = False
    try:
        with captured_log_lines() as lines:
            access.warning('127.0.0.1:5000 - "GET / HTTP/1.1" 200')
            logging.getLogger("uvicorn.error").info("Started server process [1]")
            # uvicorn writes access lines only when this logger reaches a handler.
            assert not access.hasHandlers()
    finally:
        access.handlers[:], access.propagate = before
    assert [line["logger"] for line in lines.all()] == ["uvicorn.error"]


def test_log_level_filters_every_logger() -> None:
    with captured_log_lines(level="warning") as lines:
        logging.getLogger("gateway.access").info("request")
        logging.getLogger("uvicorn.error").warning("shutting down")
    assert [line["event"] for line in lines.all()] == ["shutting down"]


def test_log_format_and_level_come_from_the_environment() -> None:
    assert (Settings.from_env({}).log_format, Settings.from_env({}).log_level) == ("json", "info")
    chosen = Settings.from_env({"LOG_FORMAT": "Console", "LOG_LEVEL": "WARNING"})
    assert (chosen.log_format, chosen.log_level) == ("console", "warning")
    with pytest.raises(SettingsError, match="LOG_FORMAT must be one of json, console, got 'xml'"):
        Settings.from_env({"LOG_FORMAT": "xml"})
    with pytest.raises(SettingsError, match="LOG_LEVEL must be one of critical, error, warning"):
        Settings.from_env({"LOG_LEVEL": "loud"})
