"""Idempotency records and rate-limit counters: one protocol, two implementations."""
