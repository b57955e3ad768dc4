"""invoiceEvents over graphql-transport-ws, against the gateway served by uvicorn (SQLite,
in-process bus): the handshake, credentials, tenancy, resuming, filters, the same items
as the pull feed, and a slow consumer disconnected."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from gateway.db.engine import build_engine, build_session_factory
from gateway.db.event_log import last_event_seq, prune_events
from gateway.runtime import Runtime
from gateway.services.demo import DEMO_APP_ID, seed_demo
from gateway.services.tenants import create_app_with_credential
from gateway.settings import CorsPolicy, Settings
from tests.apptest import DEMO_HEADERS, basic_invoice
from tests.browser import serving
from tests.subscription_client import (
    PROTOCOL,
    StalledSubscriber,
    acknowledged,
    close_of,
    open_socket,
    socket_url,
    subscribe,
    subscribed,
)

INVOICES = "/api/v0/invoices"
EVENTS_PAGE = (
    "query Page($after: String) { events(first: 100, after: $after) { edges { node { %s } } } }"
)


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[str, dict[str, str], str]]:
    """One gateway for the module (SQLite; pages of other origins allowed only from
    https://app.example); yields its URL, a second app's credentials and its database."""
    from gateway.db.migrate import upgrade
    from tests.servers import run_coroutine, run_in_thread

    path: Path = tmp_path_factory.mktemp("subscriptions") / "gateway.db"
    database_url = f"sqlite+aiosqlite:///{path}"
    run_in_thread(upgrade, database_url)
    settings = Settings(
        database_url=database_url,
        rate_limit_per_minute=10_000,
        subscription_queue_size=20,
        subscription_poll_seconds=0.5,
        cors=CorsPolicy(allow_origins=("https://app.example",)),
    )

    async def seeded() -> dict[str, str]:
        runtime = Runtime.open(settings)
        try:
            await seed_demo(runtime)
            other = await create_app_with_credential(runtime, "Other Business")
        finally:
            await runtime.close()
        return {
            "x-client-key": other.credential.client_key,
            "x-client-secret": other.credential.client_secret,
        }

    other = run_coroutine(seeded)
    with serving(settings, send_buffer=4096) as url:
        yield url, other, database_url


@pytest.fixture
async def http(served: tuple[str, dict[str, str], str]) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=served[0], timeout=30) as client:
        yield client


async def create_invoice(http: httpx.AsyncClient, **overrides: Any) -> dict[str, Any]:
    response = await http.post(INVOICES, json=basic_invoice(**overrides), headers=DEMO_HEADERS)
    assert response.status_code == 201, response.text
    invoice: dict[str, Any] = response.json()
    return invoice


async def last_cursor(served: tuple[str, dict[str, str], str]) -> str:
    """The cursor of the demo app's latest event ("0" when it has none), read from the
    gateway's database."""
    engine = build_engine(served[2])
    try:
        async with build_session_factory(engine)() as session:
            return str(await last_event_seq(session, DEMO_APP_ID))
    finally:
        await engine.dispose()


async def pull(http: httpx.AsyncClient, after: str, fields: str = "cursor") -> list[dict[str, Any]]:
    query = {"query": EVENTS_PAGE % fields, "variables": {"after": after}}
    response = await http.post("/graphql", json=query, headers=DEMO_HEADERS)
    body = response.json()
    assert "errors" not in body, body
    return [edge["node"] for edge in body["data"]["events"]["edges"]]


async def test_wrong_credentials_close_the_socket_with_4403(
    served: tuple[str, dict[str, str], str],
) -> None:
    url = served[0]
    wrong = {**DEMO_HEADERS, "x-client-secret": "cs_wrong"}
    for credentials in (wrong, {}, {"x-client-key": 7, "x-client-secret": None}):
        async with open_socket(url, credentials) as socket:  # type: ignore[arg-type]
            assert await close_of(socket) == (4403, "Forbidden")


async def test_subscribe_before_connection_init_closes_with_4401(
    served: tuple[str, dict[str, str], str],
) -> None:
    async with open_socket(served[0], None) as socket:
        await subscribe(socket)
        assert await close_of(socket) == (4401, "Unauthorized")


