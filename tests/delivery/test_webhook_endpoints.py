"""Adding, listing and disabling webhook endpoints: URL rules, tenancy, the CLI."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator

import pytest
from standardwebhooks import Webhook

from gateway.cli import main
from gateway.domain.errors import AppNotFound, InvalidWebhookUrl, WebhookEndpointNotFound
from gateway.runtime import Runtime
from gateway.services.demo import DEMO_APP_ID, seed_demo
from gateway.services.tenants import create_app_with_credential
from gateway.services.webhook_endpoints import (
    add_webhook_endpoint,
    check_webhook_url,
    disable_webhook_endpoint,
    list_webhook_endpoints,
    new_secret,
)
from gateway.settings import Settings
from tests.e2e.gateway_process import cli

NON_PUBLIC = [
    "http://127.0.0.1/hook",
    "http://127.1.2.3:8080/hook",
    "http://localhost/hook",
    "http://10.0.0.8/hook",
    "http://172.16.5.4/hook",
    "http://192.168.1.10/hook",
    "http://100.64.0.1/hook",  # carrier-grade NAT
    "http://169.254.169.254/latest/meta-data",  # cloud metadata (link-local)
    "http://0.0.0.0/hook",
    "http://224.0.0.1/hook",
    "http://240.0.0.1/hook",  # reserved
    "http://[::1]/hook",
    "http://[fe80::1]/hook",
    "http://[fc00::1]/hook",
    "http://[::ffff:127.0.0.1]/hook",  # IPv4-mapped loopback
    "http://[::]/hook",
    "http://0x7f.1/hook",  # 127.0.0.1 spelled the way inet_aton accepts
]

# IPv6 forms that reach a private IPv4: refused at registration, wherever it happens.
EMBEDDING_PRIVATE = [
    "http://[::ffff:7f00:1]/hook",  # IPv4-mapped 127.0.0.1, hex spelling
    "http://[::ffff:a9fe:a9fe]/latest/meta-data",  # IPv4-mapped 169.254.169.254
    "http://[2002:7f00:1::1]/hook",  # 6to4 of 127.0.0.1
    "http://[2002:a9fe:a9fe::]/latest/meta-data",  # 6to4 of 169.254.169.254
    "http://[2002:c0a8:101:1::1]:8080/hook",  # 6to4 of 192.168.1.1
    "http://[64:ff9b::7f00:1]/hook",  # NAT64 of 127.0.0.1
    "http://[64:ff9b::a00:1]/hook",  # NAT64 of 10.0.0.1
    "http://[64:ff9b:1::a00:1]/hook",  # local-use NAT64 prefix
    "http://[::7f00:1]/hook",  # IPv4-compatible 127.0.0.1
    "http://[2001:0:5db8:d822::80ff:fffe]/hook",  # Teredo, client 127.0.0.1
    "http://[2001:0:a00:1::a247:27dd]/hook",  # Teredo, server 10.0.0.1
]

NOT_HTTP = [
    "ftp://93.184.216.34/hook",
    "file:///etc/passwd",
    "javascript:alert(1)",
    "hooks.example.com/in",
    "http:///no-host",
    "https://user:secret@93.184.216.34/hook",
    "https://93.184.216.34:99999/hook",
    "https://93.184.216.34/with space",
    "",
]


@pytest.mark.parametrize("url", NON_PUBLIC)
async def test_non_public_addresses_are_refused(url: str) -> None:
    with pytest.raises(InvalidWebhookUrl, match="non-public address"):
        await check_webhook_url(url, allow_private=False)


@pytest.mark.parametrize("url", NON_PUBLIC)
async def test_non_public_addresses_are_allowed_when_configured(url: str) -> None:
    await check_webhook_url(url, allow_private=True)


@pytest.mark.parametrize("url", EMBEDDING_PRIVATE)
async def test_addresses_embedding_a_private_ipv4_are_refused(url: str) -> None:
    with pytest.raises(InvalidWebhookUrl, match="non-public address"):
        await check_webhook_url(url, allow_private=False)
    await check_webhook_url(url, allow_private=True)


@pytest.mark.parametrize("url", NOT_HTTP)
@pytest.mark.parametrize("allow_private", [False, True])
async def test_only_http_urls_are_accepted(url: str, allow_private: bool) -> None:
    with pytest.raises(InvalidWebhookUrl) as refused:
        await check_webhook_url(url, allow_private=allow_private)
    assert refused.value.code == "INVALID_WEBHOOK_URL"
    assert refused.value.status_code == 400


@pytest.mark.parametrize(
    "url", ["https://93.184.216.34/hook", "http://8.8.8.8:8080/in?x=1", "HTTPS://[2606:4700::1]/"]
)
async def test_public_addresses_are_accepted(url: str) -> None:
    target = await check_webhook_url(url, allow_private=False)
    assert target.scheme in {"http", "https"}


async def test_a_host_that_does_not_resolve_is_refused() -> None:
    with pytest.raises(InvalidWebhookUrl, match="does not resolve"):
        await check_webhook_url("https://no-such-host.invalid/hook", allow_private=False)


def test_secrets_are_standard_webhooks_secrets() -> None:
    secrets = {new_secret() for _ in range(50)}
    assert len(secrets) == 50
    for secret in secrets:
        assert secret.startswith("whsec_")
        assert len(base64.b64decode(secret.removeprefix("whsec_"), validate=True)) == 24
        Webhook(secret)  # the library accepts it


# --------------------------------------------------------------------------- service


@pytest.fixture
async def runtime(migrated_database_url: str) -> AsyncIterator[Runtime]:
    settings = Settings(database_url=migrated_database_url, allow_private_webhook_urls=True)
    runtime = Runtime.open(settings)
    try:
        await seed_demo(runtime)
        yield runtime
    finally:
        await runtime.close()


async def test_add_list_disable(runtime: Runtime) -> None:
    first = await add_webhook_endpoint(runtime, DEMO_APP_ID, "http://127.0.0.1:9/one")
    second = await add_webhook_endpoint(runtime, DEMO_APP_ID, "https://93.184.216.34/two")
    assert first.id != second.id and first.secret != second.secret

    listed = await list_webhook_endpoints(runtime, DEMO_APP_ID)
    assert {e.id: e.enabled for e in listed} == {first.id: True, second.id: True}

    disabled = await disable_webhook_endpoint(runtime, DEMO_APP_ID, first.id)
    assert (disabled.enabled, disabled.disabled_reason) == (False, "disabled by operator")
    # Again: nothing changes, the first reason stays.
    again = await disable_webhook_endpoint(runtime, DEMO_APP_ID, first.id, "other")
    assert again.disabled_reason == "disabled by operator"
    listed = await list_webhook_endpoints(runtime, DEMO_APP_ID)
    assert {e.id: e.enabled for e in listed} == {first.id: False, second.id: True}


async def test_another_apps_endpoint_is_not_found(runtime: Runtime) -> None:
    other = await create_app_with_credential(runtime, "Other app")
    theirs = await add_webhook_endpoint(runtime, other.app_id, "https://93.184.216.34/theirs")

    assert await list_webhook_endpoints(runtime, DEMO_APP_ID) == []
    with pytest.raises(WebhookEndpointNotFound):
        await disable_webhook_endpoint(runtime, DEMO_APP_ID, theirs.id)
    [still] = await list_webhook_endpoints(runtime, other.app_id)
    assert still.enabled


async def test_unknown_app_and_endpoint(runtime: Runtime) -> None:
    with pytest.raises(AppNotFound):
        await add_webhook_endpoint(runtime, "app_nope", "https://93.184.216.34/x")
    with pytest.raises(AppNotFound, match="App not found: app_nope"):
        await list_webhook_endpoints(runtime, "app_nope")
    with pytest.raises(WebhookEndpointNotFound) as missing:
        await disable_webhook_endpoint(runtime, DEMO_APP_ID, "whep_nope")
    assert missing.value.code == "WEBHOOK_ENDPOINT_NOT_FOUND"


async def test_private_urls_are_refused_by_default(migrated_database_url: str) -> None:
    runtime = Runtime.open(Settings(database_url=migrated_database_url))
    try:
        await seed_demo(runtime)
        with pytest.raises(InvalidWebhookUrl):
            await add_webhook_endpoint(runtime, DEMO_APP_ID, "http://127.0.0.1:9/hook")
        assert await list_webhook_endpoints(runtime, DEMO_APP_ID) == []
    finally:
        await runtime.close()


async def test_the_service_refuses_embedded_private_addresses(migrated_database_url: str) -> None:
    runtime = Runtime.open(Settings(database_url=migrated_database_url))
    try:
        await seed_demo(runtime)
        for url in EMBEDDING_PRIVATE:
            with pytest.raises(InvalidWebhookUrl, match="non-public address"):
                await add_webhook_endpoint(runtime, DEMO_APP_ID, url)
        assert await list_webhook_endpoints(runtime, DEMO_APP_ID) == []
        refused = "http://[2002:7f00:1::1]/hook"
        with pytest.raises(InvalidWebhookUrl) as described:
            await add_webhook_endpoint(runtime, DEMO_APP_ID, refused)
        assert described.value.message == (
            "Webhook host '2002:7f00:1::1' resolves to a non-public address "
            "(2002:7f00:1::1, which reaches 127.0.0.1)"
        )
    finally:
        await runtime.close()


# --------------------------------------------------------------------------- CLI


def _failing_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gateway.cli", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_cli_webhooks_round_trip(migrated_database_url: str) -> None:
    env = {"DATABASE_URL": migrated_database_url, "ALLOW_PRIVATE_WEBHOOK_URLS": ""}
    app_id = json.loads(cli(env, "seed-demo", "--json"))["app_id"]

    added = json.loads(cli(env, "webhooks", "add", app_id, "https://93.184.216.34/in", "--json"))
    assert added["url"] == "https://93.184.216.34/in"
    assert added["secret"].startswith("whsec_")
    Webhook(added["secret"])

    listed = json.loads(cli(env, "webhooks", "list", app_id, "--json"))
    assert [(e["id"], e["enabled"]) for e in listed] == [(added["id"], True)]
    assert "secret" not in listed[0]  # shown once, when added

    assert added["id"] in cli(env, "webhooks", "disable", app_id, added["id"])
    listed = json.loads(cli(env, "webhooks", "list", app_id, "--json"))
    assert [(e["enabled"], e["disabled_reason"]) for e in listed] == [
        (False, "disabled by operator")
    ]
    assert "disabled (disabled by operator)" in cli(env, "webhooks", "list", app_id)

    # The private-address rule applies to the CLI too, and errors exit 2.
    refused = _failing_cli(env, "webhooks", "add", app_id, "http://127.0.0.1:9/hook")
    assert refused.returncode == 2
    assert "non-public address" in refused.stderr
    allowed = {**env, "ALLOW_PRIVATE_WEBHOOK_URLS": "1"}
    assert "whsec_" in cli(allowed, "webhooks", "add", app_id, "http://127.0.0.1:9/hook")
    missing = _failing_cli(env, "webhooks", "disable", "app_other", added["id"])
    assert missing.returncode == 2
    assert "invoice-gateway: Webhook endpoint not found" in missing.stderr


def test_cli_refuses_an_embedded_private_address(
    migrated_database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", migrated_database_url)
    monkeypatch.setenv("LOG_LEVEL", "error")  # no warnings before the message
    monkeypatch.delenv("ALLOW_PRIVATE_WEBHOOK_URLS", raising=False)
    assert main(["webhooks", "add", DEMO_APP_ID, "http://[2002:a9fe:a9fe::]/meta"]) == 2
    assert capsys.readouterr().err == (
        "invoice-gateway: Webhook host '2002:a9fe:a9fe::' resolves to a non-public address "
        "(2002:a9fe:a9fe::, which reaches 169.254.169.254)\n"
    )


def test_cli_webhooks_list_of_an_unknown_app_fails(migrated_database_url: str) -> None:
    env = {"DATABASE_URL": migrated_database_url}
    app_id = json.loads(cli(env, "seed-demo", "--json"))["app_id"]
    assert cli(env, "webhooks", "list", app_id) == ""  # a real app without endpoints

    for json_flag in ([], ["--json"]):
        unknown = _failing_cli(env, "webhooks", "list", "app_typo", *json_flag)
        assert unknown.returncode == 2
        assert unknown.stdout == ""
        assert unknown.stderr.splitlines()[-1] == "invoice-gateway: App not found: app_typo"


@pytest.mark.parametrize(
    "command",
    [["worker"], ["webhooks"], ["webhooks", "add"], ["webhooks", "list"], ["webhooks", "disable"]],
)
def test_cli_help(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([*command, "--help"])
    assert exited.value.code == 0
    shown = capsys.readouterr().out
    assert shown.startswith("usage: invoice-gateway " + " ".join(command))
    if command == ["worker"]:
        assert "--once" in shown and "--poll-interval S" in shown
