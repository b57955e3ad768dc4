"""GraphiQL in a real headless Chromium, against the gateway served by uvicorn.

The page and its assets come from the gateway itself (no CDN); the credentials reach
GraphiQL through its `headers` URL parameter; the test clicks Run and reads the result
from the page. Chromium is driven over the DevTools protocol on a websocket.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
import uvicorn

from gateway.app import create_app
from gateway.runtime import Runtime
from gateway.services.demo import seed_demo
from gateway.settings import Settings
from tests.apptest import DEMO_HEADERS

CHROMIUM = Path("/usr/bin/chromium")
TIMEOUT = 60.0

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)",
)

QUERY = "{ app { name } invoices(first: 1) { totalCount } }"


@contextmanager
def serving(settings: Settings) -> Iterator[str]:
    """The gateway under uvicorn on a free 127.0.0.1 port, in a thread; yields its URL."""
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
        port = server.servers[0].sockets[0].getsockname()[1]
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


@pytest.fixture
async def gateway_url(tmp_path: Path) -> AsyncIterator[str]:
    from gateway.db.migrate import upgrade

    database_url = f"sqlite+aiosqlite:///{tmp_path / 'browser.db'}"
    await asyncio.to_thread(upgrade, database_url)
    settings = Settings(database_url=database_url)
    runtime = Runtime.open(settings)
    try:
        await seed_demo(runtime)
    finally:
        await runtime.close()
    with serving(settings) as url:
        yield url


async def test_graphiql_runs_a_query_in_a_real_browser(gateway_url: str, tmp_path: Path) -> None:
    params = urlencode({"q": QUERY, "headers": json.dumps(DEMO_HEADERS)})
    profile = tmp_path / "profile"
    profile.mkdir()
    with chromium(profile) as port:
        async with devtools(port) as browser:
            await browser.call("Page.navigate", url=f"{gateway_url}/graphql?{params}")
            await browser.wait_for(
                "!!document.querySelector('.graphiql-execute-button')", "GraphiQL to render"
            )
            editor = await browser.evaluate(
                "document.querySelector('.graphiql-query-editor').innerText"
            )
            assert "invoices(first: 1)" in editor
            await browser.evaluate("document.querySelector('.graphiql-execute-button').click()")
            shown = await browser.wait_for(
                "(document.querySelector('.graphiql-response') || {}).innerText", "the result"
            )
            deadline = time.monotonic() + TIMEOUT
            while "My Business App" not in shown and time.monotonic() < deadline:
                await asyncio.sleep(0.2)
                shown = await browser.evaluate(
                    "document.querySelector('.graphiql-response').innerText"
                )
    assert '"name": "My Business App"' in shown, shown
    assert '"totalCount": 0' in shown, shown
