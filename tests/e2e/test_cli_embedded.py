"""The CLI on the embedded default: an SQLite file in the working directory, no Redis."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.apptest import basic_invoice
from tests.e2e.gateway_process import REPO_ROOT, cli, gateway_processes


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
        # PUBLIC_BASE_URL is unset: links point at the port the server listens on.
        assert response.json()["payment_link_url"].startswith(f"{url}/pay/")
        mine = {"x-client-key": created["client_key"], "x-client-secret": created["client_secret"]}
        assert httpx.get(f"{url}/api/v0/invoices", headers=mine, timeout=5).json() == []


def _failing_cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gateway.cli", *args],
        env={"PATH": os.environ["PATH"], "PYTHONPATH": str(REPO_ROOT)},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_create_app_refuses_a_name_in_use(tmp_path: Path) -> None:
    cli({}, "migrate", cwd=tmp_path)
    first = json.loads(cli({}, "create-app", "Acme", "--json", cwd=tmp_path))

    for json_flag in ([], ["--json"]):
        again = _failing_cli(tmp_path, "create-app", "Acme", *json_flag)
        assert again.returncode == 2
        assert again.stdout == ""
        assert again.stderr.splitlines()[-1] == (
            f"invoice-gateway: An app named 'Acme' already exists ({first['app_id']}); "
            "choose another name"
        )
    assert json.loads(cli({}, "create-app", "Acme Ltd", "--json", cwd=tmp_path))["client_key"]
    with sqlite3.connect(tmp_path / "invoice_gateway.db") as db:
        names = db.execute("SELECT name FROM app ORDER BY name").fetchall()
    assert names == [("Acme",), ("Acme Ltd",)]
