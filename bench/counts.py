"""In-process work before the load runs: seed the page's invoices; count per request, over
SQL_SAMPLE requests through httpx's ASGITransport: SQL statements
(gateway.db.statements.count_statements(); the baseline's engine gets the same counter),
pool checkouts (a "checkout" listener) and Redis commands on the bench's database
(MONITOR, bench.redis_tally); check that the baseline's page JSON is the gateway's."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import event
from starlette.applications import Starlette
from starlette.types import Receive, Scope, Send

from bench import workload
from bench.baseline import create_bare_app
from bench.redis_tally import RedisTally
from bench.workload import KEY, RequestTemplate
from gateway.app import create_app
from gateway.db.statements import count_statements, install_statement_counter
from gateway.services.demo import seed_demo
from gateway.settings import Settings

PAGE_SIZES = (5, 20, 100)
SEED_INVOICES = 120  # > 100: the first-100 page is full and has a next page
SQL_SAMPLE = 10  # requests per count

_checkouts: ContextVar[list[int] | None] = ContextVar("bench_checkouts", default=None)


def _on_checkout(*_args: Any) -> None:
    box = _checkouts.get()
    if box is not None:
        box[0] += 1


@dataclass(frozen=True)
class Counted:
    """Per request: SQL statements, pool checkouts, Redis commands (top level, in scripts)."""

    sql: float
    connections: float
    redis: float
    redis_in_scripts: float


@dataclass
class SqlCounts:
    rest_create: Counted | None = None
    graphql_create: Counted | None = None
    bare_create: Counted | None = None
    gateway_page: dict[int, Counted] = field(default_factory=dict)
    bare_page: dict[int, Counted] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@asynccontextmanager
async def in_process(app: Starlette) -> AsyncIterator[tuple[httpx.AsyncClient, dict[str, Any]]]:
    """The app with its lifespan entered, behind an httpx client (no server, no socket)."""
    async with app.router.lifespan_context(app) as state:
        assert state is not None

        async def with_state(scope: Scope, receive: Receive, send: Send) -> None:
            scope["state"] = dict(state)
            await app(scope, receive, send)

        transport = httpx.ASGITransport(app=with_state)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench.local") as client:
            yield client, dict(state)


async def send(client: httpx.AsyncClient, template: RequestTemplate, key: str) -> Any:
    """Sends the template with KEY replaced; returns the JSON answer, failing on errors."""
    headers = {name: value.replace(KEY, key) for name, value in template.headers.items()}
    body = template.body.replace(KEY.encode(), key.encode())
    answer = await client.request(template.method, template.path, headers=headers, content=body)
    data = answer.json()
    payload = data.get("data", {}).get("createInvoice") if isinstance(data, dict) else None
    if answer.is_error or "errors" in data or (payload and payload["userErrors"]):
        raise RuntimeError(f"{template.method} {template.path}: {answer.status_code} {data}")
    return data


async def per_request(
    client: httpx.AsyncClient, template: RequestTemplate, tally: RedisTally, prefix: str
) -> Counted:
    await tally.take()
    box = [0]
    token = _checkouts.set(box)
    try:
        with count_statements() as counted:
            for number in range(SQL_SAMPLE):
                await send(client, template, f"{prefix}-{number}")
    finally:
        _checkouts.reset(token)
    redis = await tally.take()
    inside = sum(calls for name, calls in redis.items() if name.startswith("lua:"))
    top = sum(redis.values()) - inside
    return Counted(*(value / SQL_SAMPLE for value in (counted.value, box[0], top, inside)))


@asynccontextmanager
async def _apps(
    settings: Settings, redis_url: str
) -> AsyncIterator[tuple[httpx.AsyncClient, httpx.AsyncClient, RedisTally]]:
    """The gateway and the baseline in-process, counters attached, the demo app seeded."""
    gateway_app, bare_app = create_app(settings), create_bare_app(settings)
    async with (
        in_process(gateway_app) as (gateway, state),
        in_process(bare_app) as (bare, own),
        RedisTally(redis_url) as tally,
    ):
        await seed_demo(state["runtime"])
        install_statement_counter(own["bare"].engine)
        for engine in (state["runtime"].engine, own["bare"].engine):
            event.listen(engine.sync_engine.pool, "checkout", _on_checkout)
        yield gateway, bare, tally


async def count_page(settings: Settings, redis_url: str) -> SqlCounts:
    """Seeds the SEED_INVOICES invoices the page scenarios read (and nothing else: the
    creates are counted later, by count_creates, after the page scenarios ran), counts the
    page per size and checks the baseline's page JSON against the gateway's."""
    result = SqlCounts()
    async with _apps(settings, redis_url) as (gateway, bare, tally):
        for number in range(SEED_INVOICES):  # the invoices the nested page shows
            await send(gateway, workload.rest_create(), f"seed-{number}")
        for size in PAGE_SIZES:
            page = workload.graphql_invoices(size)
            result.gateway_page[size] = await per_request(gateway, page, tally, "")
            result.bare_page[size] = await per_request(
                bare, workload.bare_invoices(size), tally, ""
            )
        mine = await send(bare, workload.bare_invoices(), "")
        theirs = await send(gateway, workload.graphql_invoices(), "")
        if mine != theirs:
            result.notes.append("WARNING: the baseline's page JSON differs from the gateway's")
        else:
            result.notes.append("baseline page JSON == gateway page JSON (checked in-process)")
    return result


async def count_creates(settings: Settings, redis_url: str, result: SqlCounts) -> None:
    """Counts the creates (each a real create: 50 more invoices in the demo app)."""
    async with _apps(settings, redis_url) as (gateway, bare, tally):
        bare_create = workload.rest_create(workload.BARE_CREATE_PATH)
        await per_request(bare, bare_create, tally, "warm-b")
        await per_request(gateway, workload.graphql_create(), tally, "warm-g")
        result.rest_create = await per_request(gateway, workload.rest_create(), tally, "sql-r")
        result.graphql_create = await per_request(
            gateway, workload.graphql_create(), tally, "sql-g"
        )
        result.bare_create = await per_request(bare, bare_create, tally, "sql-b")
