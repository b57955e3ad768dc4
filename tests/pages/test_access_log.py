"""uvicorn's access log, with the gateway served by uvicorn in this process: a payment
or tracking path shows without its token (the token is as good as the link)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import AsyncIterator

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette

from gateway.app import create_app
from gateway.db.migrate import upgrade
from gateway.settings import Settings
from tests import servers
from tests.apptest import DEMO_HEADERS, basic_invoice, seeded_gateway


@contextlib.asynccontextmanager
async def served(app: Starlette) -> AsyncIterator[str]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    # log_config=None: uvicorn's loggers propagate to the root logger, where caplog is.
    config = uvicorn.Config(app, log_config=None, access_log=True, loop="asyncio", http="h11")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.01)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
        sock.close()


async def test_payment_and_tracking_tokens_stay_out_of_the_access_log(
    sqlite_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    servers.run_in_thread(upgrade, sqlite_url)
    settings = Settings(database_url=sqlite_url, public_base_url="http://gw.test")
    async with seeded_gateway(settings) as (client, _runtime):
        response = await client.post("/api/v0/invoices", json=basic_invoice(), headers=DEMO_HEADERS)
    pay_path = response.json()["payment_link_url"].removeprefix("http://gw.test")
    token = pay_path.removeprefix("/pay/")
    tracking = "trk0123456789abcdef0123456789abcdef"
    paths = [pay_path, f"/t/o/{tracking}.gif", f"/t/c/{tracking}?next=1"]

    caplog.set_level(logging.INFO, logger="uvicorn.access")
    async with served(create_app(settings)) as url, httpx.AsyncClient(base_url=url) as http:
        assert (await http.get(pay_path)).status_code == 200
        for path in paths[1:]:
            await http.get(path)

    access = [r.getMessage() for r in caplog.records if r.name == "uvicorn.access"]
    assert len(access) == len(paths), access
    assert not [line for line in access if token in line or tracking in line], access
    assert '"GET /pay/[redacted] HTTP/1.1" 200' in access[0]
    assert "/t/o/[redacted] " in access[1]
    assert "/t/c/[redacted]?next=1 " in access[2]
