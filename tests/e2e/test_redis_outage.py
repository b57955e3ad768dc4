"""Redis goes away and comes back: 503 in the documented format, nothing created, recovery."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import time
from collections.abc import Iterator

import pytest
import redis
from sqlalchemy import func
from sqlmodel import select

from gateway.db.migrate import upgrade
from gateway.db.tables import Invoice
from gateway.settings import Settings
from tests.apptest import DEMO_HEADERS, basic_invoice, seeded_gateway
from tests.servers import free_port

pytestmark = pytest.mark.redis


class RedisProcess:
    def __init__(self, port: int) -> None:
        self.port = port
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server")
        assert binary is not None
        self.proc = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with redis.Redis(port=self.port) as client:
                    client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None


@pytest.fixture
def own_redis() -> Iterator[RedisProcess]:
    server = RedisProcess(free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


async def test_outage_gives_503_creates_nothing_and_recovers(
    sqlite_url: str, own_redis: RedisProcess
) -> None:
    await asyncio.to_thread(upgrade, sqlite_url)
    settings = Settings(database_url=sqlite_url, redis_url=f"redis://127.0.0.1:{own_redis.port}/0")
    async with seeded_gateway(settings) as (client, runtime):
        url = "/api/v0/invoices"
        keyed = {**DEMO_HEADERS, "x-idempotency-key": "outage-1"}
        assert (
            await client.post(url, json=basic_invoice(), headers=DEMO_HEADERS)
        ).status_code == 201

        own_redis.stop()
        response = await client.post(url, json=basic_invoice(), headers=keyed)
        assert response.status_code == 503
        assert response.json() == {
            "statusCode": 503,
            "message": "Service temporarily unavailable; retry later",
            "error": "Service Unavailable",
        }
        ready = await client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["reason"] == "store unreachable"
        assert (await client.get("/healthz")).status_code == 200
        async with runtime.sessions() as session:
            count = (await session.exec(select(func.count()).select_from(Invoice))).one()
        assert count == 1

        own_redis.start()
        recovered = await client.post(url, json=basic_invoice(), headers=keyed)
        assert recovered.status_code == 201
        assert recovered.json()["invoice_number"] == "INV-000002"
        assert (await client.get("/readyz")).status_code == 200
