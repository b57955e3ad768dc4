"""The CLI on the embedded default: an SQLite file in the working directory, no Redis."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from tests.apptest import basic_invoice
from tests.e2e.gateway_process import cli, gateway_processes


@pytest.mark.parametrize(
    "command", [[], ["serve"], ["migrate"], ["seed-demo"], ["create-app"]], ids=str
)
def test_every_command_has_help(command: list[str], tmp_path: Path) -> None:
    assert "usage: invoice-gateway" in cli({}, *command, "--help", cwd=tmp_path)


def test_default_run_is_migrated_seeded_and_ready(tmp_path: Path) -> None:
    cli({}, "migrate", cwd=tmp_path)
    first = json.loads(cli({}, "seed-demo", "--json", cwd=tmp_path))
    again = json.loads(cli({}, "seed-demo", "--json", cwd=tmp_path))
    assert first == again and set(first) >= {"client_key", "client_secret"}
    created = json.loads(cli({}, "create-app", "Acme", "--json", cwd=tmp_path))
    assert created["client_key"].startswith("ck_") and created["client_secret"]
    assert (tmp_path / "invoice_gateway.db").exists()

    with gateway_processes({}, 1, cwd=tmp_path) as [url]:
        ready = httpx.get(f"{url}/readyz", timeout=5)
        assert ready.status_code == 200
        assert ready.json() == {"status": "ready", "checks": {"database": "ok", "store": "ok"}}
        headers = {"x-client-key": first["client_key"], "x-client-secret": first["client_secret"]}
        response = httpx.post(
            f"{url}/api/v0/invoices", json=basic_invoice(), headers=headers, timeout=10
        )
        assert response.status_code == 201
        mine = {"x-client-key": created["client_key"], "x-client-secret": created["client_secret"]}
        assert httpx.get(f"{url}/api/v0/invoices", headers=mine, timeout=5).json() == []
