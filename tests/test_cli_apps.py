"""invoice-gateway apps set-bank-details | set-logo, in process on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest

from gateway.db.reads import app_row
from gateway.runtime import Runtime
from tests.servers import run_coroutine
from tests.test_cli_resources import Gateway

# The smallest PNG: one transparent pixel.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


@pytest.fixture
def cli(
    migrated_database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Gateway:
    monkeypatch.setenv("DATABASE_URL", migrated_database_url)
    # Errors only: the start-up warnings (development key, in-process store) would come
    # before each command's own message on stderr.
    monkeypatch.setenv("LOG_LEVEL", "error")
    for name in ("REDIS_URL", "REDIS_CLUSTER"):
        monkeypatch.delenv(name, raising=False)
    return Gateway(migrated_database_url, capsys)


def _app(cli: Gateway, app_id: str) -> tuple[Any, Any]:
    async def read() -> tuple[Any, Any]:
        runtime = Runtime.open(cli.settings)
        try:
            async with runtime.sessions() as session:
                row = await app_row(session, app_id)
                assert row is not None
                return row.bank_details, row.logo
        finally:
            await runtime.close()

    return run_coroutine(read)


def test_set_bank_details_and_logo(cli: Gateway, tmp_path: Path) -> None:
    details = '{"account_name": "Acme", "iban": "DE89 3704 0044 0532 0130 00", "bic": "cobadeff"}'
    assert cli.ok("apps", "set-bank-details", cli.acme, details) == (
        f"bank details of {cli.acme} set\n"
    )
    assert _app(cli, cli.acme)[0] == {
        "account_name": "Acme",
        "iban": "DE89370400440532013000",
        "bic": "COBADEFF",
    }
    assert _app(cli, cli.other) == (None, None)

    logo = tmp_path / "logo.png"
    logo.write_bytes(PNG)
    assert cli.ok("apps", "set-logo", cli.acme, str(logo)) == f"logo of {cli.acme} set\n"
    assert _app(cli, cli.acme)[1] == "data:image/png;base64," + base64.b64encode(PNG).decode()

    assert cli.ok("apps", "set-bank-details", cli.acme, "null") == (
        f"bank details of {cli.acme} removed\n"
    )
    assert cli.ok("apps", "set-logo", cli.acme, "--remove") == f"logo of {cli.acme} removed\n"
    assert _app(cli, cli.acme) == (None, None)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("set-bank-details", "{app}", '{"iban": "DE00"}'), "iban is not a valid IBAN"),
        (("set-bank-details", "{app}", "{"), "bank details are not JSON: "),
        (("set-bank-details", "app_missing", "{}"), "App not found: app_missing"),
        (("set-bank-details", "app\x00x", "{}"), "App not found: app\x00x"),
        (("set-logo", "{app}", "/nonexistent.png"), "cannot read /nonexistent.png: "),
        (("set-logo", "{app}"), "give an image file or --remove"),
    ],
)
def test_bad_input_is_refused_and_nothing_written(
    cli: Gateway, args: tuple[str, ...], message: str
) -> None:
    code, out, err = cli.run("apps", *(a.replace("{app}", cli.acme) for a in args))
    assert (code, out) == (2, "")
    assert err.startswith(f"invoice-gateway: {message}"), err
    assert _app(cli, cli.acme) == (None, None)
