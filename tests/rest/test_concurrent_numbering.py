from __future__ import annotations

import asyncio

import httpx

from gateway.runtime import Runtime
from tests.apptest import DEMO_HEADERS, basic_invoice


async def test_fifty_parallel_creates_get_numbers_one_to_fifty(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, _runtime = gateway
    responses = await asyncio.gather(
        *(
            client.post(
                "/api/v0/invoices", json=basic_invoice(name=f"Parallel {n}"), headers=DEMO_HEADERS
            )
            for n in range(50)
        )
    )
    assert [r.status_code for r in responses] == [201] * 50
    numbers = sorted(r.json()["invoice_number"] for r in responses)
    assert numbers == [f"INV-{n:06d}" for n in range(1, 51)]
