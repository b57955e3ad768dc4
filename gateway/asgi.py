"""The ASGI entry point for uvicorn (`factory=True`): settings read when it is called."""

from __future__ import annotations

from starlette.applications import Starlette

from gateway.app import create_app
from gateway.log_config import configure_logging
from gateway.settings import Settings


def app_from_env() -> Starlette:
    settings = Settings.from_env()
    # Each uvicorn worker process configures its own logging (a spawned process
    # inherits none).
    configure_logging(settings.log_level, settings.log_format)
    return create_app(settings)
