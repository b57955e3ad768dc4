"""Apollo Client's persisted-query link (apq.mjs, @apollo/client from npm, hashes by
node's crypto) against two real `invoice-gateway serve` processes sharing Redis: the
first client's hash is unknown and it registers the query, the second client's hash
is then known on the other process, over GET; a POST-only client registers its own.

The packages come from npm, pinned by package-lock.json beside this file (tests.npm).
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gateway.services.demo import CUSTOMER_ID
from tests.e2e.gateway_process import gateway_processes, seed_in_process
from tests.npm import NODE, install_packages, needs_node

TOOLS = Path(__file__).resolve().parent
JOHN = {"customer": {"__typename": "Customer", "name": "John Doe", "email": "client@example.com"}}
NOT_FOUND = {
    "errors": [
        {"message": "PersistedQueryNotFound", "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}
    ]
}

pytestmark = [needs_node, pytest.mark.redis]


@pytest.fixture(scope="session")
def apq_script() -> Path:
    install_packages(TOOLS)
    return TOOLS / "apq.mjs"


@pytest.fixture
def gateways(sqlite_url: str, redis_url: str) -> Iterator[tuple[list[str], dict[str, str]]]:
    """Two gateway processes on one seeded database and one Redis; their URLs and the
    demo app's headers."""
    demo = seed_in_process(sqlite_url)
    headers = {"x-client-key": demo["client_key"], "x-client-secret": demo["client_secret"]}
    with gateway_processes({"DATABASE_URL": sqlite_url, "REDIS_URL": redis_url}, 2) as urls:
        yield urls, headers


def run_clients(script: Path, urls: list[str], headers: dict[str, str]) -> dict[str, Any]:
    assert NODE is not None
    arguments = [part for item in headers.items() for part in ("--header", ": ".join(item))]
    ran = subprocess.run(
        [NODE, str(script), *(f"{url}/graphql" for url in urls), CUSTOMER_ID, *arguments],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr
    report: dict[str, Any] = json.loads(ran.stdout)
    return report


def sent(request: dict[str, Any]) -> dict[str, Any]:
    """What a request carried: GET parameters (JSON ones decoded) or the POST body."""
    if request["method"] == "GET":
        params = dict(request["params"])
        for name in ("variables", "extensions"):
            if name in params:
                params[name] = json.loads(params[name])
        return params
    body: dict[str, Any] = request["body"]
    return body


def test_apollo_client_registers_once_and_then_sends_hashes_over_get(
    apq_script: Path, gateways: tuple[list[str], dict[str, str]]
) -> None:
    urls, headers = gateways

    report = run_clients(apq_script, urls, headers)

    results, requests = report["results"], report["requests"]
    assert results["first"] == {"data": JOHN}
    assert results["second"] == {"data": JOHN}
    assert results["posting"]["data"]["app"]["currency"]
    flow = [(r["client"], r["method"], "query" in sent(r), r["status"]) for r in requests]
    assert flow == [
        ("first", "GET", False, 200),  # the hash alone: unknown
        ("first", "POST", True, 200),  # the retry with the document registers it
        ("second", "GET", False, 200),  # the hash alone, on the other process: known
        ("posting", "POST", False, 200),
        ("posting", "POST", True, 200),
    ]
    miss, registration, hit = requests[0], requests[1], requests[2]
    assert json.loads(miss["answer"]) == NOT_FOUND  # Apollo asks for graphql-response+json
    assert miss["contentType"].startswith("application/graphql-response+json")
    assert miss["cacheControl"] == "private, no-cache, must-revalidate"
    document = registration["body"]["query"]
    persisted = {"version": 1, "sha256Hash": hashlib.sha256(document.encode()).hexdigest()}
    for request in (miss, registration, hit):
        assert sent(request)["extensions"]["persistedQuery"] == persisted
        assert sent(request)["variables"] == {"id": CUSTOMER_ID}
        assert sent(request)["operationName"] == "Customer"
    assert json.loads(hit["answer"])["data"] == JOHN
    assert json.loads(requests[3]["answer"]) == NOT_FOUND
