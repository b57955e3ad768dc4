"""A small document whose fragments expand to 2^40 selections, sent to a real gateway
process next to an ordinary query: it is refused at once and the other is served."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx

from tests.e2e.gateway_process import gateway_processes, seed


def doubling(count: int, leaf: str) -> str:
    """`...F0`, where each fragment spreads the next one twice, down to `leaf`."""
    fragments = " ".join(
        f"fragment F{n} on Query {{ ...F{n + 1} ...F{n + 1} }}" for n in range(count)
    )
    return f"query {{ ...F0 }} {fragments} fragment F{count} on Query {{ {leaf} }}"


async def timed(client: httpx.AsyncClient, url: str, query: str) -> tuple[float, httpx.Response]:
    started = time.monotonic()
    response = await client.post(f"{url}/graphql", json={"query": query})
    return time.monotonic() - started, response


async def test_a_doubling_fragment_document_neither_hangs_nor_blocks_others(
    tmp_path: Path,
) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'gateway.db'}"}
    credentials = seed(env)
    headers = {
        "x-client-key": credentials["client_key"],
        "x-client-secret": credentials["client_secret"],
    }
    hostile = doubling(40, "a: __typename")
    assert len(hostile.encode()) < 2048
    with gateway_processes(env, 1) as [url]:
        # A bound far above the milliseconds this takes, far below the minutes it took.
        async with httpx.AsyncClient(headers=headers, timeout=20) as client:
            (bad_time, bad), (ok_time, ok) = await asyncio.gather(
                timed(client, url, hostile),
                timed(client, url, "{ invoices(first: 1) { totalCount } }"),
            )
            quick = await client.post(f"{url}/graphql", json={"query": doubling(40, "__typename")})
    assert bad.status_code == 200, bad.text
    errors = bad.json()["errors"]
    assert [error["message"] for error in errors] == [
        f"{2**40} aliases found. Allowed: 30",
        f"{2**40} field selections once fragments are expanded. Allowed: 5000",
    ]
    assert {error["extensions"]["code"] for error in errors} == {"GRAPHQL_VALIDATION_FAILED"}
    assert bad_time < 5
    assert isinstance(ok.json()["data"]["invoices"]["totalCount"], int), ok.text
    assert ok_time < 5
    # Without aliases the same shape is refused as quickly, by the selection limit.
    [error] = quick.json()["errors"]
    assert (
        error["message"] == f"{2**40} field selections once fragments are expanded. Allowed: 5000"
    )
