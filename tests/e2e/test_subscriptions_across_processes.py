"""Subscriptions across replicas: two gateway processes and a worker on PostgreSQL and
Redis. A subscriber on process A sees, in order and once each, the events of what REST
calls on process B do; it goes away, more happens, it comes back with its last cursor
and gets exactly what it missed, then live events again."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.apptest import basic_invoice
from tests.e2e.gateway_process import gateway_processes, process_environment, seed_in_process
from tests.subscription_client import Subscription, subscribed

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

INVOICES = "/api/v0/invoices"


@pytest.fixture
def replicas(postgres_url: str, redis_url: str) -> Iterator[tuple[list[str], dict[str, str]]]:
    env = {
        "DATABASE_URL": postgres_url,
        "REDIS_URL": redis_url,
        "RATE_LIMIT_PER_MINUTE": "10000",
        "WORKER_POLL_INTERVAL_SECONDS": "0.5",
    }
    credentials = seed_in_process(postgres_url)
    headers = {
        "x-client-key": credentials["client_key"],
        "x-client-secret": credentials["client_secret"],
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "gateway.cli", "worker"],
        env={**process_environment(env), "LOG_LEVEL": "warning"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        with gateway_processes(env, 2) as urls:
            yield urls, headers
    finally:
        worker.terminate()
        worker.wait(10)


def created(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def lifecycle(client: httpx.AsyncClient, headers: dict[str, str]) -> list[tuple[str, str]]:
    """A draft sent, an open invoice (created sent) paid in full: their events, in order."""
    draft = created(
        await client.post(INVOICES, json=basic_invoice(status="DRAFT"), headers=headers)
    )
    sent = await client.post(f"{INVOICES}/{draft['id']}/send", headers=headers)
    assert sent.status_code == 200, sent.text
    open_invoice = created(await client.post(INVOICES, json=basic_invoice(), headers=headers))
    payment = {"amount": open_invoice["amount_due"], "method": "CRYPTO", "reference": "tx-1"}
    paid = await client.post(
        f"{INVOICES}/{open_invoice['id']}/payments", json=payment, headers=headers
    )
    assert paid.status_code == 201, paid.text
    return [
        ("invoice.created", draft["id"]),
        ("invoice.sent", draft["id"]),
        ("invoice.created", open_invoice["id"]),
        ("invoice.sent", open_invoice["id"]),
        ("invoice.paid", open_invoice["id"]),
    ]


async def received(subscription: Subscription, count: int) -> list[dict[str, Any]]:
    return await subscription.events(count, seconds=20)


def kinds(events: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(event["type"], event["invoiceId"]) for event in events]


async def test_a_subscriber_on_one_process_follows_rest_calls_on_another(
    replicas: tuple[list[str], dict[str, str]],
) -> None:
    (on_a, on_b), headers = replicas
    async with httpx.AsyncClient(base_url=on_b, timeout=30) as client:
        async with subscribed(on_a, headers, after="0") as subscription:
            first = await lifecycle(client, headers)
            live = await received(subscription, len(first))
            assert kinds(live) == first
            await subscription.nothing_more(1.0)
        cursors = [int(event["cursor"]) for event in live]
        assert cursors == sorted(set(cursors))

        missed = await lifecycle(client, headers)
        async with subscribed(on_a, headers, after=live[-1]["cursor"]) as resumed:
            replayed = await received(resumed, len(missed))
            assert kinds(replayed) == missed
            assert int(replayed[0]["cursor"]) > cursors[-1]
            then = await lifecycle(client, headers)
            assert kinds(await received(resumed, len(then))) == then
            await resumed.nothing_more(1.0)
