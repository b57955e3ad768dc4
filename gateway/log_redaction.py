"""Keeps bearer tokens out of the logs: a payment link or tracking URL's token is as
good as the link itself, so an access log line must not carry it."""

from __future__ import annotations

import logging
import re

# The public pages whose last path segment is a token (gateway.links).
_TOKEN_PATHS = re.compile(r"(/(?:pay|t/o|t/c)/)[^/?#\s\"]+")
REDACTED = "[redacted]"
ACCESS_LOGGER = "uvicorn.access"


def redact_tokens(text: str) -> str:
    """`text` with the token of every payment or tracking path in it masked."""
    return _TOKEN_PATHS.sub(rf"\g<1>{REDACTED}", text)


class RedactTokens(logging.Filter):
    """Masks tokens in a record's message and its string arguments; drops nothing."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact_tokens(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(
                redact_tokens(arg) if isinstance(arg, str) else arg for arg in record.args
            )
        return True


def install_token_redaction(logger_name: str = ACCESS_LOGGER) -> None:
    """Adds RedactTokens to the logger once (uvicorn's access log by default)."""
    logger = logging.getLogger(logger_name)
    if not any(isinstance(existing, RedactTokens) for existing in logger.filters):
        logger.addFilter(RedactTokens())