async def test_queries_and_mutations_stay_on_http(served: tuple[str, dict[str, str], str]) -> None:
    async with open_socket(served[0], DEMO_HEADERS) as socket:
        await acknowledged(socket)
        query = {"query": "{ app { name } }"}
        await socket.send(json.dumps({"id": "q", "type": "subscribe", "payload": query}))
        message = json.loads(await socket.recv())
    assert message["type"] == "error" and message["id"] == "q"
    assert message["payload"][0]["extensions"]["code"] == "SUBSCRIPTIONS_ONLY"


async def test_only_the_graphql_transport_ws_protocol_is_spoken(
    served: tuple[str, dict[str, str], str],
) -> None:
    async with connect(socket_url(served[0])) as socket:
        code, reason = await close_of(socket)
    assert (code, reason) == (4406, "Subprotocol not acceptable")


async def test_pages_of_other_origins_open_the_socket_only_where_cors_allows(
    served: tuple[str, dict[str, str], str],
) -> None:
    url = socket_url(served[0])
    with pytest.raises(InvalidStatus) as refused:
        async with connect(url, subprotocols=[PROTOCOL], origin="https://evil.example"):  # type: ignore[arg-type]
            pass
    assert refused.value.response.status_code == 403
    async with connect(url, subprotocols=[PROTOCOL], origin="https://app.example") as socket:  # type: ignore[arg-type]
        await socket.send(json.dumps({"type": "connection_init", "payload": DEMO_HEADERS}))
        await acknowledged(socket)


async def test_live_events_of_the_callers_app_only_then_resumed_without_gaps_or_repeats(
    served: tuple[str, dict[str, str], str], http: httpx.AsyncClient
) -> None:
    url, other, _database = served
    start = await last_cursor(served)
    created_only = {"types": ["invoice.created"]}
    async with (
        subscribed(url, DEMO_HEADERS, after=start, **created_only) as mine,
        subscribed(url, other, after="0") as theirs,
    ):
        first = await create_invoice(http)
        created = await mine.next_event()
        assert created["type"] == "invoice.created"
        assert created["invoiceId"] == first["id"]
        assert int(created["cursor"]) > int(start)
        await theirs.nothing_more(1.0)
    # While nobody listens: two more invoices, two creates.
    missed = [await create_invoice(http), await create_invoice(http)]
    async with subscribed(url, DEMO_HEADERS, after=created["cursor"], **created_only) as resumed:
        replayed = await resumed.events(2)
        assert [e["invoiceId"] for e in replayed] == [i["id"] for i in missed]
        live = await create_invoice(http)
        assert (await resumed.next_event())["invoiceId"] == live["id"]
        await resumed.nothing_more(1.0)
    cursors = [int(e["cursor"]) for e in (created, *replayed)]
    assert cursors == sorted(set(cursors))


async def test_filters_by_type_and_invoice(
    served: tuple[str, dict[str, str], str], http: httpx.AsyncClient
) -> None:
    url = served[0]
    start = await last_cursor(served)
    draft = await create_invoice(http, status="DRAFT")
    other = await create_invoice(http, status="DRAFT")
    sent = await http.post(f"{INVOICES}/{draft['id']}/send", headers=DEMO_HEADERS)
    assert sent.status_code == 200, sent.text
    async with subscribed(url, DEMO_HEADERS, after=start, types=["invoice.sent"]) as by_type:
        event = await by_type.next_event()
        assert (event["type"], event["invoiceId"]) == ("invoice.sent", draft["id"])
        await by_type.nothing_more(0.5)
    async with subscribed(url, DEMO_HEADERS, after=start, invoice_id=other["id"]) as by_invoice:
        event = await by_invoice.next_event()
        assert (event["type"], event["invoiceId"]) == ("invoice.created", other["id"])
        await by_invoice.nothing_more(0.5)


