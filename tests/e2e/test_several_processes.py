"""Two gateway processes sharing PostgreSQL and Redis (one server, or a three-node Redis
Cluster), as replicas would."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest

from tests.apptest import basic_invoice
from tests.e2e.gateway_process import gateway_processes, seed_in_process

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture(params=["redis", "redis-cluster"])
def replicas(
    request: pytest.FixtureRequest, postgres_url: str
) -> Iterator[tuple[list[str], dict[str, str]]]:
    env = {"DATABASE_URL": postgres_url, "RATE_LIMIT_PER_MINUTE": "100"}
    if request.param == "redis":
        env["REDIS_URL"] = request.getfixturevalue("redis_url")
    else:  # one node's URL: the gateways find the other two
        env["REDIS_URL"] = request.getfixturevalue("redis_cluster_url")
        env["REDIS_CLUSTER"] = "true"
    creds = seed_in_process(postgres_url)
    headers = {"x-client-key": creds["client_key"], "x-client-secret": creds["client_secret"]}
    with gateway_processes(env, 2) as urls:
        yield urls, headers


async def test_rate_limit_is_shared_by_all_processes(
    replicas: tuple[list[str], dict[str, str]],
) -> None:
    urls, headers = replicas
    async with httpx.AsyncClient(timeout=30) as client:
        responses = await asyncio.gather(
            *(client.get(f"{urls[n % 2]}/api/v0/invoices", headers=headers) for n in range(150))
        )
    statuses = [r.status_code for r in responses]
    assert statuses.count(200) == 100
    assert statuses.count(429) == 50


async def test_parallel_creates_and_duplicates_across_processes(
    replicas: tuple[list[str], dict[str, str]],
) -> None:
    urls, headers = replicas
    async with httpx.AsyncClient(timeout=30) as client:
        created = await asyncio.gather(
            *(
                client.post(
                    f"{urls[n % 2]}/api/v0/invoices",
                    json=basic_invoice(name=f"Replica {n}"),
                    headers=headers,
                )
                for n in range(40)
            )
        )
        assert [r.status_code for r in created] == [201] * 40
        numbers = sorted(r.json()["invoice_number"] for r in created)
        assert numbers == [f"INV-{n:06d}" for n in range(1, 41)]

        keyed = {**headers, "x-idempotency-key": "across-replicas"}
        duplicates = await asyncio.gather(
            *(
                client.post(f"{urls[n % 2]}/api/v0/invoices", json=basic_invoice(), headers=keyed)
                for n in range(20)
            )
        )
        statuses = {r.status_code for r in duplicates}
        assert statuses <= {201, 409}
        ids = {r.json()["id"] for r in duplicates if r.status_code == 201}
        assert len(ids) == 1
        after = await client.get(f"{urls[0]}/api/v0/invoices", headers=headers)
        assert after.headers["x-total-count"] == "41"
