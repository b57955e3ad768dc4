"""Prometheus metrics: what is measured (families), where (http, operations, pool,
outbox), and the listener that serves them (exposition)."""
