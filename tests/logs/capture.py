"""The process's log lines as the gateway writes them (gateway.log_config), captured."""

from __future__ import annotations

import contextlib
import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import structlog

from gateway.log_config import GatewayLogHandler, configure_logging

# The loggers configure_logging changes besides the root.
_SERVER_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi")


class CapturedLines:
    def __init__(self, stream: io.StringIO) -> None:
        self.stream = stream

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    def all(self) -> list[dict[str, Any]]:
        """Every line, parsed (each must be one JSON object)."""
        return [json.loads(line) for line in self.text.splitlines()]

    def access(self) -> list[dict[str, Any]]:
        return [line for line in self.all() if line["logger"] == "gateway.access"]


@contextlib.contextmanager
def logging_restored() -> Iterator[None]:
    """Whatever configure_logging does inside (a test, or `main()` run in-process), the
    process's logging is as it was afterwards."""
    root = logging.getLogger()
    level = root.level
    servers = [logging.getLogger(name) for name in _SERVER_LOGGERS]
    before = [(logger, list(logger.handlers), logger.propagate) for logger in servers]
    try:
        yield
    finally:
        for handler in [h for h in root.handlers if isinstance(h, GatewayLogHandler)]:
            root.removeHandler(handler)
        root.setLevel(level)
        for logger, handlers, propagate in before:
            logger.handlers[:] = handlers
            logger.propagate = propagate
        structlog.reset_defaults()
        structlog.contextvars.clear_contextvars()


@contextlib.contextmanager
def captured_log_lines(level: str = "info", log_format: str = "json") -> Iterator[CapturedLines]:
    stream = io.StringIO()
    with logging_restored():
        configure_logging(level, log_format, stream)
        yield CapturedLines(stream)
