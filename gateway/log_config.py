"""The process's logging: one structlog pipeline that every record goes through.

The gateway's own loggers, uvicorn's and SQLAlchemy's are plain `logging` loggers; the
root handler formats their records with structlog's ProcessorFormatter, so each line,
whoever wrote it, carries the same fields: timestamp (ISO 8601, UTC), level, logger,
event, the request's bound context (request id, app id) and anything passed as
`extra`, with secrets redacted (gateway.log_redaction) last, after tracebacks are
rendered into text. `json` writes one JSON object a line; `console` writes the same
fields for a person at a terminal.
"""

from __future__ import annotations

import logging
import sys
from typing import TextIO

import structlog
from structlog.typing import EventDict, Processor

from gateway.log_redaction import redact_secrets

LOG_FORMATS = ("json", "console")
LOG_LEVELS = ("critical", "error", "warning", "info", "debug")
# Loggers that a server may have given handlers of their own (uvicorn's dictConfig):
# their records go to the root handler instead, once.
_FIRST = ("timestamp", "level", "logger", "event", "request_id", "app_id")
_SERVER_ACCESS_LOGGER = "uvicorn.access"
_SERVER_LOGGERS = ("uvicorn", "uvicorn.error", _SERVER_ACCESS_LOGGER, "uvicorn.asgi")


class GatewayLogHandler(logging.StreamHandler[TextIO]):
    """Writes to `stream`, or to whatever sys.stderr is at the time of each record."""

    def __init__(self, stream: TextIO | None = None) -> None:
        super().__init__(stream)
        self._fixed = stream

    @property
    def stream(self) -> TextIO:
        return self._fixed if self._fixed is not None else sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:
        self._fixed = value


def _shared() -> list[Processor]:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True, key="timestamp"),
    ]


def _without_formatter_fields(_logger: object, _method: str, event_dict: EventDict) -> EventDict:
    # Another handler's Formatter (pytest's, a server's) may have set these on the record
    # first (`extra` can never hold them); uvicorn passes its message again with colours.
    for name in ("message", "asctime", "color_message"):
        event_dict.pop(name, None)
    return event_dict


def _leading_fields(_logger: object, _method: str, event_dict: EventDict) -> EventDict:
    """The fields every line has, first and in one order; then the rest as they came."""
    first = {key: event_dict.pop(key) for key in _FIRST if key in event_dict}
    return {**first, **event_dict}


def _renderer(log_format: str) -> Processor:
    if log_format == "console":
        return structlog.dev.ConsoleRenderer(
            colors=False, exception_formatter=structlog.dev.plain_traceback
        )
    return structlog.processors.JSONRenderer()


def configure_logging(level: str, log_format: str, stream: TextIO | None = None) -> None:
    """Routes every logger of the process through structlog at `level` (LOG_LEVEL) in
    `log_format` (LOG_FORMAT). Calling it again replaces the earlier configuration."""
    if log_format not in LOG_FORMATS:
        raise ValueError(f"log format must be one of {', '.join(LOG_FORMATS)}: {log_format!r}")
    structlog.configure(
        processors=[
            *_shared(),
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[
            *_shared(),
            structlog.stdlib.ExtraAdder(),
            _without_formatter_fields,
        ],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            redact_secrets,
            _leading_fields,
            _renderer(log_format),
        ],
    )
    handler = GatewayLogHandler(stream)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    for existing in [h for h in root.handlers if isinstance(h, GatewayLogHandler)]:
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in _SERVER_LOGGERS:
        logging.getLogger(name).handlers.clear()
        # LOG_LEVEL governs these too: a server may have set its own level on them.
        logging.getLogger(name).setLevel(logging.NOTSET)
        # gateway.access_log writes the access line: uvicorn's stays off where uvicorn
        # turned it off (no propagation), and writes nowhere where it had a handler.
        if name != _SERVER_ACCESS_LOGGER:
            logging.getLogger(name).propagate = True
