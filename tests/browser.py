"""Headless Chromium for tests: the gateway served by uvicorn in a thread, Chromium
with an empty profile, and a small client of its DevTools protocol on a websocket."""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from gateway.app import create_app
from gateway.settings import Settings

CHROMIUM = Path("/usr/bin/chromium")
TIMEOUT = 60.0

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)",
)


@contextmanager
def serving(settings: Settings, send_buffer: int | None = None) -> Iterator[str]:
    """The gateway under uvicorn on a free 127.0.0.1 port, in a thread; yields its URL.
    `send_buffer`: the kernel's send buffer of every connection, in bytes (small, a
    client that stops reading soon blocks the server's sends)."""
    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=0, log_level="warning", loop="asyncio"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + TIMEOUT
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.05)
        listening = server.servers[0].sockets[0]
        if send_buffer is not None:  # accepted connections inherit it (Linux)
            listening.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, send_buffer)
        port = listening.getsockname()[1]
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(TIMEOUT)


@contextmanager
def chromium(profile: Path) -> Iterator[int]:
    """Headless Chromium with an empty profile; yields its DevTools port."""
    log = (profile.parent / "chromium.log").open("wb")
    process = subprocess.Popen(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            "--remote-debugging-port=0",
            "about:blank",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        active_port = profile / "DevToolsActivePort"
        deadline = time.monotonic() + TIMEOUT
        while not active_port.exists() or not active_port.read_text().strip():
            assert process.poll() is None, "chromium exited; see chromium.log"
            assert time.monotonic() < deadline, "chromium did not open its DevTools port"
            time.sleep(0.05)
        yield int(active_port.read_text().split()[0])
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


class DevTools:
    def __init__(self, socket: Any) -> None:
        self.socket = socket
        self.next_id = 0

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        await self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(await self.socket.recv())
            if message.get("id") == self.next_id:
                assert "error" not in message, message
                result: dict[str, Any] = message["result"]
                return result

    async def evaluate(self, expression: str) -> Any:
        result = await self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")

    async def wait_for(self, expression: str, what: str) -> Any:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            value = await self.evaluate(expression)
            if value:
                return value
            await asyncio.sleep(0.2)
        body = await self.evaluate("document.body && document.body.innerText")
        raise AssertionError(f"timed out waiting for {what}; page text: {body!r}")


@asynccontextmanager
async def devtools(port: int) -> AsyncIterator[DevTools]:
    from websockets.asyncio.client import connect

    async with httpx.AsyncClient() as http:
        targets = (await http.get(f"http://127.0.0.1:{port}/json/list")).json()
    page = next(target for target in targets if target["type"] == "page")
    async with connect(page["webSocketDebuggerUrl"], max_size=None) as socket:
        yield DevTools(socket)
