"""The GraphQL-over-HTTP audit (the `graphql-http` package's auditServer, audit.mjs)
against a real `invoice-gateway serve`, authenticated with the demo app's credentials:
every audit passes, MUST, SHOULD and MAY alike.

The package comes from npm, pinned by package-lock.json beside this file; `npm ci`
installs it into node_modules here the first time and again when the lock file changes.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.gateway_process import gateway_processes, seed_in_process
from tests.npm import NODE, install_packages, needs_node

TOOLS = Path(__file__).resolve().parent

pytestmark = needs_node


@pytest.fixture(scope="session")
def audit_script() -> Path:
    """audit.mjs, its packages installed as package-lock.json pins them."""
    install_packages(TOOLS)
    return TOOLS / "audit.mjs"


@pytest.fixture
def gateway(database_url: str) -> Iterator[tuple[str, dict[str, str]]]:
    """A gateway process on a migrated, seeded database; its URL and the demo headers."""
    demo = seed_in_process(database_url)
    headers = {"x-client-key": demo["client_key"], "x-client-secret": demo["client_secret"]}
    with gateway_processes({"DATABASE_URL": database_url}, 1) as [url]:
        yield url, headers


def audit(script: Path, url: str, headers: dict[str, str]) -> list[dict[str, Any]]:
    assert NODE is not None
    arguments = [part for item in headers.items() for part in ("--header", ": ".join(item))]
    ran = subprocess.run(
        [NODE, str(script), url, *arguments],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr
    results: list[dict[str, Any]] = json.loads(ran.stdout)
    return results


def described(result: dict[str, Any]) -> str:
    response = result["response"]
    return (
        f"{result['status']} {result['id']} {result['name']}: {result['reason']} "
        f"(got {response['status']} {response['contentType']}: {response['body'][:300]})"
    )


def test_every_graphql_over_http_audit_passes(
    audit_script: Path, gateway: tuple[str, dict[str, str]]
) -> None:
    url, headers = gateway
    results = audit(audit_script, f"{url}/graphql", headers)
    failed = [described(result) for result in results if result["status"] != "ok"]
    assert not failed, "\n".join(failed)
    # graphql-http 1.23.1's full list: none may go missing unnoticed.
    assert len(results) == 61
    # Without the credentials the same audit fails: its requests reach the endpoint as sent.
    refused = audit(audit_script, f"{url}/graphql", {})
    assert "4655" in {result["id"] for result in refused if result["status"] == "error"}
    assert {result["response"]["status"] for result in refused if result["status"] != "ok"} == {401}
