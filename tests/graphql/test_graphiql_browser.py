"""GraphiQL in a real headless Chromium, against the gateway served by uvicorn.

The page and its assets come from the gateway itself (no CDN); the credentials reach
GraphiQL through its `headers` URL parameter; the test clicks Run and reads the result
from the page. Chromium is driven over the DevTools protocol on a websocket.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlencode

import pytest

from gateway.runtime import Runtime
from gateway.services.demo import seed_demo
from gateway.settings import Settings
from tests.apptest import DEMO_HEADERS
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
