"""createInvoice's idempotency: the argument or the header, as the REST shim does it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import func
from sqlmodel import select

from gateway.db.tables import Invoice
from gateway.runtime import Runtime
from gateway.services import create_invoice as create_invoice_service
from tests.apptest import DEMO_HEADERS, basic_invoice
from tests.graphql.helpers import CREATE, create, gql, invoice_input


async def invoice_count(runtime: Runtime) -> int:
    async with runtime.sessions() as session:
        return (await session.exec(select(func.count()).select_from(Invoice))).one()


async def test_same_key_and_input_return_the_same_invoice(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, runtime = gateway
    first = await create(client, key="k-1")
    again = await create(client, key="k-1")
    assert first["replayed"] is False and again["replayed"] is True
    assert again["invoice"] == first["invoice"]
    assert await invoice_count(runtime) == 1


async def test_the_header_works_like_the_argument(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, runtime = gateway
    variables = {"input": invoice_input()}
    for header in ("x-idempotency-key", "Idempotency-Key"):
        response = await gql(client, CREATE, variables, headers={header: "k-header"})
        payload = response.json()["data"]["createInvoice"]
        assert payload["userErrors"] == []
    assert await invoice_count(runtime) == 1
    # the argument names the same key
    assert (await create(client, key="k-header"))["replayed"] is True


async def test_same_key_with_other_input_is_a_user_error(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, runtime = gateway
    await create(client, key="k-reused")
    other = await create(client, key="k-reused", name="Another name")
    assert other["invoice"] is None
    assert other["userErrors"] == [
        {
            "field": ["idempotencyKey"],
            "message": "This idempotency key was already used with a different request body",
            "code": "IDEMPOTENCY_KEY_REUSED",
        }
    ]
    assert await invoice_count(runtime) == 1


async def test_a_key_used_on_rest_is_another_request_here(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, runtime = gateway
    rest = await client.post(
        "/api/v0/invoices",
        json=basic_invoice(),
        headers={**DEMO_HEADERS, "x-idempotency-key": "k-shared"},
    )
    assert rest.status_code == 201
    here = await create(client, key="k-shared")
    assert [error["code"] for error in here["userErrors"]] == ["IDEMPOTENCY_KEY_REUSED"]
    assert await invoice_count(runtime) == 1


async def test_a_failed_request_releases_its_key(client: httpx.AsyncClient) -> None:
    bad = await create(client, key="k-fail", items=[{"product_id": "prod_x", "quantity": 1}])
    assert [error["code"] for error in bad["userErrors"]] == ["PRODUCT_NOT_FOUND"]
    fixed = await create(client, key="k-fail")
    assert fixed["userErrors"] == [] and fixed["replayed"] is False


@pytest.mark.parametrize("key", ["", "x" * 256, "tab\there"])
async def test_malformed_keys_are_invalid_input(client: httpx.AsyncClient, key: str) -> None:
    payload = await create(client, key=key)
    assert payload["userErrors"] == [
        {
            "field": ["idempotencyKey"],
            "message": "idempotencyKey must be 1 to 255 printable characters",
            "code": "INVALID_INPUT",
        }
    ]


async def test_a_key_still_in_flight_is_a_user_error(
    gateway: tuple[httpx.AsyncClient, Runtime], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, runtime = gateway
    entered, release = asyncio.Event(), asyncio.Event()
    original: Callable[..., Awaitable[Any]] = create_invoice_service.create_invoice

    async def slow_create(*args: Any) -> Any:
        entered.set()
        await release.wait()
        return await original(*args)

    monkeypatch.setattr(create_invoice_service, "create_invoice", slow_create)
    first = asyncio.create_task(create(client, key="k-busy"))
    await asyncio.wait_for(entered.wait(), 10)
    busy = await create(client, key="k-busy")
    assert busy["invoice"] is None
    assert [(e["code"], e["field"]) for e in busy["userErrors"]] == [
        ("IDEMPOTENCY_IN_FLIGHT", ["idempotencyKey"])
    ]
    release.set()
    done = await asyncio.wait_for(first, 10)
    assert done["userErrors"] == []
    assert await invoice_count(runtime) == 1


async def test_concurrent_duplicates_create_one_invoice(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, runtime = gateway
    payloads = await asyncio.gather(*(create(client, key="k-dup") for _ in range(10)))
    created = {p["invoice"]["id"] for p in payloads if p["invoice"] is not None}
    assert len(created) == 1
    for payload in payloads:
        assert payload["invoice"] is not None or [e["code"] for e in payload["userErrors"]] == [
            "IDEMPOTENCY_IN_FLIGHT"
        ]
    assert await invoice_count(runtime) == 1
