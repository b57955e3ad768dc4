"""/graphql over HTTP: authentication, rate limit, GET rules, GraphiQL page, encoding."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import orjson
import pytest

from gateway.runtime import Runtime
from gateway.settings import Settings
from tests.apptest import DEMO_HEADERS, seeded_gateway
from tests.graphql.helpers import CREATE, answer, gql, invoice_input

TYPENAME = "{ __typename }"


@pytest.fixture
async def limited(sqlite_url: str) -> AsyncIterator[httpx.AsyncClient]:
    from gateway.db.migrate import upgrade

    await asyncio.to_thread(upgrade, sqlite_url)
    settings = Settings(database_url=sqlite_url, rate_limit_per_minute=3)
    async with seeded_gateway(settings) as (client, _runtime):
        yield client


async def test_operations_need_credentials(client: httpx.AsyncClient) -> None:
    unauthenticated = [
        await client.post("/graphql", json={"query": TYPENAME}),
        await client.get("/graphql", params={"query": TYPENAME}),
        # %71 is "q": a query parameter the guard's byte match would not see
        await client.get("/graphql?%71uery=%7B__typename%7D", headers={"accept": "*/*"}),
        await client.get("/graphql", headers={"accept": "application/json"}),
        await client.put("/graphql", json={"query": TYPENAME}),
    ]
    for response in unauthenticated:
        assert response.status_code == 401, response.request.url
        assert response.json()["message"] == "Invalid or missing API credentials"


async def test_rate_limit_applies_to_graphql(limited: httpx.AsyncClient) -> None:
    statuses = [(await gql(limited, TYPENAME)).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    refused = await limited.get("/graphql", params={"query": TYPENAME}, headers=DEMO_HEADERS)
    assert refused.status_code == 429
    assert refused.json()["message"] == "Rate limit exceeded. Maximum 3 requests per minute."
    assert refused.headers["x-ratelimit-remaining"] == "0"
    # the GraphiQL page itself is not an operation and is not counted
    assert (await limited.get("/graphql", headers={"accept": "text/html"})).status_code == 200


async def test_responses_carry_rate_limit_and_request_id_headers(
    client: httpx.AsyncClient,
) -> None:
    response = await gql(client, TYPENAME)
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-ratelimit-limit"] == "100"
    assert len(response.headers["x-request-id"]) == 32
    assert response.content == orjson.dumps(answer({"__typename": "Query"}))


async def test_queries_over_get_but_never_mutations(client: httpx.AsyncClient) -> None:
    ok = await client.get("/graphql", params={"query": TYPENAME}, headers=DEMO_HEADERS)
    assert ok.status_code == 200 and ok.json() == answer({"__typename": "Query"})
    mutation = await client.get(
        "/graphql",
        params={"query": CREATE, "variables": orjson.dumps({"input": invoice_input()}).decode()},
        headers=DEMO_HEADERS,
    )
    assert mutation.status_code == 400
    assert "mutations are not allowed" in mutation.text.lower()


async def test_batching_and_uploads_are_off(client: httpx.AsyncClient) -> None:
    batch = await client.post(
        "/graphql", json=[{"query": TYPENAME}, {"query": TYPENAME}], headers=DEMO_HEADERS
    )
    assert batch.status_code == 400
    assert "batching is not enabled" in batch.text.lower()
    upload = await client.post(
        "/graphql",
        files={"operations": (None, '{"query": "{ __typename }"}'), "map": (None, "{}")},
        headers=DEMO_HEADERS,
    )
    assert upload.status_code == 400


@pytest.mark.parametrize("raw", [b"{not json", b"", b"null", b'"text"'])
async def test_malformed_bodies_get_400(client: httpx.AsyncClient, raw: bytes) -> None:
    response = await client.post(
        "/graphql", content=raw, headers={**DEMO_HEADERS, "content-type": "application/json"}
    )
    assert response.status_code == 400


async def test_a_browser_gets_graphiql_with_local_assets(client: httpx.AsyncClient) -> None:
    page = await client.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "unpkg.com" not in page.text and "cdn" not in page.text.lower()
    assets = [
        "graphiql.min.css",
        "react.production.min.js",
        "react-dom.production.min.js",
        "graphiql.min.js",
        "graphiql-init.js",
    ]
    for asset in assets:
        assert f"/graphql/assets/{asset}" in page.text
        response = await client.get(f"/graphql/assets/{asset}", headers={"accept-encoding": "gzip"})
        assert response.status_code == 200, asset
        assert len(response.content) > 100
    zipped = await client.get(
        "/graphql/assets/graphiql.min.js", headers={"accept-encoding": "gzip"}
    )
    assert zipped.headers["content-encoding"] == "gzip"


async def test_introspection_is_on_by_default(gateway: tuple[httpx.AsyncClient, Runtime]) -> None:
    client, runtime = gateway
    assert runtime.settings.graphql_introspection is True
    body = (await gql(client, "{ __schema { queryType { name } } }")).json()
    assert body == answer({"__schema": {"queryType": {"name": "Query"}}})
