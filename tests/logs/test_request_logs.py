"""The log lines of real requests to the in-process gateway (SQLite and PostgreSQL): one
access line per request with its fields, the request id kept, taken from traceparent or
made, returned and on every line of the request, secrets and personal data nowhere."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Message

from gateway.app import create_app
from gateway.services.demo import CUSTOMER_ID, DEMO_APP_ID, DEMO_CLIENT_SECRET, seed_demo
from gateway.settings import Settings
from tests.apptest import DEMO_HEADERS, basic_invoice, running, seeded_gateway
from tests.logs.capture import CapturedLines, captured_log_lines
from tests.servers import free_port

NEW_ID = re.compile(r"[0-9a-f]{32}")
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENT = f"00-{TRACE_ID}-00f067aa0ba902b7-01"
CUSTOMERS = "query Customers { customers(first: 1) { edges { node { id } } } }"


@pytest.fixture
def lines() -> Iterator[CapturedLines]:
    with captured_log_lines() as captured:
        yield captured


@pytest.fixture
def settings(migrated_database_url: str) -> Settings:
    return Settings(database_url=migrated_database_url, public_base_url="http://gw.test")


@pytest.fixture
async def client(settings: Settings, lines: CapturedLines) -> AsyncIterator[httpx.AsyncClient]:
    async with seeded_gateway(settings) as (http, _runtime):
        yield http


def _without_timing(line: dict[str, Any]) -> dict[str, Any]:
    """The line without its timestamp and duration, after checking them."""
    line = dict(line)
    timestamp = line.pop("timestamp")
    assert timestamp.endswith("Z")
    assert abs(datetime.fromisoformat(timestamp) - datetime.now(UTC)) < timedelta(minutes=1)
    duration = line.pop("duration_ms")
    assert isinstance(duration, float) and 0 < duration < 60_000
    return line


async def test_one_access_line_per_request_with_its_fields(
    client: httpx.AsyncClient, lines: CapturedLines
) -> None:
    response = await client.get(
        "/api/v0/invoices", headers={**DEMO_HEADERS, "X-Request-Id": "req-0001"}
    )
    assert response.status_code == 200
    assert response.headers.get_list("x-request-id") == ["req-0001"]
    [line] = lines.access()
    assert _without_timing(line) == {
        "level": "info",
        "logger": "gateway.access",
        "event": "request",
        "request_id": "req-0001",
        "app_id": DEMO_APP_ID,
        "method": "GET",
        "path": "/api/v0/invoices",
        "route": "/api/v0/invoices",
        "graphql_operation": None,
        "status": 200,
    }
    assert list(line)[:4] == ["timestamp", "level", "logger", "event"]


@pytest.mark.parametrize(
    ("method", "path", "authenticated", "status", "route"),
    [
        ("GET", f"/api/v0/invoices/{uuid.uuid4()}", True, 404, "/api/v0/invoices/{invoice_id}"),
        ("GET", "/api/v0/invoices", False, 401, "/api/v0/invoices"),
        ("DELETE", "/api/v0/invoices", True, 405, "/api/v0/invoices"),
        ("GET", "/nowhere", False, 404, None),
        ("GET", "/healthz", False, 200, "/healthz"),
    ],
)
async def test_the_route_template_status_and_app_of_each_answer(
    client: httpx.AsyncClient,
    lines: CapturedLines,
    method: str,
    path: str,
    authenticated: bool,
    status: int,
    route: str | None,
) -> None:
    headers = DEMO_HEADERS if authenticated else {}
    response = await client.request(method, path, headers=headers)
    assert response.status_code == status
    [line] = lines.access()
    assert line["request_id"] == response.headers["x-request-id"]
    assert NEW_ID.fullmatch(line["request_id"])
    assert (line["method"], line["path"], line["route"]) == (method, path, route)
    assert (line["status"], line["app_id"]) == (status, DEMO_APP_ID if authenticated else None)


async def test_a_graphql_request_is_named_by_its_operation_and_keeps_the_trace_id(
    client: httpx.AsyncClient, lines: CapturedLines
) -> None:
    two = f"{CUSTOMERS} query Typename {{ __typename }}"
    answers = [
        await client.post(
            "/graphql",
            json={"query": CUSTOMERS},
            headers={**DEMO_HEADERS, "traceparent": TRACEPARENT},
        ),
        await client.post(
            "/graphql", json={"query": two, "operationName": "Typename"}, headers=DEMO_HEADERS
        ),
        await client.get("/graphql", params={"query": "{ __typename }"}, headers=DEMO_HEADERS),
        await client.post("/graphql", json={"query": "query Broken {"}, headers=DEMO_HEADERS),
    ]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 200]
    assert answers[0].headers.get_list("x-request-id") == [TRACE_ID]
    access = lines.access()
    assert [(line["route"], line["graphql_operation"]) for line in access] == [
        ("/graphql", "Customers"),
        ("/graphql", "Typename"),
        ("/graphql", None),
        ("/graphql", None),
    ]
    assert [line["request_id"] for line in access] == [
        answer.headers["x-request-id"] for answer in answers
    ]
    assert access[0]["request_id"] == TRACE_ID
    assert {line["app_id"] for line in access} == {DEMO_APP_ID}


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"X-Request-Id": "a" * 128}, "a" * 128),
        ({"X-Request-Id": "01HZX3-ABC_def.9~"}, "01HZX3-ABC_def.9~"),
        ({"X-Request-Id": "a" * 129}, None),
        ({"X-Request-Id": "two words"}, None),
        ({"X-Request-Id": ""}, None),
        ({"X-Request-Id": b"caf\xc3\xa9"}, None),
        ({"X-Request-Id": "a\tb"}, None),
        ({"X-Request-Id": "x y", "traceparent": TRACEPARENT}, TRACE_ID),
        ({"traceparent": TRACEPARENT.upper()}, None),
        ({"traceparent": f"ff-{TRACE_ID}-00f067aa0ba902b7-01"}, None),
        ({"traceparent": f"00-{'0' * 32}-00f067aa0ba902b7-01"}, None),
        ({"traceparent": f"00-{TRACE_ID}-{'0' * 16}-01"}, None),
        ({"traceparent": f"00-{TRACE_ID}-00f067aa0ba902b7-01x"}, None),
        ({"traceparent": f"01-{TRACE_ID}-00f067aa0ba902b7-01-future"}, TRACE_ID),
    ],
)
async def test_an_unusable_request_id_is_replaced_by_a_new_one(
    client: httpx.AsyncClient,
    lines: CapturedLines,
    headers: dict[str, str | bytes],
    expected: str | None,
) -> None:
    response = await client.get("/healthz", headers=headers)
    [returned] = response.headers.get_list("x-request-id")
    if expected is None:
        assert NEW_ID.fullmatch(returned)
    else:
        assert returned == expected
    assert [line["request_id"] for line in lines.access()] == [returned]


async def test_every_line_of_a_request_carries_its_id(
    migrated_database_url: str, lines: CapturedLines
) -> None:
    # A store nobody listens on: the readiness check logs a warning while it answers.
    settings = Settings(
        database_url=migrated_database_url, redis_url=f"redis://127.0.0.1:{free_port()}/0"
    )
    async with running(create_app(settings)) as (http, _runtime):
        response = await http.get("/readyz", headers={"X-Request-Id": "ready-1"})
    assert response.status_code == 503
    during = [line for line in lines.all() if line["logger"] == "gateway.health"]
    assert [(line["level"], line["event"]) for line in during] == [
        ("warning", "readiness: store unreachable")
    ]
    assert during[0]["request_id"] == "ready-1"
    assert "Traceback" in during[0]["exception"]
    [access] = lines.access()
    assert (access["request_id"], access["status"]) == ("ready-1", 503)


async def test_an_unhandled_error_is_answered_and_logged_under_the_request_id(
    settings: Settings, lines: CapturedLines
) -> None:
    async def failing(_request: Request) -> Response:
        raise RuntimeError("the disk is on fire")

    app: Starlette = create_app(settings)
    app.router.routes.append(Route("/failing", failing))
    async with running(app) as (http, _runtime):
        response = await http.get("/failing", headers={"X-Request-Id": "fire-1"})
    assert response.status_code == 500
    assert response.headers.get_list("x-request-id") == ["fire-1"]
    assert response.json() == {
        "statusCode": 500,
        "message": "Internal server error (request id fire-1)",
        "error": "Internal Server Error",
    }
    [error] = [line for line in lines.all() if line["level"] == "error"]
    assert (error["logger"], error["event"], error["request_id"]) == (
        "gateway",
        "unhandled error",
        "fire-1",
    )
    assert (error["method"], error["path"]) == ("GET", "/failing")
    assert "RuntimeError: the disk is on fire" in error["exception"]
    [access] = lines.access()
    assert (access["request_id"], access["status"], access["route"]) == ("fire-1", 500, "/failing")


async def test_secrets_tokens_and_personal_data_never_reach_the_log(
    client: httpx.AsyncClient, lines: CapturedLines
) -> None:
    email = "ada.lovelace@example.com"
    secret_headers = {
        **DEMO_HEADERS,
        "Authorization": "Bearer tok_abc123secretvalue",
        "Cookie": "session=cookie-secret-value",
    }
    created = await client.post(
        "/api/v0/customers",
        json={
            "first_name": "Ada",
            "last_name": "Lovelace",
            "phone_number": "+4420700000",
            "email": email,
        },
        headers=secret_headers,
    )
    assert created.status_code == 201, created.text
    listed = await client.get("/api/v0/customers", params={"email": email}, headers=DEMO_HEADERS)
    refused = await client.get(
        "/api/v0/invoices",
        headers={
            "x-client-key": DEMO_HEADERS["x-client-key"],
            "x-client-secret": "cs_wrong_secret_1",
        },
    )
    assert refused.status_code == 401
    invoice = await client.post(
        "/api/v0/invoices", json=basic_invoice(customer_id=CUSTOMER_ID), headers=DEMO_HEADERS
    )
    token = invoice.json()["payment_link_url"].removeprefix("http://gw.test/pay/")
    page = await client.get(f"/pay/{token}")
    assert page.status_code == 200

    for kept_out in (
        DEMO_CLIENT_SECRET,
        "cs_wrong_secret_1",
        "tok_abc123secretvalue",
        "cookie-secret-value",
        email,
        token,
    ):
        assert kept_out not in lines.text
    access = lines.access()
    assert [line["status"] for line in access] == [201, listed.status_code, 401, 201, 200]
    assert access[-1]["path"] == "/pay/[redacted]"
    assert access[-1]["route"] == "/pay/{token}"


async def test_a_client_that_goes_away_mid_request_is_one_info_line(
    settings: Settings, lines: CapturedLines
) -> None:
    app = create_app(settings)
    sent: list[Message] = []
    messages = iter(
        [
            {"type": "http.request", "body": b'{"first_name": "A', "more_body": True},
            {"type": "http.disconnect"},
        ]
    )

    async def receive() -> Message:
        return next(messages)

    async def send(message: Message) -> None:
        sent.append(message)

    async with app.router.lifespan_context(app) as state:
        assert state is not None
        await seed_demo(state["runtime"])
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": "/api/v0/customers",
            "raw_path": b"/api/v0/customers",
            "root_path": "",
            "query_string": b"",
            "headers": [
                (b"host", b"gw.test"),
                (b"content-type", b"application/json"),
                (b"content-length", b"1000"),
                (b"x-request-id", b"gone-1"),
                *((k.encode(), v.encode()) for k, v in DEMO_HEADERS.items()),
            ],
            "client": ("127.0.0.1", 50000),
            "server": ("gw.test", 80),
            "state": dict(state),
        }
        await app(scope, receive, send)
    assert sent == []
    lines_of_request = [line for line in lines.all() if line.get("request_id") == "gone-1"]
    assert [(line["level"], line["event"]) for line in lines_of_request] == [
        ("info", "client disconnected")
    ]
    assert lines_of_request[0]["status"] == 499
    assert [line for line in lines.all() if line["level"] in ("error", "critical")] == []
