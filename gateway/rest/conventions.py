"""v0 conventions the routes and the OpenAPI document share."""

from __future__ import annotations

DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 100
# On a response replayed for a repeated idempotency key.
REPLAY_HEADER = "Idempotent-Replayed"
