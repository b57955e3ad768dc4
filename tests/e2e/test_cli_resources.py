"""invoice-gateway customers | products | taxes | wallets as processes, on the embedded
default (an SQLite file in the working directory). Each process costs seconds: the
argument handling is tested in process (tests/test_cli_resources.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gateway.db.migrate import upgrade
from gateway.runtime import Runtime
from gateway.services.tenants import create_app_with_credential
from gateway.settings import DatabasePool, Settings
from tests.cli_resource_cases import argument, expected
from tests.e2e.gateway_process import cli
from tests.e2e.test_cli_embedded import _failing_cli
from tests.servers import run_coroutine, run_in_thread


def _app(cwd: Path) -> str:
    """A migrated database in `cwd` (the default URL's file) with one app, Acme."""
    database_url = f"sqlite+aiosqlite:///{cwd / 'invoice_gateway.db'}"
    run_in_thread(upgrade, database_url)

    async def created() -> str:
        runtime = Runtime.open(Settings(database_url=database_url, database_pool=DatabasePool()))
        try:
            return (await create_app_with_credential(runtime, "Acme")).app_id
        finally:
            await runtime.close()

    return run_coroutine(created)


@pytest.mark.parametrize("resource", ["customers", "products", "taxes", "wallets"])
def test_add_then_list(resource: str, tmp_path: Path) -> None:
    app_id = _app(tmp_path)
    added = json.loads(
        cli({}, resource, "add", "--app", app_id, "--json", argument(resource), cwd=tmp_path)
    )
    assert added == expected(resource, added, app_id, "Acme")
    assert json.loads(cli({}, resource, "list", "--app", app_id, "--json", cwd=tmp_path)) == [added]


def test_bad_fields_exit_2_with_the_v0_messages(tmp_path: Path) -> None:
    app_id = _app(tmp_path)
    fields = '{"first_name": "Ada", "last_name": 7, "phone_number": "+4420700000"}'
    refused = _failing_cli(tmp_path, "customers", "add", "--app", app_id, fields)
    assert (refused.returncode, refused.stdout) == (2, "")
    assert refused.stderr.splitlines()[-1] == "invoice-gateway: last_name must be a string"
    assert "Traceback" not in refused.stderr


def test_an_unknown_app_exits_2(tmp_path: Path) -> None:
    _app(tmp_path)
    refused = _failing_cli(tmp_path, "wallets", "list", "--app", "app_typo", "--json")
    assert (refused.returncode, refused.stdout) == (2, "")
    assert refused.stderr.splitlines()[-1] == "invoice-gateway: App not found: app_typo"
    assert "Traceback" not in refused.stderr
