"""Ids, tokens, filters and credentials no database can hold (a NUL byte: PostgreSQL's
text refuses it) are answered like any other unknown value, on SQLite and PostgreSQL:
an invoice id is 404 "Invoice not found", a link token the 404 page, a client key 401,
a list filter 400; never a 500, and nothing is logged as a failure."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest

from tests.apptest import DEMO_HEADERS

NOT_FOUND = {"statusCode": 404, "message": "Invoice not found", "error": "Not Found"}

# (method, path, JSON body): each names an invoice by an id holding a NUL byte.
INVOICE_ROUTES = [
    ("GET", "/api/v0/invoices/{id}", None),
    ("PUT", "/api/v0/invoices/{id}", {"name": "Renamed"}),
    ("PATCH", "/api/v0/invoices/{id}", {"name": "Renamed"}),
    ("POST", "/api/v0/invoices/{id}/send", None),
    ("POST", "/api/v0/invoices/{id}/payments", {"amount": 1, "method": "CRYPTO"}),
    ("GET", "/api/v0/invoices/{id}/pdf", None),
]
IDS = ["%00", "inv_6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f%00"]


def _no_failures_logged(caplog: pytest.LogCaptureFixture) -> None:
    logged = [r for r in caplog.get_records("call") if r.levelno >= logging.WARNING]
    assert logged == [], [r.getMessage() for r in logged]


@pytest.mark.parametrize("invoice_id", IDS)
@pytest.mark.parametrize(("method", "path", "body"), INVOICE_ROUTES)
async def test_invoice_id_with_a_nul_is_not_found(
    client: httpx.AsyncClient,
    caplog: pytest.LogCaptureFixture,
    method: str,
    path: str,
    body: dict[str, Any] | None,
    invoice_id: str,
) -> None:
    url = path.format(id=invoice_id)
    response = await client.request(method, url, json=body, headers=DEMO_HEADERS)
    assert response.status_code == 404, response.text
    assert response.json() == NOT_FOUND
    _no_failures_logged(caplog)


@pytest.mark.parametrize(
    ("path", "title"),
    [("/pay/%00", "Payment link not found"), ("/t/c/%00", "Invoice not found")],
)
async def test_link_token_with_a_nul_is_the_not_found_page(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture, path: str, title: str
) -> None:
    response = await client.get(path)
    assert response.status_code == 404
    assert f"<h1>{title}</h1>" in response.text
    _no_failures_logged(caplog)


async def test_open_pixel_with_a_nul_token_is_the_pixel(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    response = await client.get("/t/o/%00.gif")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/gif"
    _no_failures_logged(caplog)


async def test_client_key_with_a_nul_is_401(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    headers = {**DEMO_HEADERS, "x-client-key": DEMO_HEADERS["x-client-key"] + "\x00"}
    response = await client.get("/api/v0/invoices", headers=headers)
    assert response.status_code == 401
    assert response.json() == {
        "statusCode": 401,
        "message": "Invalid or missing API credentials",
        "error": "Unauthorized",
    }
    _no_failures_logged(caplog)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("status=%00", "status must be one of the following values: "),
        ("customer_id=%00", "customer_id must be a valid UUID"),
        ("start_date=2030-01-0%00", "start_date must be a valid date in YYYY-MM-DD format"),
        ("due_to=%00", "due_to must be a valid date in YYYY-MM-DD format"),
        ("skip=%00", "skip must be an integer number"),
        ("take=1%00", "take must be an integer number"),
    ],
)
async def test_list_filter_with_a_nul_is_400(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture, query: str, message: str
) -> None:
    response = await client.get(f"/api/v0/invoices?{query}", headers=DEMO_HEADERS)
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "Bad Request"
    assert len(body["message"]) == 1 and body["message"][0].startswith(message)
    _no_failures_logged(caplog)
