"""One createInvoice, traced: the request's span, its GraphQL operation's span, its SQL
and Redis spans, and the worker's delivery of its webhook are one trace, and the
receiver is handed that trace's context. Off, nothing is traced or carried."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
from opentelemetry.instrumentation.redis import RedisInstrumentor
from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from gateway.delivery.worker import WorkerCounts, run_once
from gateway.runtime import Runtime
from gateway.tracing.settings import TraceSettings
from tests.apptest import seeded_gateway
from tests.delivery.harness import (
    Receiver,
    add_endpoint,
    delivery_settings,
    outbox,
    running_receiver,
)
from tests.graphql.helpers import CREATE, gql, invoice_input

TRACED = TraceSettings.from_env({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector.invalid:4318"})
WITH_RESOLVERS = TraceSettings.from_env(
    {"OTEL_TRACES_EXPORTER": "otlp", "OTEL_GRAPHQL_RESOLVER_SPANS": "true"}
)
SQL = "opentelemetry.instrumentation.sqlalchemy"
REDIS = "opentelemetry.instrumentation.redis"
HTTPX = "opentelemetry.instrumentation.httpx"
ASGI = "opentelemetry.instrumentation.asgi"

Gateway = tuple[httpx.AsyncClient, Runtime, Receiver]


@asynccontextmanager
async def gateway(
    database_url: str, redis_url: str, tracing: TraceSettings
) -> AsyncIterator[Gateway]:
    settings = delivery_settings(database_url, redis_url=redis_url, tracing=tracing)
    async with running_receiver() as receiver, seeded_gateway(settings) as (client, runtime):
        await add_endpoint(runtime, receiver, "a")
        yield client, runtime, receiver


async def create_invoice(client: httpx.AsyncClient) -> str:
    # A draft: its only outbox message is the invoice.created webhook.
    response = await gql(client, CREATE, {"input": invoice_input(status="DRAFT")})
    assert response.status_code == 200, response.text
    payload = response.json()["data"]["createInvoice"]
    assert payload["userErrors"] == []
    return str(payload["invoice"]["id"])


def of_scope(spans: Sequence[ReadableSpan], scope: str) -> list[ReadableSpan]:
    return [s for s in spans if s.instrumentation_scope and s.instrumentation_scope.name == scope]


def named(spans: Sequence[ReadableSpan], name: str) -> ReadableSpan:
    [span] = [s for s in spans if s.name == name]
    return span


def parent_id(span: ReadableSpan) -> int | None:
    return span.parent.span_id if span.parent else None


def traceparent(trace_id: int, span: ReadableSpan) -> str:
    assert span.context is not None
    assert span.context.trace_flags.sampled
    return f"00-{trace_id:032x}-{span.context.span_id:016x}-{span.context.trace_flags:02x}"


def statement(span: ReadableSpan) -> str:
    attributes: Any = span.attributes or {}
    return str(attributes.get("db.statement") or attributes.get("db.query.text") or "")


def inserts_into(spans: Sequence[ReadableSpan], table: str) -> list[ReadableSpan]:
    return [s for s in of_scope(spans, SQL) if statement(s).startswith(f"INSERT INTO {table} ")]


async def test_create_invoice_and_its_webhook_delivery_are_one_trace(
    migrated_database_url: str, redis_url: str, spans: InMemorySpanExporter
) -> None:
    async with gateway(migrated_database_url, redis_url, TRACED) as (client, runtime, receiver):
        spans.clear()  # seeding and the endpoint's creation ran outside any request
        invoice_id = await create_invoice(client)
        request = spans.get_finished_spans()

        operation = named(request, "mutation Create")
        assert operation.context is not None
        trace_id = operation.context.trace_id
        assert {s.context.trace_id for s in request if s.context} == {trace_id}
        assert dict(operation.attributes or {}) == {
            "graphql.operation.type": "mutation",
            "graphql.operation.name": "Create",
        }
        server = named(request, "POST /graphql")
        assert (server.kind, server.parent, server.instrumentation_scope.name) == (
            SpanKind.SERVER,
            None,
            ASGI,
        )
        assert parent_id(operation) == server.context.span_id
        # Nothing of the resolvers unless asked.
        assert [s.name for s in request if s.name.startswith("resolve ")] == []

        [insert] = inserts_into(request, "invoice")
        assert parent_id(insert) == operation.context.span_id
        redis = of_scope(request, REDIS)
        assert redis != []
        assert {s.attributes["db.system"] for s in redis if s.attributes} == {"redis"}

        [message] = await outbox(runtime, invoice_id=invoice_id)
        assert message.trace_context is not None
        assert json.loads(message.trace_context) == {
            "traceparent": traceparent(trace_id, operation)
        }

        spans.clear()
        counts = await run_once(runtime)
        assert counts == WorkerCounts(delivered=1)
        worker = spans.get_finished_spans()

    delivery = named(worker, "deliver webhook invoice.created")
    assert delivery.context is not None
    assert (delivery.kind, delivery.context.trace_id) == (SpanKind.CONSUMER, trace_id)
    assert parent_id(delivery) == operation.context.span_id
    assert dict(delivery.attributes or {}) == {
        "outbox.message_id": message.id,
        "outbox.channel": "webhook",
        "outbox.event_type": "invoice.created",
        "outbox.attempt": 1,
    }
    [post] = of_scope(worker, HTTPX)
    assert post.kind is SpanKind.CLIENT
    assert parent_id(post) == delivery.context.span_id
    attributes: Any = post.attributes
    url = attributes.get("url.full") or attributes.get("http.url")
    assert url == f"{receiver.base_url}/[redacted]"
    delivery_sql = [s for s in of_scope(worker, SQL) if s.context.trace_id == trace_id]
    assert {parent_id(s) for s in delivery_sql} == {delivery.context.span_id}
    assert len(inserts_into(delivery_sql, "webhook_attempt")) == 1

    [received] = receiver.accepted
    assert received.invoice_id == invoice_id
    assert received.traceparent == traceparent(trace_id, post)


async def test_a_traced_page_has_a_span_for_each_of_its_reads(
    migrated_database_url: str, redis_url: str, spans: InMemorySpanExporter
) -> None:
    """Traced, a request's reads go through SQLAlchemy (not gateway.db.direct_reads), so
    each has its span: the page and its customers, here."""
    async with gateway(migrated_database_url, redis_url, TRACED) as (client, _, _):
        await create_invoice(client)
        spans.clear()
        query = "{ invoices(first: 5) { edges { node { id customer { name } } } } }"
        response = await gql(client, query)
        assert response.status_code == 200 and "errors" not in response.json()
        request = spans.get_finished_spans()
    selects = [statement(s) for s in of_scope(request, SQL) if statement(s).startswith("SELECT")]
    assert any("FROM invoice" in text for text in selects), selects
    assert any("FROM customer" in text for text in selects), selects


async def test_resolver_spans_when_asked(
    migrated_database_url: str, redis_url: str, spans: InMemorySpanExporter
) -> None:
    async with gateway(migrated_database_url, redis_url, WITH_RESOLVERS) as (client, _, _):
        spans.clear()
        await create_invoice(client)
        request = spans.get_finished_spans()

    operation = named(request, "mutation Create")
    resolver = named(request, "resolve Mutation.createInvoice")
    assert operation.context is not None and resolver.context is not None
    assert parent_id(resolver) == operation.context.span_id
    assert dict(resolver.attributes or {}) == {"graphql.field.path": "createInvoice"}
    [insert] = inserts_into(request, "invoice")
    assert parent_id(insert) == resolver.context.span_id


async def test_off_nothing_is_traced_or_carried(
    migrated_database_url: str, redis_url: str, spans: InMemorySpanExporter
) -> None:
    off = TraceSettings.from_env({})
    assert not off.enabled
    async with gateway(migrated_database_url, redis_url, off) as (client, runtime, receiver):
        invoice_id = await create_invoice(client)
        [message] = await outbox(runtime, invoice_id=invoice_id)
        assert await run_once(runtime) == WorkerCounts(delivered=1)

    # The SDK is listening (the fixture's provider), yet nothing made a span.
    assert spans.get_finished_spans() == ()
    assert message.trace_context is None
    [received] = receiver.accepted
    assert received.traceparent is None
    for instrumentor in (HTTPXClientInstrumentor(), RedisInstrumentor(), SQLAlchemyInstrumentor()):
        assert not instrumentor.is_instrumented_by_opentelemetry


@pytest.mark.parametrize("name", ["/pay/tok_secret_123", "/t/o/tok_secret_456"])
async def test_tokens_stay_out_of_server_spans(
    migrated_database_url: str, redis_url: str, spans: InMemorySpanExporter, name: str
) -> None:
    async with gateway(migrated_database_url, redis_url, TRACED) as (client, _, _):
        spans.clear()
        response = await client.get(name)
        assert response.status_code == 404
        finished = spans.get_finished_spans()

    [server] = [s for s in finished if s.kind is SpanKind.SERVER]
    redacted = name.rsplit("/", 1)[0] + "/[redacted]"
    assert server.name == f"GET {redacted}"
    assert "tok_secret" not in json.dumps(
        [dict(s.attributes or {}) for s in finished] + [s.name for s in finished]
    )
