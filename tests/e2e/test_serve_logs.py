"""`invoice-gateway serve` (uvicorn, the real server) writes its own lines and uvicorn's
as JSON, one access line per request and none of uvicorn's; a client that goes away
mid-request is one info line, not a traceback."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from gateway.services.demo import DEMO_APP_ID
from tests.e2e.gateway_process import gateway_processes, seed_in_process

TRACE_ID = "0af7651916cd43dd8448eb211c80319c"
TRACEPARENT = f"00-{TRACE_ID}-b7ad6b7169203331-01"


def _lines(log: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in log.read_text().splitlines() if line.strip()]


def _abandoned_request(url: str, headers: dict[str, str]) -> None:
    """A POST announcing 1000 bytes of body that sends 20 and hangs up."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        head = [
            "POST /api/v0/customers HTTP/1.1",
            f"Host: {parts.netloc}",
            "Content-Type: application/json",
            "Content-Length: 1000",
            "X-Request-Id: serve-gone",
            *(f"{name}: {value}" for name, value in headers.items()),
        ]
        sock.sendall(("\r\n".join(head) + '\r\n\r\n{"first_name": "Ada",').encode())
        time.sleep(0.2)  # the body is being read when the client goes


def _wait_for_line(log: Path, request_id: str) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if f'"request_id": "{request_id}"' in log.read_text():
            return
        time.sleep(0.1)
    raise AssertionError(f"no line for {request_id}:\n{log.read_text()}")


def test_serve_writes_json_lines_one_access_line_per_request(
    database_url: str, tmp_path: Path
) -> None:
    credentials = seed_in_process(database_url)
    headers = {
        "x-client-key": credentials["client_key"],
        "x-client-secret": credentials["client_secret"],
    }
    log = tmp_path / "gateway.log"
    env = {"DATABASE_URL": database_url}
    with gateway_processes(env, 1, log=log, log_level="info") as [url]:
        listed = httpx.get(
            f"{url}/api/v0/invoices", headers={**headers, "X-Request-Id": "serve-1"}, timeout=10
        )
        operation = httpx.post(
            f"{url}/graphql",
            json={"query": "query Typename { __typename }"},
            headers={**headers, "traceparent": TRACEPARENT},
            timeout=10,
        )
        _abandoned_request(url, headers)
        _wait_for_line(log, "serve-gone")
    assert (listed.status_code, operation.status_code) == (200, 200)
    assert listed.headers.get_list("x-request-id") == ["serve-1"]
    assert operation.headers.get_list("x-request-id") == [TRACE_ID]

    lines = _lines(log)  # each line one JSON object, or this fails
    loggers = {line["logger"] for line in lines}
    assert "uvicorn.error" in loggers  # uvicorn's own lines, as JSON too
    assert "uvicorn.access" not in loggers
    assert [line for line in lines if line["level"] in ("error", "critical")] == []
    assert "Traceback" not in log.read_text()
    assert credentials["client_secret"] not in log.read_text()

    access = [
        line for line in lines if line["logger"] == "gateway.access" and line["path"] != "/healthz"
    ]
    assert [
        (
            line["level"],
            line["event"],
            line["request_id"],
            line["app_id"],
            line["method"],
            line["route"],
            line["graphql_operation"],
            line["status"],
        )
        for line in access
    ] == [
        ("info", "request", "serve-1", DEMO_APP_ID, "GET", "/api/v0/invoices", None, 200),
        ("info", "request", TRACE_ID, DEMO_APP_ID, "POST", "/graphql", "Typename", 200),
        (
            "info",
            "client disconnected",
            "serve-gone",
            DEMO_APP_ID,
            "POST",
            "/api/v0/customers",
            None,
            499,
        ),
    ]
    assert all(line["timestamp"].endswith("Z") and line["duration_ms"] > 0 for line in access)
    assert [line for line in lines if line.get("request_id") == "serve-gone"] == [access[2]]
