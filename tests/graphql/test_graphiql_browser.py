"""GraphiQL in a real headless Chromium, against the gateway served by uvicorn.

The page and its assets come from the gateway itself (no CDN); the credentials reach
GraphiQL through its `headers` URL parameter; the test clicks Run and reads the result
from the page. A subscription runs over the page's websocket, the headers as its
connection_init payload. Chromium is driven over the DevTools protocol on a websocket.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest

from gateway.runtime import Runtime
from gateway.services.demo import seed_demo
from gateway.settings import Settings
from tests.apptest import DEMO_HEADERS, basic_invoice
from tests.browser import TIMEOUT, chromium, devtools, needs_chromium, serving

pytestmark = needs_chromium

QUERY = "{ app { name } invoices(first: 1) { totalCount } }"


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


async def test_graphiql_runs_a_subscription_and_shows_an_event_made_over_rest(
    gateway_url: str, tmp_path: Path
) -> None:
    async with httpx.AsyncClient(base_url=gateway_url, timeout=30) as http:
        after = await latest_cursor(http)
        subscription = (
            f'subscription {{ invoiceEvents(after: "{after}") {{ cursor type invoiceId }} }}'
        )
        params = urlencode({"q": subscription, "headers": json.dumps(DEMO_HEADERS)})
        profile = tmp_path / "profile"
        profile.mkdir()
        with chromium(profile) as port:
            async with devtools(port) as browser:
                await browser.call("Page.navigate", url=f"{gateway_url}/graphql?{params}")
                await browser.wait_for(
                    "!!document.querySelector('.graphiql-execute-button')", "GraphiQL to render"
                )
                await browser.evaluate("document.querySelector('.graphiql-execute-button').click()")
                # Running, the button turns into a stop button: the socket is subscribed.
                await browser.wait_for(
                    "document.querySelector('.graphiql-execute-button')"
                    ".getAttribute('aria-label').includes('Stop')",
                    "the subscription to start",
                )
                await asyncio.sleep(0.5)
                response = await http.post(
                    "/api/v0/invoices", json=basic_invoice(), headers=DEMO_HEADERS
                )
                assert response.status_code == 201, response.text
                invoice_id = response.json()["id"]
                shown = await browser.wait_for(
                    "(() => { const r = document.querySelector('.graphiql-response');"
                    f" return r && r.innerText.includes('{invoice_id}') && r.innerText; }})()",
                    "the event in the page",
                )
    # GraphiQL shows the latest event: an open invoice is created, then sent.
    assert '"invoiceEvents"' in shown and '"type": "invoice.sent"' in shown, shown


async def latest_cursor(http: httpx.AsyncClient) -> str:
    query = "{ events(first: 100) { edges { cursor } } }"
    response = await http.post("/graphql", json={"query": query}, headers=DEMO_HEADERS)
    edges = response.json()["data"]["events"]["edges"]
    return str(edges[-1]["cursor"]) if edges else "0"
