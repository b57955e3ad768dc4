"""Idempotency records, rate-limit counters and persisted GraphQL documents: one
protocol, two implementations."""
