"""/metrics of a gateway with two uvicorn workers sharing one multiprocess directory:
known traffic, then exact counts summed over both workers, on the metrics port only."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.apptest import basic_invoice
from tests.e2e.gateway_process import gateway_processes, seed_in_process
from tests.servers import free_port

RECENT = "query RecentInvoices { invoices(first: 5) { edges { node { id invoiceNumber } } } }"
ONE = "query OneInvoice($id: ID!) { invoice(id: $id) { id total } }"


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    found: dict[tuple[str, frozenset[tuple[str, str]]], float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return found


def value(
    found: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str
) -> float:
    return found.get((name, frozenset(labels.items())), 0.0)


def test_two_workers_add_up_on_the_metrics_port(
    database_url: str, redis_url: str, tmp_path: Path
) -> None:
    creds = seed_in_process(database_url)
    headers = {"x-client-key": creds["client_key"], "x-client-secret": creds["client_secret"]}
    metrics_port = free_port()
    multiproc_dir = tmp_path / "metrics"
    multiproc_dir.mkdir()
    (multiproc_dir / "counter_1.db").write_bytes(b"left by an earlier run")
    env = {
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        # 4 creates (one a replay), 2 reads, 1 unknown route, 2 operations: the 10th is refused.
        "RATE_LIMIT_PER_MINUTE": "9",
        "METRICS_PORT": str(metrics_port),
        "PROMETHEUS_MULTIPROC_DIR": str(multiproc_dir),
    }
    with gateway_processes(env, 1, serve_args=["--workers", "2"]) as (url,):
        api = f"{url}/api/v0"
        with httpx.Client(timeout=30) as client:
            keys = [str(uuid.uuid4()) for _ in range(3)]
            created = [
                client.post(
                    f"{api}/invoices",
                    json=basic_invoice(name=f"Metered {n}"),
                    headers={**headers, "Idempotency-Key": key},
                )
                for n, key in enumerate(keys)
            ]
            assert [r.status_code for r in created] == [201, 201, 201]
            replay = client.post(
                f"{api}/invoices",
                json=basic_invoice(name="Metered 0"),
                headers={**headers, "Idempotency-Key": keys[0]},
            )
            assert replay.headers["idempotent-replayed"] == "true"
            first_id = created[0].json()["id"]
            for invoice in created[:2]:
                assert (
                    client.get(
                        f"{api}/invoices/{invoice.json()['id']}", headers=headers
                    ).status_code
                    == 200
                )
            assert client.get(f"{api}/no-such-route", headers=headers).status_code == 404
            operations = [
                client.post(f"{url}/graphql", json={"query": RECENT}, headers=headers),
                client.post(
                    f"{url}/graphql",
                    json={"query": ONE, "variables": {"id": first_id}},
                    headers=headers,
                ),
            ]
            assert [r.status_code for r in operations] == [200, 200]
            assert [sorted(r.json()) for r in operations] == [["data", "extensions"]] * 2
            costs = [r.json()["extensions"]["cost"]["requested"] for r in operations]
            assert client.get(f"{api}/invoices", headers=headers).status_code == 429
            assert client.get(f"{url}/metrics").status_code == 404
            scraped = client.get(f"http://127.0.0.1:{metrics_port}/metrics")
    assert scraped.status_code == 200
    found = samples(scraped.text)
    requests = "invoice_gateway_http_requests_total"
    assert value(found, requests, route="/api/v0/invoices", method="POST", status="201") == 4
    assert (
        value(found, requests, route="/api/v0/invoices/{invoice_id}", method="GET", status="200")
        == 2
    )
    assert value(found, requests, route="/graphql", method="POST", status="200") == 2
    assert value(found, requests, route="/api/v0/invoices", method="GET", status="429") == 1
    # The unknown API route and /metrics on the public port: one label, no raw paths.
    assert value(found, requests, route="unmatched", method="GET", status="404") == 2
    assert not any("no-such-route" in str(labels) for _name, labels in found)
    operations_total = "invoice_gateway_graphql_operations_total"
    assert value(found, operations_total, operation="RecentInvoices", status="200") == 1
    assert value(found, operations_total, operation="OneInvoice", status="200") == 1
    cost = "invoice_gateway_graphql_query_cost"
    assert value(found, f"{cost}_count", operation="RecentInvoices") == 1
    assert value(found, f"{cost}_sum", operation="RecentInvoices") == costs[0]
    assert value(found, f"{cost}_sum", operation="OneInvoice") == costs[1]
    duration = "invoice_gateway_http_request_duration_seconds_count"
    assert value(found, duration, route="/api/v0/invoices", method="POST") == 4
    assert value(found, "invoice_gateway_rate_limit_refusals_total") == 1
    assert value(found, "invoice_gateway_idempotent_replays_total") == 1
    assert value(found, "invoice_gateway_redis_errors_total") == 0
    assert value(found, "invoice_gateway_db_pool_connections_in_use") == 0
    assert value(found, "invoice_gateway_db_pool_waiting") == 0
    # Both workers wrote to the shared directory; the earlier run's file was removed.
    writers = {
        re.sub(r"\D", "", path.stem.rsplit("_", 1)[1]) for path in multiproc_dir.glob("*.db")
    }
    assert len(writers) >= 2
    assert "1" not in writers
