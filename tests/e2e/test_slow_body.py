"""A client that sends its headers and then stalls the body gets 408 and is let go,
while the gateway goes on serving everyone else (a real `invoice-gateway serve`)."""

from __future__ import annotations

import json
import select
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from tests.e2e.gateway_process import cli, gateway_processes

TIMEOUT_SECONDS = 3


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    workdir: Path = tmp_path_factory.mktemp("slow-body")
    cli({}, "migrate", cwd=workdir)
    creds = json.loads(cli({}, "seed-demo", "--json", cwd=workdir))
    headers = {"x-client-key": creds["client_key"], "x-client-secret": creds["client_secret"]}
    env = {"BODY_READ_TIMEOUT_SECONDS": str(TIMEOUT_SECONDS)}
    with gateway_processes(env, 1, cwd=workdir) as [url]:
        yield url, headers


def _stalled_request(url: str, path: str, headers: dict[str, str]) -> socket.socket:
    """Sends the headers of a POST announcing 1000 bytes of body, and one byte of it."""
    parts = urlsplit(url)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=30)
    lines = [
        f"POST {path} HTTP/1.1",
        f"Host: {parts.netloc}",
        "Content-Type: application/json",
        "Content-Length: 1000",
        *(f"{name}: {value}" for name, value in headers.items()),
    ]
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n{").encode())
    return sock


def _read_until_closed(sock: socket.socket) -> bytes:
    received = b""
    while chunk := sock.recv(65536):
        received += chunk
    return received


@pytest.mark.parametrize("path", ["/api/v0/invoices", "/graphql"])
def test_a_stalled_body_gets_408_and_the_connection_closes(
    gateway: tuple[str, dict[str, str]], path: str
) -> None:
    url, headers = gateway
    started = time.monotonic()
    sock = _stalled_request(url, path, headers)
    with sock:
        # Meanwhile the gateway serves others: this answer comes while the stalled
        # request is still waiting for its body (nothing to read on its socket yet).
        listed = httpx.get(f"{url}/api/v0/invoices", headers=headers, timeout=5)
        assert listed.status_code == 200
        readable, _, _ = select.select([sock], [], [], 0)
        assert readable == []
        # The recv returns b"" only once the server has closed the connection.
        received = _read_until_closed(sock)
    elapsed = time.monotonic() - started
    assert TIMEOUT_SECONDS - 0.1 <= elapsed < TIMEOUT_SECONDS + 10
    head, _, body = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408 "), head
    assert b"connection: close" in head.lower()
    assert json.loads(body) == {
        "statusCode": 408,
        "message": f"Request body not received within {TIMEOUT_SECONDS} seconds",
        "error": "Request Timeout",
    }
