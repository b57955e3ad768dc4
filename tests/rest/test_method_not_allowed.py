"""405 Method Not Allowed: an `Allow` field listing every method the path takes (RFC 9110
15.5.6), the NestJS error body, and no rate-limit slot spent on it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest

from gateway.allowed_methods import allowed_methods
from gateway.app import create_app
from gateway.runtime import Runtime
from gateway.settings import Settings
from tests.apptest import DEMO_HEADERS, seeded_gateway

LIMIT = 3

# (method, path, Allow): paths served by one route or by several.
REFUSED = [
    ("DELETE", "/api/v0/invoices", "GET, HEAD, POST"),
    ("POST", "/api/v0/invoices/inv_x", "DELETE, GET, HEAD, PATCH, PUT"),
    ("GET", "/api/v0/invoices/inv_x/void", "POST"),
    ("DELETE", "/api/v0/invoices/inv_x/mark_uncollectible", "POST"),
    ("GET", "/api/v0/invoices/inv_x/send", "POST"),
    ("GET", "/api/v0/invoices/inv_x/payments", "POST"),
    ("POST", "/api/v0/invoices/inv_x/pdf", "GET, HEAD"),
    ("POST", "/api/v0/openapi.json", "GET, HEAD"),
    ("PUT", "/graphql", "GET, POST"),
    ("HEAD", "/graphql", "GET, POST"),
    ("POST", "/graphql/assets/graphiql.min.css", "GET, HEAD"),
    ("POST", "/pay/sometoken", "GET, HEAD"),
    ("DELETE", "/t/c/sometoken", "GET, HEAD"),
    ("POST", "/t/o/sometoken.gif", "GET, HEAD"),
    ("POST", "/healthz", "GET, HEAD"),
]


@pytest.fixture
async def gateway(sqlite_url: str) -> AsyncIterator[tuple[httpx.AsyncClient, Runtime]]:
    from gateway.db.migrate import upgrade

    await asyncio.to_thread(upgrade, sqlite_url)
    settings = Settings(database_url=sqlite_url, rate_limit_per_minute=LIMIT)
    async with seeded_gateway(settings) as pair:
        yield pair


@pytest.mark.parametrize(("method", "path", "allow"), REFUSED)
async def test_405_names_the_allowed_methods_and_spends_no_slot(
    gateway: tuple[httpx.AsyncClient, Runtime], method: str, path: str, allow: str
) -> None:
    client, _runtime = gateway
    # More refused requests than the limit allows: none of them is a 429.
    for _ in range(LIMIT + 2):
        response = await client.request(method, path, headers=DEMO_HEADERS)
        assert response.status_code == 405, response.text
        assert response.headers["allow"] == allow
        if method != "HEAD":
            assert response.headers["content-type"] == "application/json"
            assert response.json() == {
                "statusCode": 405,
                "message": "Method Not Allowed",
                "error": "Method Not Allowed",
            }
    counted = await client.get("/api/v0/invoices", headers=DEMO_HEADERS)
    assert counted.status_code == 200
    assert counted.headers["x-ratelimit-remaining"] == str(LIMIT - 1)


async def test_credentials_are_checked_before_the_method(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, _runtime = gateway
    response = await client.delete("/api/v0/invoices/inv_x")
    assert response.status_code == 401
    assert "allow" not in response.headers


@pytest.mark.parametrize("root_path", ["", "/gateway"])
def test_allowed_methods_behind_a_root_path_too(root_path: str) -> None:
    routes = create_app(Settings(database_url="sqlite+aiosqlite:///unused.db")).routes

    def ask(method: str, path: str) -> list[str] | None:
        scope = {"type": "http", "method": method, "path": root_path + path}
        return allowed_methods(routes, {**scope, "root_path": root_path})

    assert ask("POST", "/api/v0/invoices/inv_x") == ["DELETE", "GET", "HEAD", "PATCH", "PUT"]
    assert ask("PATCH", "/api/v0/invoices/inv_x") is None
    assert ask("PUT", "/graphql") == ["GET", "POST"]
    assert ask("POST", "/graphql") is None
    assert ask("POST", "/graphql/assets/graphiql.min.css") is None  # StaticFiles' own 405
    assert ask("GET", "/nowhere") is None
