"""The gateway and the worker behind a real PgBouncer in transaction pooling mode.

The gateway process keeps up to 4 client connections to PgBouncer, which has 2 server
connections for the database: consecutive transactions of one client connection run on
different server connections, and the server connections carry the transactions of
several clients. Without DB_PGBOUNCER the statements asyncpg prepares by number on
each client connection collide there ("prepared statement ... already exists").
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import make_url

from gateway.db.migrate import upgrade
from gateway.delivery.worker import run_worker
from gateway.runtime import Runtime
from gateway.services.demo import CUSTOMER_ID, seed_demo
from gateway.settings import Settings
from tests import servers
from tests.apptest import DEMO_HEADERS, basic_invoice
from tests.e2e.gateway_process import SMALL_POOL, gateway_processes
from tests.graphql.helpers import CREATE, invoice_input

pytestmark = pytest.mark.postgres

PARALLEL_CREATES = 12

PAGE = """
query Page($customerId: ID!) {
  customer(id: $customerId) {
    name
    invoices(first: 50) {
      totalCount
      edges { node {
        invoiceNumber status total amountDue
        customer { id name }
        wallet { id }
        items { productId quantity product { name } }
        transactions { amount method }
      } }
    }
  }
}
"""


@pytest.fixture
async def through_pgbouncer(
    pgbouncer_server: str, postgres_url: str
) -> AsyncIterator[tuple[dict[str, str], Runtime]]:
    """The gateway's environment and, for this test's own work, a runtime: both on
    PgBouncer with DB_PGBOUNCER; migrated (through PgBouncer too) and seeded."""
    database = make_url(postgres_url).database
    assert database is not None
    env = {"DATABASE_URL": servers.postgres_dsn(pgbouncer_server, database), "DB_PGBOUNCER": "true"}
    settings = Settings.from_env({**SMALL_POOL, **env})
    servers.run_in_thread(upgrade, settings.database_url, "head", settings.database_pool)
    runtime = Runtime.open(settings)
    try:
        await seed_demo(runtime)
        yield env, runtime
    finally:
        await runtime.close()


async def _graphql(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any]
) -> dict[str, Any]:
    response = await client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


async def test_gateway_and_worker_through_pgbouncer(
    through_pgbouncer: tuple[dict[str, str], Runtime],
) -> None:
    env, runtime = through_pgbouncer
    with gateway_processes(env, 1) as [url]:
        async with httpx.AsyncClient(base_url=url, headers=DEMO_HEADERS, timeout=30) as client:
            created = await asyncio.gather(
                *(
                    client.post("/api/v0/invoices", json=basic_invoice(name=f"Bounced {n}"))
                    for n in range(PARALLEL_CREATES)
                )
            )
            assert [r.status_code for r in created] == [201] * PARALLEL_CREATES, [
                r.text for r in created if r.status_code != 201
            ]
            numbers = sorted(r.json()["invoice_number"] for r in created)
            assert numbers == [f"INV-{n:06d}" for n in range(1, PARALLEL_CREATES + 1)]

            mutation = await _graphql(
                client, CREATE, {"input": invoice_input(partial_payment=True), "key": "gql-1"}
            )
            assert mutation["createInvoice"]["userErrors"] == []
            graphql_invoice = mutation["createInvoice"]["invoice"]
            assert graphql_invoice["invoiceNumber"] == f"INV-{PARALLEL_CREATES + 1:06d}"

            paid = await client.post(
                f"/api/v0/invoices/{graphql_invoice['id']}/payments",
                json={"amount": "1000.00", "method": "CRYPTO", "reference": "tx-1"},
            )
            assert paid.status_code == 201, paid.text
            assert paid.json()["status"] == "PARTIALLYPAID"
            assert paid.json()["amount_due"] == 1500.00

            pages = await asyncio.gather(
                *(_graphql(client, PAGE, {"customerId": CUSTOMER_ID}) for _ in range(4))
            )
            assert all(page == pages[0] for page in pages)
            invoices = pages[0]["customer"]["invoices"]
            assert invoices["totalCount"] == PARALLEL_CREATES + 1
            nodes = [edge["node"] for edge in invoices["edges"]]
            assert all(node["customer"]["id"] == CUSTOMER_ID for node in nodes)
            assert all(node["items"][0]["product"]["name"] for node in nodes)
            [partly_paid] = [node for node in nodes if node["transactions"]]
            assert partly_paid["status"] == "PARTIALLYPAID"
            assert partly_paid["transactions"] == [{"amount": "1000.00", "method": "CRYPTO"}]

    # One worker pass through PgBouncer: the invoice emails go out (logged: no SMTP_URL).
    counts = await run_worker(runtime, once=True)
    assert counts.delivered >= PARALLEL_CREATES + 1
    assert counts.retried == counts.dead == 0
    assert (await run_worker(runtime, once=True)).delivered == 0
