"""The static cost of an operation (schema.cost) and its budget (GRAPHQL_MAX_COST)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from graphql import parse

from bench.workload import CREATE_MUTATION, INVOICES_QUERY
from gateway.db.statements import count_statements
from gateway.settings import Settings
from schema.cost import measure
from schema.schema import schema
from tests.apptest import seeded_gateway
from tests.graphql.helpers import gql

BUDGET = Settings.graphql_max_cost

# 30 aliases of a page of 100 invoices, each with its items' products and its customer's
# own page of 100 invoices: what ran 39 s and answered 16 MB from 119 invoices.
PAGE = "invoices(first: 100) { edges { node { id } } }"
NODE = f"id items {{ product {{ id name }} }} customer {{ {PAGE} }}"
NESTED = f"invoices(first: 100) {{ edges {{ node {{ {NODE} }} }} }}"
ATTACK = "{ " + " ".join(f"a{n}: {NESTED}" for n in range(30)) + " }"


def cost(query: str, variables: dict[str, Any] | None = None, name: str | None = None) -> int:
    return measure(schema._schema, parse(query), name, variables or {})[0]


def test_the_cost_rule() -> None:
    assert cost("{ __typename app { id name } }") == 1  # an object 1, leaves nothing
    # a connection: 1, its lists hold `first` (default 10) items of (1 + their cost)
    assert cost("{ invoices { totalCount edges { node { id } } } }") == 1 + 10 * (1 + 1)
    assert cost("{ invoices(first: 3) { pageInfo { hasNextPage } edges { cursor } } }") == 5
    # a plain list holds DEFAULT_PAGE_SIZE items; fields of an item multiply
    assert cost('{ invoice(id: "x") { items { product { id } } } }') == 1 + 10 * (1 + 1)
    # `first` counts at most 100, from a literal, a variable or its default
    assert cost("{ products(first: 5000) { edges { cursor } } }") == 101
    assert cost("query($n: Int!) { products(first: $n) { edges { cursor } } }", {"n": 7}) == 8
    assert cost("query($n: Int! = 4) { products(first: $n) { edges { cursor } } }") == 5
    # aliases and fragment spreads count each time
    fragment = "fragment P on Query { products(first: 2) { edges { cursor } } }"
    assert cost(f"{{ a: products(first: 2) {{ edges {{ cursor }} }} ...P ...P }} {fragment}") == 9
    # introspection is free (GraphiQL's schema query must always pass)
    assert cost("{ __schema { types { name fields { name args { name } } } } }") == 0


def test_the_benchmark_and_a_nested_page_of_100_stay_within_the_budget() -> None:
    assert cost(INVOICES_QUERY, {"first": 20}) == 2 + 20 * 25
    assert cost(INVOICES_QUERY, {"first": 100}) == 2 + 100 * 25 < BUDGET
    assert cost(CREATE_MUTATION) < 100


def test_the_cost_is_linear_in_the_document() -> None:
    fragments = " ".join(f"fragment F{n} on Query {{ ...F{n + 1} ...F{n + 1} }}" for n in range(40))
    leaf = "products(first: 1) { edges { cursor } }"
    query = f"{{ ...F0 }} {fragments} fragment F40 on Query {{ {leaf} }}"
    started = time.monotonic()
    assert cost(query) == 2**40 * 2
    assert time.monotonic() - started < 1


async def test_a_costly_query_is_refused_before_it_runs(client: httpx.AsyncClient) -> None:
    await gql(client, "{ __typename }")  # authenticates: the credential is now cached
    with count_statements() as counted:
        response = await gql(client, ATTACK)
    assert counted.value == 0  # nothing ran
    assert response.status_code == 200
    body = response.json()
    assert body["data"] is None
    [error] = body["errors"]
    requested = cost(ATTACK)
    assert requested == 30 * (1 + 100 * (1 + 1 + 10 * 2 + 1 + 1 + 100 * 2))
    assert error["message"] == (
        f"Query cost {requested} exceeds the budget of {BUDGET}: "
        "ask for smaller pages (first) or fewer nested lists"
    )
    assert error["extensions"] == {"code": "QUERY_TOO_COSTLY", "cost": requested, "budget": BUDGET}


async def test_every_answer_tells_its_cost(client: httpx.AsyncClient) -> None:
    for first, expected in ((100, 2502), (20, 502), (100, 2502)):  # cached per variables
        body = (await gql(client, INVOICES_QUERY, {"first": first})).json()
        assert "errors" not in body, body
        assert body["extensions"] == {"cost": {"requested": expected, "budget": BUDGET}}
    errors = (await gql(client, '{ invoice(id: "x") { nme } }')).json()
    assert "extensions" not in errors  # an invalid document has no cost


@pytest.fixture
async def frugal(sqlite_url: str) -> AsyncIterator[httpx.AsyncClient]:
    from gateway.db.migrate import upgrade

    await asyncio.to_thread(upgrade, sqlite_url)
    settings = Settings(database_url=sqlite_url, graphql_max_cost=500)
    async with seeded_gateway(settings) as (client, _runtime):
        yield client


async def test_the_budget_is_a_setting(frugal: httpx.AsyncClient) -> None:
    body = (await gql(frugal, INVOICES_QUERY, {"first": 19})).json()
    assert body["extensions"] == {"cost": {"requested": 477, "budget": 500}}
    body = (await gql(frugal, INVOICES_QUERY, {"first": 20})).json()
    assert body["errors"][0]["extensions"] == {
        "code": "QUERY_TOO_COSTLY",
        "cost": 502,
        "budget": 500,
    }
    assert Settings.from_env({"GRAPHQL_MAX_COST": "2500"}).graphql_max_cost == 2500
    assert Settings.from_env({}).graphql_max_cost == BUDGET == 10_000
