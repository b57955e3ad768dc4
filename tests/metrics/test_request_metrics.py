"""Requests counted by route template and GraphQL operation name, in process."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from prometheus_client import REGISTRY

from gateway.app import create_app
from gateway.metrics.operations import ANONYMOUS, OTHER, OperationNames
from gateway.services.demo import seed_demo
from gateway.settings import Settings
from tests.apptest import DEMO_HEADERS, running


def _count(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.fixture
async def client(migrated_database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(database_url=migrated_database_url))
    async with running(app) as (client, runtime):
        await seed_demo(runtime)
        yield client


async def test_requests_are_labelled_by_template_never_by_path(client: httpx.AsyncClient) -> None:
    requests = "invoice_gateway_http_requests_total"
    by_id = {"route": "/api/v0/invoices/{invoice_id}", "method": "GET", "status": "404"}
    unmatched = {"route": "unmatched", "method": "GET", "status": "404"}
    other = {"route": "/api/v0/invoices", "method": "other", "status": "401"}
    before = [_count(requests, **labels) for labels in (by_id, unmatched, other)]
    for n in range(3):
        response = await client.get(f"/api/v0/invoices/inv_{n}", headers=DEMO_HEADERS)
        assert response.status_code == 404
    assert (await client.get("/wp-admin/x.php")).status_code == 404
    assert (await client.request("BREW", "/api/v0/invoices")).status_code == 401
    after = [_count(requests, **labels) for labels in (by_id, unmatched, other)]
    assert [a - b for a, b in zip(after, before, strict=True)] == [3, 1, 1]


async def test_operations_are_counted_by_name_with_their_cost(client: httpx.AsyncClient) -> None:
    operations = "invoice_gateway_graphql_operations_total"
    labels = {"operation": "Taxes", "status": "200"}
    before = (
        _count(operations, **labels),
        _count("invoice_gateway_graphql_query_cost_sum", operation="Taxes"),
    )
    response = await client.post(
        "/graphql",
        json={"query": "query Taxes { taxes(first: 3) { edges { node { id } } } }"},
        headers=DEMO_HEADERS,
    )
    cost = response.json()["extensions"]["cost"]["requested"]
    after = (
        _count(operations, **labels),
        _count("invoice_gateway_graphql_query_cost_sum", operation="Taxes"),
    )
    assert (after[0] - before[0], after[1] - before[1]) == (1, cost)
    bad = {"operation": ANONYMOUS, "status": "200"}
    before_bad = _count(operations, **bad)
    response = await client.post("/graphql", json={"query": "{ nope"}, headers=DEMO_HEADERS)
    assert response.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    assert _count(operations, **bad) - before_bad == 1


def test_operation_names_are_capped() -> None:
    names = OperationNames(limit=2)
    assert [names.label(n) for n in ("A", "B", "C", "A", None, "x" * 65, "1a")] == [
        "A",
        "B",
        OTHER,
        "A",
        ANONYMOUS,
        OTHER,
        OTHER,
    ]
