"""Every metric the gateway and the worker record, built once per process.

Built on first use rather than at import: prometheus_client picks its value store
(in memory, or files under PROMETHEUS_MULTIPROC_DIR) when a metric is created, and
`invoice-gateway serve` sets that directory only after the modules are imported.
Labels stay few and bounded: route templates, methods, statuses, capped operation
names, channels and outcomes; never a raw path, id or key.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from prometheus_client import Counter, Gauge, Histogram

PREFIX = "invoice_gateway"

# Seconds: from a cached read (~1 ms) to a request near the body-read timeout.
LATENCY_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
# schema.cost: a single object costs 1, a page of 100 invoices with relations ~2500.
COST_BUCKETS = (1, 5, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10_000)
# Seconds a due message waited for a worker: a poll interval is 1 s by default.
LAG_BUCKETS = (0.1, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0)


@dataclass(frozen=True)
class Families:
    http_requests: Counter
    http_duration: Histogram
    graphql_operations: Counter
    graphql_duration: Histogram
    graphql_cost: Histogram
    db_pool_in_use: Gauge
    db_pool_waiting: Gauge
    redis_errors: Counter
    rate_limit_refusals: Counter
    idempotent_replays: Counter
    deliveries: Counter
    worker_lag: Histogram


@functools.cache
def families() -> Families:
    return Families(
        http_requests=Counter(
            f"{PREFIX}_http_requests",
            "HTTP requests answered, by route template, method and status.",
            ["route", "method", "status"],
        ),
        http_duration=Histogram(
            f"{PREFIX}_http_request_duration_seconds",
            "Time from a request's arrival to the end of its response, by route template.",
            ["route", "method"],
            buckets=LATENCY_BUCKETS,
        ),
        graphql_operations=Counter(
            f"{PREFIX}_graphql_operations",
            "GraphQL operations answered, by operation name and HTTP status.",
            ["operation", "status"],
        ),
        graphql_duration=Histogram(
            f"{PREFIX}_graphql_operation_duration_seconds",
            "Time to answer a GraphQL operation, by operation name.",
            ["operation"],
            buckets=LATENCY_BUCKETS,
        ),
        graphql_cost=Histogram(
            f"{PREFIX}_graphql_query_cost",
            "The cost (schema.cost) of the GraphQL operations that were checked.",
            ["operation"],
            buckets=COST_BUCKETS,
        ),
        db_pool_in_use=Gauge(
            f"{PREFIX}_db_pool_connections_in_use",
            "Database connections checked out of the pool.",
            multiprocess_mode="livesum",
        ),
        db_pool_waiting=Gauge(
            f"{PREFIX}_db_pool_waiting",
            "Requests waiting for a database connection from the pool.",
            multiprocess_mode="livesum",
        ),
        redis_errors=Counter(
            f"{PREFIX}_redis_errors",
            "Store operations that failed because Redis could not answer.",
        ),
        rate_limit_refusals=Counter(
            f"{PREFIX}_rate_limit_refusals",
            "Requests refused with 429 by the per-client rate limit.",
        ),
        idempotent_replays=Counter(
            f"{PREFIX}_idempotent_replays",
            "Creates answered with a stored response for a repeated idempotency key.",
        ),
        deliveries=Counter(
            f"{PREFIX}_outbox_deliveries",
            "Outbox delivery attempts by channel and outcome (delivered, retried, dead, "
            "lost_lease).",
            ["channel", "outcome"],
        ),
        worker_lag=Histogram(
            f"{PREFIX}_worker_lag_seconds",
            "How late a worker picked up a message after it became due.",
            buckets=LAG_BUCKETS,
        ),
    )
