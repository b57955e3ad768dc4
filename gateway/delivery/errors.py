"""Errors raised by the delivery channels.

The worker is the only caller that interprets them:

    DeliveryFailed(reason, retryable=True)   -> try again later, with backoff
    DeliveryFailed(reason, retryable=False)  -> give up on this outbox row
"""

from __future__ import annotations


class DeliveryFailed(Exception):
    """One attempt to deliver an outbox message did not succeed."""

    def __init__(self, reason: str, retryable: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable

    def __repr__(self) -> str:
        return f"DeliveryFailed({self.reason!r}, retryable={self.retryable})"