async def test_the_subscription_and_the_pull_feed_give_the_same_items(
    served: tuple[str, dict[str, str], str], http: httpx.AsyncClient
) -> None:
    url = served[0]
    start = await last_cursor(served)
    draft = await create_invoice(http, status="DRAFT")
    await http.post(f"{INVOICES}/{draft['id']}/send", headers=DEMO_HEADERS)
    await create_invoice(http)
    fields = "id cursor sequence type resourceType resourceId invoiceId createdAt data"
    pulled = await pull(http, start, fields)
    assert len(pulled) >= 3
    async with subscribed(url, DEMO_HEADERS, after=start, fields=fields) as pushed:
        assert await pushed.events(len(pulled)) == pulled


async def test_a_slow_consumer_is_disconnected_with_a_reason(
    served: tuple[str, dict[str, str], str], http: httpx.AsyncClient
) -> None:
    """The module's gateway lets 20 events wait per subscriber and its connections have
    small send buffers. This client reads nothing while 30 large invoices (60 events of
    some 17 kB) are made, and holds little in its own buffers, so the gateway's sends
    block and the subscriber's inbox fills."""
    url = served[0]
    start = await last_cursor(served)
    stalled = await asyncio.to_thread(StalledSubscriber, url, DEMO_HEADERS, start)
    await asyncio.sleep(0.5)
    lines = [{"product_id": "prod_123456789", "quantity": n} for n in range(1, 61)]
    for _ in range(30):
        await create_invoice(http, items=lines)
    closed = await asyncio.to_thread(stalled.close_frame, 30)
    assert closed is not None
    code, reason = closed
    assert code == 1013
    assert reason.startswith("Slow consumer: over 20 events unread")


def test_settings_read_the_subscription_limits() -> None:
    settings = Settings.from_env(
        {"SUBSCRIPTION_QUEUE_SIZE": "5", "SUBSCRIPTION_POLL_SECONDS": "0.25"}
    )
    assert (settings.subscription_queue_size, settings.subscription_poll_seconds) == (5, 0.25)
    assert replace(settings, subscription_queue_size=1).subscription_queue_size == 1


async def test_a_cursor_that_is_not_one_is_an_error(
    served: tuple[str, dict[str, str], str],
) -> None:
    async with subscribed(served[0], DEMO_HEADERS, after="yesterday") as subscription:
        message = await subscription.next_message()
    assert message["type"] == "next", message
    assert message["payload"]["errors"][0]["extensions"]["code"] == "BAD_CURSOR", message


async def test_a_cursor_retention_went_past_is_an_error_not_a_gap(
    served: tuple[str, dict[str, str], str], http: httpx.AsyncClient
) -> None:
    await create_invoice(http)
    engine = build_engine(served[2])
    try:
        async with build_session_factory(engine)() as session:
            assert await prune_events(session, datetime.now(UTC) + timedelta(days=1), 10_000)
            await session.commit()
    finally:
        await engine.dispose()
    async with subscribed(served[0], DEMO_HEADERS, after="1") as subscription:
        message = await subscription.next_message()
    assert message["type"] == "next", message
    error = message["payload"]["errors"][0]
    assert error["extensions"]["code"] == "CURSOR_EXPIRED", message
    assert error["message"].startswith("The cursor 1 has expired"), message


async def test_a_socket_gets_one_access_line_when_it_closes(
    served: tuple[str, dict[str, str], str], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="gateway.access"):
        async with subscribed(served[0], DEMO_HEADERS, after="0") as subscription:
            await subscription.socket.close()
        async with open_socket(served[0], {}) as refused:
            assert (await close_of(refused))[0] == 4403
        await asyncio.sleep(0.5)
    lines = {
        (r.method, r.route, r.status, r.app_id)  # type: ignore[attr-defined]
        for r in caplog.records
        if r.name == "gateway.access" and r.msg == "websocket"
    }
    # (Sockets of earlier tests may close in the same moment: their lines are ignored.)
    assert ("WEBSOCKET", "/graphql", 1000, DEMO_APP_ID) in lines, lines
    assert ("WEBSOCKET", "/graphql", 4403, None) in lines, lines
