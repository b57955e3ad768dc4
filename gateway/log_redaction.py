"""Keeps secrets and personal data out of the logs.

A payment link or tracking URL's token is as good as the link itself, so no line may
carry it; nor a client secret, an Authorization or Cookie header, a webhook signing
secret or an email address, whether it comes as a field of its own (`redact_secrets`
masks the value of every field named like one, at any depth) or inside a message.
"""

from __future__ import annotations

import logging
import re
from typing import Any

# The public pages whose last path segment is a token (gateway.links).
# A route template's "{token}" is no token.
_TOKEN_PATHS = re.compile(r"(/(?:pay|t/o|t/c)/)(?!\{)[^/?#\s\"]+")
REDACTED = "[redacted]"
ACCESS_LOGGER = "uvicorn.access"
# A field whose name contains one of these holds a secret or personal data.
_SENSITIVE_NAMES = ("secret", "authorization", "cookie", "password", "token", "email")
_SECRETS_IN_TEXT = re.compile(
    r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"  # an email address
    r"|\b(?:cs|whsec)_[A-Za-z0-9_+/=-]+"  # a client secret, a webhook signing secret
    r"|\b(?:Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+",  # credentials of an Authorization header
    re.IGNORECASE,
)


def redact_tokens(text: str) -> str:
    """`text` with the token of every payment or tracking path in it masked."""
    return _TOKEN_PATHS.sub(rf"\g<1>{REDACTED}", text)


def is_sensitive_name(name: str | bytes) -> bool:
    if isinstance(name, bytes):
        name = name.decode("latin-1")
    lowered = name.lower()
    return any(part in lowered for part in _SENSITIVE_NAMES)


def redact_text(text: str) -> str:
    """`text` without payment or tracking tokens, email addresses and secrets."""
    return _SECRETS_IN_TEXT.sub(REDACTED, redact_tokens(text))


def _redact(value: Any) -> Any:
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {
            key: REDACTED if isinstance(key, str) and is_sensitive_name(key) else _redact(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        # A header list: (name, value) pairs.
        if len(value) == 2 and isinstance(value[0], str | bytes) and is_sensitive_name(value[0]):
            return (value[0], REDACTED)
        return [_redact(item) for item in value]
    return value


def redact_secrets(_logger: Any, _method: str, event_dict: Any) -> Any:
    """A structlog processor: the event with secret fields masked and every string
    scrubbed (gateway.log_config runs it last, over the rendered traceback too)."""
    redacted: dict[str, Any] = _redact(event_dict)
    return redacted


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
