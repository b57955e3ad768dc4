"""Automatic persisted queries on /graphql (schema.persisted_queries): the client's flow
over POST and GET, on the in-process store and on Redis, and every refusal."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import orjson
import pytest
import redis.asyncio

from gateway.runtime import Runtime
from gateway.services.demo import CUSTOMER_ID
from gateway.settings import Settings
from gateway.store.redis_store import RedisStore
from schema.persisted_queries import (
    PersistedQueryNotFound,
    PersistedQueryStoreUnavailable,
    resolve_persisted_query,
)
from tests.apptest import DEMO_HEADERS, seeded_gateway
from tests.graphql.helpers import CREATE, invoice_input

CUSTOMER = """
query Customer($id: ID!) { customer(id: $id) { name email } }
query App { app { name currency } }
"""
JOHN = {"customer": {"name": "John Doe", "email": "client@example.com"}}
GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
NOT_FOUND = {
    "errors": [
        {"message": "PersistedQueryNotFound", "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}
    ]
}


def sha(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


def apq(document: str, version: object = 1) -> dict[str, Any]:
    return {"persistedQuery": {"version": version, "sha256Hash": sha(document)}}


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
def gateway_settings(request: pytest.FixtureRequest, sqlite_url: str) -> Callable[..., Settings]:
    """Settings on a fresh SQLite database, with the in-process store or Redis."""
    redis_url = request.getfixturevalue("redis_url") if request.param == "redis" else None

    def settings(**overrides: Any) -> Settings:
        return Settings(database_url=sqlite_url, redis_url=redis_url, **overrides)

    return settings


@pytest.fixture
async def gateway(
    gateway_settings: Callable[..., Settings], sqlite_url: str
) -> AsyncIterator[tuple[httpx.AsyncClient, Runtime]]:
    from gateway.db.migrate import upgrade

    await asyncio.to_thread(upgrade, sqlite_url)
    async with seeded_gateway(gateway_settings()) as pair:
        yield pair


@pytest.fixture
def client(gateway: tuple[httpx.AsyncClient, Runtime]) -> httpx.AsyncClient:
    return gateway[0]


async def post(
    client: httpx.AsyncClient, body: dict[str, Any], accept: str | None = None
) -> httpx.Response:
    headers = {**DEMO_HEADERS, **({"accept": accept} if accept else {})}
    return await client.post("/graphql", json=body, headers=headers)


async def get(
    client: httpx.AsyncClient, params: dict[str, Any], accept: str = "*/*"
) -> httpx.Response:
    """A GET as Apollo Client sends one: variables and extensions JSON-encoded."""
    encoded = {k: v if isinstance(v, str) else orjson.dumps(v).decode() for k, v in params.items()}
    return await client.get("/graphql", params=encoded, headers={**DEMO_HEADERS, "accept": accept})


def assert_data(response: httpx.Response, expected: dict[str, Any]) -> None:
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    assert body["data"] == expected


def assert_error(response: httpx.Response, status: int, code: str, message: str = "") -> None:
    """A request error as the media type asks: graphql-response+json has the status and
    no data; application/json is a 200 with `"data": null`."""
    body = response.json()
    if response.headers["content-type"].startswith(GRAPHQL_RESPONSE_JSON):
        assert response.status_code == status, response.text
        assert "data" not in body
    else:
        assert response.headers["content-type"] == "application/json"
        assert response.status_code == 200, response.text
        assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"] == {"code": code}
    assert message in error["message"]
    assert response.headers["cache-control"] == "private, no-cache, must-revalidate"


# ------------------------------------------------------------------ the client flow


@pytest.mark.parametrize("accept", [None, GRAPHQL_RESPONSE_JSON])
async def test_the_client_flow_over_post(client: httpx.AsyncClient, accept: str | None) -> None:
    hashed = {"extensions": apq(CUSTOMER), "variables": {"id": CUSTOMER_ID}}
    hashed["operationName"] = "Customer"

    missed = await post(client, hashed, accept)

    assert missed.status_code == 200  # whatever the media type: the client retries
    expected = NOT_FOUND if accept else {"data": None, **NOT_FOUND}
    assert missed.json() == expected
    assert missed.headers["cache-control"] == "private, no-cache, must-revalidate"
    assert_data(await post(client, {**hashed, "query": CUSTOMER}, accept), JOHN)
    assert_data(await post(client, hashed, accept), JOHN)  # the hash alone now


async def test_the_client_flow_over_get(client: httpx.AsyncClient) -> None:
    hashed = {
        "operationName": "Customer",
        "variables": {"id": CUSTOMER_ID},
        "extensions": apq(CUSTOMER),
    }

    missed = await get(client, hashed)  # Accept */*: still an operation, not GraphiQL

    assert missed.status_code == 200
    assert missed.json() == {"data": None, **NOT_FOUND}
    assert_data(await get(client, {**hashed, "query": CUSTOMER}), JOHN)
    hit = await get(client, hashed, accept=f"{GRAPHQL_RESPONSE_JSON}, application/json;q=0.9")
    assert_data(hit, JOHN)
    assert hit.headers["content-type"].startswith(GRAPHQL_RESPONSE_JSON)


async def test_a_document_registered_over_post_serves_gets(client: httpx.AsyncClient) -> None:
    query = "{ app { name } }"
    plain = (await post(client, {"query": query})).json()["data"]
    assert plain["app"]["name"]
    assert_data(await post(client, {"query": query, "extensions": apq(query)}), plain)
    assert_data(await get(client, {"extensions": apq(query)}), plain)


async def test_variables_and_operation_name_apply_to_the_stored_document(
    client: httpx.AsyncClient,
) -> None:
    register = {"query": CUSTOMER, "extensions": apq(CUSTOMER), "operationName": "App"}
    registered = (await post(client, register)).json()["data"]
    assert set(registered["app"]) == {"name", "currency"}

    other_id = {"id": "00000000-0000-0000-0000-000000000000"}
    by_hash = {"extensions": apq(CUSTOMER), "operationName": "Customer"}
    assert_data(await post(client, {**by_hash, "variables": {"id": CUSTOMER_ID}}), JOHN)
    assert_data(await get(client, {**by_hash, "variables": other_id}), {"customer": None})
    assert_data(await post(client, {**by_hash, "operationName": "App"}), registered)
    # No name: what the same document sent whole answers, request error and all.
    unnamed = await post(client, {"extensions": apq(CUSTOMER)}, GRAPHQL_RESPONSE_JSON)
    whole = await post(client, {"query": CUSTOMER}, GRAPHQL_RESPONSE_JSON)
    assert unnamed.status_code == whole.status_code == 400
    assert unnamed.json() == whole.json()


async def test_requests_without_the_extension_are_unchanged(client: httpx.AsyncClient) -> None:
    other = {"query": CUSTOMER, "variables": {"id": CUSTOMER_ID}, "operationName": "Customer"}
    assert_data(await post(client, {**other, "extensions": {"tracing": True}}), JOHN)
    assert_data(await get(client, other), JOHN)
    # Nothing was registered by them.
    assert (await post(client, {"extensions": apq(CUSTOMER)})).json()["errors"] == (
        NOT_FOUND["errors"]
    )


# ---------------------------------------------------------------------- refusals


@pytest.mark.parametrize("accept", [None, GRAPHQL_RESPONSE_JSON])
async def test_a_query_that_does_not_match_its_hash_is_refused(
    client: httpx.AsyncClient, accept: str | None
) -> None:
    hijack = "{ app { id name } }"
    body = {"query": hijack, "extensions": apq(CUSTOMER), "variables": {"id": CUSTOMER_ID}}

    for refused in (await post(client, body, accept), await get(client, body, accept or "*/*")):
        assert_error(refused, 400, "PERSISTED_QUERY_HASH_MISMATCH", "provided sha does not match")

    # Nothing was stored under the hash: it still names no document.
    missed = await post(client, {"extensions": apq(CUSTOMER), "variables": {"id": CUSTOMER_ID}})
    assert missed.json()["errors"] == NOT_FOUND["errors"]


@pytest.mark.parametrize("version", [2, 0, "1", 1.0, True, None])
async def test_a_version_other_than_1_is_refused(
    client: httpx.AsyncClient, version: object
) -> None:
    query = "{ __typename }"
    for body in (
        {"extensions": apq(query, version)},
        {"query": query, "extensions": apq(query, version)},
    ):
        for accept in (None, GRAPHQL_RESPONSE_JSON):
            refused = await post(client, body, accept)
            assert_error(refused, 400, "PERSISTED_QUERY_UNSUPPORTED_VERSION", "version must be 1")


@pytest.mark.parametrize(
    "persisted_query",
    [
        None,
        "abc",
        [1],
        {"version": 1},
        {"version": 1, "sha256Hash": 12},
        {"version": 1, "sha256Hash": "a" * 63},
        {"version": 1, "sha256Hash": "g" * 64},
        {"version": 1, "sha256Hash": sha("{ __typename }") + "0"},
    ],
)
async def test_a_malformed_extension_is_refused(
    client: httpx.AsyncClient, persisted_query: object
) -> None:
    body = {"query": "{ __typename }", "extensions": {"persistedQuery": persisted_query}}
    for method in (post, get):
        refused = await method(client, body, GRAPHQL_RESPONSE_JSON)
        assert_error(refused, 400, "PERSISTED_QUERY_INVALID", "persistedQuery")


async def test_an_uppercase_hash_names_the_same_document(client: httpx.AsyncClient) -> None:
    query = "{ __typename }"
    upper = {"persistedQuery": {"version": 1, "sha256Hash": sha(query).upper()}}
    assert_data(await post(client, {"query": query, "extensions": upper}), {"__typename": "Query"})
    assert_data(await get(client, {"extensions": apq(query)}), {"__typename": "Query"})


async def test_extensions_that_are_no_json_object_get_400(client: httpx.AsyncClient) -> None:
    for raw in ("{not json", "[1]", '"text"'):
        response = await client.get(
            "/graphql", params={"extensions": raw}, headers={**DEMO_HEADERS, "accept": "*/*"}
        )
        assert response.status_code == 400, (raw, response.text)


async def test_a_mutation_never_runs_over_get(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, _runtime = gateway
    variables = {"input": invoice_input()}
    by_hash = {"extensions": apq(CREATE), "variables": variables}
    assert (await get(client, by_hash)).json()["errors"] == NOT_FOUND["errors"]

    sent = await get(client, {**by_hash, "query": CREATE})
    assert sent.status_code == 400
    assert "mutations are not allowed" in sent.text.lower()
    # Registered (it matches its hash) but not run; over POST it runs, over GET never.
    created = await post(client, by_hash)
    assert created.status_code == 200, created.text
    assert created.json()["data"]["createInvoice"]["invoice"]["status"] == "OPEN"
    refused = await get(client, by_hash)
    assert refused.status_code == 400
    assert "mutations are not allowed" in refused.text.lower()
    count = await post(client, {"query": "{ invoices(first: 100) { edges { node { id } } } }"})
    assert len(count.json()["data"]["invoices"]["edges"]) == 1


async def test_hash_only_gets_need_credentials_and_are_no_page(client: httpx.AsyncClient) -> None:
    params = {"extensions": orjson.dumps(apq("{ __typename }")).decode()}
    for accept in ("*/*", "text/html", "application/json"):
        response = await client.get("/graphql", params=params, headers={"accept": accept})
        assert response.status_code == 401, accept
        assert response.json()["message"] == "Invalid or missing API credentials"


# --------------------------------------------------------------- settings, store


async def test_a_document_over_the_size_limit_is_refused(
    gateway_settings: Callable[..., Settings], sqlite_url: str
) -> None:
    from gateway.db.migrate import upgrade

    await asyncio.to_thread(upgrade, sqlite_url)
    fits = "{ __typename }" + " " * 86  # 100 bytes
    too_large = "{ __typename }" + " " * 87
    async with seeded_gateway(gateway_settings(persisted_query_max_bytes=100)) as (client, _):
        ok = await post(client, {"query": fits, "extensions": apq(fits)})
        assert_data(ok, {"__typename": "Query"})
        refused = await post(
            client, {"query": too_large, "extensions": apq(too_large)}, GRAPHQL_RESPONSE_JSON
        )
        assert_error(refused, 413, "PAYLOAD_TOO_LARGE", "must not exceed 100 bytes")
        # Without APQ the same document is no persisted query, and runs.
        assert_data(await post(client, {"query": too_large}), {"__typename": "Query"})


async def test_a_document_is_forgotten_after_its_ttl(
    gateway_settings: Callable[..., Settings], sqlite_url: str
) -> None:
    from gateway.db.migrate import upgrade

    await asyncio.to_thread(upgrade, sqlite_url)
    query = "{ __typename }"
    settings = gateway_settings(persisted_query_ttl_seconds=1)
    async with seeded_gateway(settings) as (client, _):
        assert_data(
            await post(client, {"query": query, "extensions": apq(query)}), {"__typename": "Query"}
        )
        assert_data(await post(client, {"extensions": apq(query)}), {"__typename": "Query"})

        await asyncio.sleep(1.1)

        assert (await post(client, {"extensions": apq(query)})).json() == {
            "data": None,
            **NOT_FOUND,
        }


@pytest.mark.redis
async def test_redis_holds_the_document_for_the_configured_ttl(
    redis_url: str, sqlite_url: str
) -> None:
    from gateway.db.migrate import upgrade

    await asyncio.to_thread(upgrade, sqlite_url)
    query = "{ __typename }"
    settings = Settings(database_url=sqlite_url, redis_url=redis_url)
    async with seeded_gateway(settings) as (client, _):
        await post(client, {"query": query, "extensions": apq(query)})
    async with redis.asyncio.Redis.from_url(redis_url) as direct:
        key = f"igw:apq:{{{sha(query)}}}"
        assert await direct.get(key) == query.encode()
        ttl = await direct.ttl(key)
    assert Settings.persisted_query_ttl_seconds - 10 <= ttl <= Settings.persisted_query_ttl_seconds


async def test_an_unreachable_store_refuses_lookups_but_runs_sent_documents() -> None:
    store = RedisStore.from_url("redis://127.0.0.1:1/0")  # nothing listens on port 1
    query = "{ __typename }"
    try:
        with pytest.raises(PersistedQueryStoreUnavailable):
            await resolve_persisted_query(store, {"extensions": apq(query)}, Settings())
        found = await resolve_persisted_query(
            store, {"query": query, "extensions": apq(query)}, Settings()
        )
        assert found is not None and found.text == query and found.sha256 == sha(query)
    finally:
        await store.close()


def test_not_found_carries_the_message_clients_match() -> None:
    error = PersistedQueryNotFound()
    assert (error.message, error.code, error.status_code) == (
        "PersistedQueryNotFound",
        "PERSISTED_QUERY_NOT_FOUND",
        200,
    )
