"""CORS for browser frontends: off by default; on, preflights are answered before the
API guard and actual answers carry the allow-origin and exposed headers."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from gateway.runtime import Runtime
from gateway.settings import CorsPolicy, Settings, SettingsError
from tests.apptest import DEMO_HEADERS, basic_invoice, seeded_gateway

FRONTEND = "https://app.example.com"
OTHER = "https://evil.example"
INVOICES = "/api/v0/invoices"
EXPOSED = (
    "X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, RateLimit, "
    "RateLimit-Policy, Retry-After, ETag, Idempotent-Replayed, X-Request-Id, "
    "Content-Disposition"
)
ALLOWED_HEADERS = (
    "Accept, Accept-Language, Content-Language, Content-Type, idempotency-key, if-match, "
    "x-client-key, x-client-secret, x-idempotency-key, x-request-id"
)
VARY = (
    "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, "
    "Access-Control-Request-Private-Network"
)
Gateway = tuple[httpx.AsyncClient, Runtime]


def preflight(origin: str, method: str, headers: str) -> dict[str, str]:
    return {
        "Origin": origin,
        "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": headers,
    }


def cors_headers(response: httpx.Response) -> dict[str, str]:
    return {
        name: value
        for name, value in response.headers.items()
        if name.startswith("access-control-")
    }


async def open_gateway(
    database_url: str, redis_url: str, env: dict[str, str]
) -> AsyncIterator[Gateway]:
    settings = Settings(
        database_url=database_url,
        redis_url=redis_url,
        rate_limit_per_minute=10,
        cors=CorsPolicy.from_env(env),
    )
    async with seeded_gateway(settings) as pair:
        yield pair


@pytest.fixture
async def gateway(migrated_database_url: str, redis_url: str) -> AsyncIterator[Gateway]:
    async for pair in open_gateway(
        migrated_database_url,
        redis_url,
        {"CORS_ALLOW_ORIGINS": f"{FRONTEND}, http://localhost:3000"},
    ):
        yield pair


@pytest.fixture
async def closed_gateway(migrated_database_url: str, redis_url: str) -> AsyncIterator[Gateway]:
    async for pair in open_gateway(migrated_database_url, redis_url, {}):
        yield pair


async def test_off_by_default(closed_gateway: Gateway) -> None:
    client, _runtime = closed_gateway
    assert not Settings.from_env({}).cors.enabled

    asked = await client.options(
        INVOICES, headers=preflight(FRONTEND, "POST", "x-client-key,x-client-secret")
    )
    assert asked.status_code == 401
    assert cors_headers(asked) == {}

    listed = await client.get(INVOICES, headers={**DEMO_HEADERS, "Origin": FRONTEND})
    assert listed.status_code == 200
    assert cors_headers(listed) == {}
    assert "vary" not in listed.headers


async def test_a_preflight_needs_no_credentials_and_spends_no_slot(gateway: Gateway) -> None:
    client, _runtime = gateway
    for path in (INVOICES, f"{INVOICES}/inv_1/payments", "/graphql"):
        asked = await client.options(
            path,
            headers=preflight(
                FRONTEND, "POST", "content-type, x-client-key, x-client-secret, idempotency-key"
            ),
        )
        assert asked.status_code == 200, asked.text
        assert asked.text == "OK"
        assert cors_headers(asked) == {
            "access-control-allow-origin": FRONTEND,
            "access-control-allow-methods": "GET, POST, PUT, PATCH, DELETE",
            "access-control-allow-headers": ALLOWED_HEADERS,
            "access-control-max-age": "600",
        }
        assert asked.headers["vary"] == VARY
        assert "x-ratelimit-remaining" not in asked.headers

    edit = await client.options(
        f"{INVOICES}/inv_1", headers=preflight("http://localhost:3000", "PUT", "if-match")
    )
    assert edit.status_code == 200
    assert edit.headers["access-control-allow-origin"] == "http://localhost:3000"

    first = await client.get(INVOICES, headers=DEMO_HEADERS)
    assert first.headers["x-ratelimit-remaining"] == "9"


async def test_a_preflight_from_another_origin_is_not_allowed(gateway: Gateway) -> None:
    client, _runtime = gateway
    asked = await client.options(INVOICES, headers=preflight(OTHER, "POST", "x-client-key"))
    assert asked.status_code == 400
    assert asked.text == "Disallowed CORS origin"
    assert "access-control-allow-origin" not in asked.headers

    header = await client.options(INVOICES, headers=preflight(FRONTEND, "POST", "x-api-key"))
    assert header.status_code == 400
    assert header.text == "Disallowed CORS headers"

    method = await client.options(INVOICES, headers=preflight(FRONTEND, "QUERY", "x-client-key"))
    assert method.status_code == 400
    assert method.text == "Disallowed CORS method"


async def test_rest_answers_carry_the_origin_and_the_exposed_headers(gateway: Gateway) -> None:
    client, _runtime = gateway
    headers = {**DEMO_HEADERS, "Origin": FRONTEND, "Idempotency-Key": str(uuid.uuid4())}
    created = await client.post(INVOICES, json=basic_invoice(), headers=headers)
    assert created.status_code == 201, created.text
    assert cors_headers(created) == {
        "access-control-allow-origin": FRONTEND,
        "access-control-expose-headers": EXPOSED,
    }
    assert created.headers["vary"] == "Origin"
    assert created.headers["x-ratelimit-remaining"] == "9"

    replayed = await client.post(INVOICES, json=basic_invoice(), headers=headers)
    assert replayed.status_code == 201
    assert replayed.headers["idempotent-replayed"] == "true"
    assert replayed.headers["access-control-allow-origin"] == FRONTEND

    invoice_id = created.json()["id"]
    read = await client.get(
        f"{INVOICES}/{invoice_id}", headers={**DEMO_HEADERS, "Origin": FRONTEND}
    )
    assert read.headers["etag"] == f'"{invoice_id}-1"'
    assert read.headers["access-control-allow-origin"] == FRONTEND

    # The guard's refusals are readable by the frontend too.
    refused = await client.get(INVOICES, headers={"Origin": FRONTEND})
    assert refused.status_code == 401
    assert cors_headers(refused) == {
        "access-control-allow-origin": FRONTEND,
        "access-control-expose-headers": EXPOSED,
    }


async def test_graphql_answers_carry_the_origin(gateway: Gateway) -> None:
    client, _runtime = gateway
    answer = await client.post(
        "/graphql",
        json={"query": "{ __typename }"},
        headers={**DEMO_HEADERS, "Origin": FRONTEND},
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["data"] == {"__typename": "Query"}
    assert cors_headers(answer) == {
        "access-control-allow-origin": FRONTEND,
        "access-control-expose-headers": EXPOSED,
    }
    assert answer.headers["x-request-id"]


async def test_another_origin_gets_no_allow_origin(gateway: Gateway) -> None:
    client, _runtime = gateway
    answer = await client.get(INVOICES, headers={**DEMO_HEADERS, "Origin": OTHER})
    # The browser withholds the answer from the other site's script.
    assert answer.status_code == 200
    assert "access-control-allow-origin" not in answer.headers
    assert answer.headers["vary"] == "Origin"


def test_the_policy_from_the_environment() -> None:
    policy = CorsPolicy.from_env(
        {
            "CORS_ALLOW_ORIGINS": "https://App.Example.com, http://localhost:3000,",
            "CORS_ALLOW_METHODS": "get, post",
            "CORS_ALLOW_HEADERS": "X-Client-Key, X-Client-Secret",
            "CORS_MAX_AGE": "0",
        }
    )
    assert policy == CorsPolicy(
        allow_origins=("https://app.example.com", "http://localhost:3000"),
        allow_methods=("GET", "POST"),
        allow_headers=("x-client-key", "x-client-secret"),
        max_age_seconds=0,
    )
    assert CorsPolicy.from_env({"CORS_ALLOW_ORIGINS": ""}) == CorsPolicy()


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"CORS_ALLOW_ORIGINS": "*"},
            "CORS_ALLOW_ORIGINS: '*' is not an origin (scheme://host[:port], no path, no wildcard)",
        ),
        (
            {"CORS_ALLOW_ORIGINS": "https://app.example.com/"},
            "CORS_ALLOW_ORIGINS: 'https://app.example.com/' is not an origin"
            " (scheme://host[:port], no path, no wildcard)",
        ),
        (
            {"CORS_ALLOW_ORIGINS": "app.example.com"},
            "CORS_ALLOW_ORIGINS: 'app.example.com' is not an origin"
            " (scheme://host[:port], no path, no wildcard)",
        ),
        (
            {"CORS_ALLOW_ORIGINS": "https://*.example.com"},
            "CORS_ALLOW_ORIGINS: 'https://*.example.com' is not an origin"
            " (scheme://host[:port], no path, no wildcard)",
        ),
        (
            {"CORS_ALLOW_METHODS": "GET, TRACE"},
            "CORS_ALLOW_METHODS: 'TRACE' is not one of GET, HEAD, POST, PUT, PATCH, DELETE",
        ),
        ({"CORS_ALLOW_HEADERS": "*"}, "CORS_ALLOW_HEADERS: '*' is not a header name"),
        ({"CORS_ALLOW_HEADERS": "x client"}, "CORS_ALLOW_HEADERS: 'x client' is not a header name"),
        ({"CORS_MAX_AGE": "-1"}, "CORS_MAX_AGE must be 0 or more, got -1"),
    ],
)
def test_a_policy_the_gateway_cannot_use_is_refused(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError) as refused:
        Settings.from_env(env)
    assert str(refused.value) == message
