"""invoice-gateway credentials issue | revoke | rotate, in process on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest

from gateway.domain.errors import Unauthorized
from gateway.runtime import Runtime
from gateway.services.access import Caller, authenticate
from tests.servers import run_coroutine
from tests.test_cli_resources import Gateway


@pytest.fixture
def cli(
    migrated_database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Gateway:
    monkeypatch.setenv("DATABASE_URL", migrated_database_url)
    monkeypatch.setenv("LOG_LEVEL", "error")
    for name in ("REDIS_URL", "REDIS_CLUSTER"):
        monkeypatch.delenv(name, raising=False)
    return Gateway(migrated_database_url, capsys)


def _authenticate(cli: Gateway, key: str, secret: str) -> Caller | None:
    async def attempt() -> Caller | None:
        runtime = Runtime.open(cli.settings)
        try:
            return await authenticate(runtime, key, secret)
        except Unauthorized:
            return None
        finally:
            await runtime.close()

    return run_coroutine(attempt)


def test_issue_revoke_and_rotate(cli: Gateway) -> None:
    issued = json.loads(cli.ok("credentials", "issue", cli.acme, "--json"))
    assert issued["app_id"] == cli.acme and issued["revoked"] is None
    key, secret = issued["client_key"], issued["client_secret"]
    caller = _authenticate(cli, key, secret)
    assert caller is not None and caller.app_id == cli.acme

    rotated = json.loads(cli.ok("credentials", "rotate", key, "--json"))
    assert rotated["revoked"] == key and rotated["client_key"] != key
    assert _authenticate(cli, key, secret) is None
    assert _authenticate(cli, rotated["client_key"], rotated["client_secret"]) is not None

    out = cli.ok("credentials", "revoke", rotated["client_key"])
    assert f"revoked:       {rotated['client_key']}" in out
    assert _authenticate(cli, rotated["client_key"], rotated["client_secret"]) is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("credentials", "revoke", "ck_nobody"), "Credential not found: ck_nobody"),
        (("credentials", "rotate", "ck_\x00"), "Credential not found"),
        (("credentials", "issue", "app_nobody"), "App not found: app_nobody"),
    ],
)
def test_unknown_targets_exit_with_status_2(
    cli: Gateway,
    args: tuple[str, ...],
    message: str,
) -> None:
    code, out, err = cli.run(*args)
    assert (code, out) == (2, "")
    assert message in err
