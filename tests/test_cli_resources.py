"""invoice-gateway customers | products | taxes | wallets add | list, in process
(gateway.cli.main) on SQLite and PostgreSQL; tests/e2e/test_cli_resources.py runs the
commands as processes."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from sqlmodel import col, select

from gateway.cli import main
from gateway.db.tables import OutboxMessage
from gateway.domain.taxes import CreateTaxCommand
from gateway.encoding import loads
from gateway.runtime import Runtime
from gateway.services.access import Caller
from gateway.services.taxes import create_tax
from gateway.services.tenants import create_app_with_credential
from gateway.services.webhook_endpoints import add_webhook_endpoint
from gateway.settings import DatabasePool, Settings
from tests.cli_resource_cases import ADDRESS, FIELDS, argument, expected
from tests.servers import run_coroutine

RESOURCES = ("customers", "products", "taxes", "wallets")
SINGULAR = {"customers": "customer", "products": "product", "taxes": "tax", "wallets": "wallet"}


class Gateway:
    """The CLI on a migrated database with two apps, Acme (with a webhook endpoint, so
    its events reach the outbox) and Other."""

    def __init__(self, database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
        self.settings = Settings(database_url=database_url, database_pool=DatabasePool(size=1))
        self.capsys = capsys

        async def apps() -> tuple[str, str]:
            runtime = Runtime.open(self.settings)
            try:
                acme = await create_app_with_credential(runtime, "Acme")
                other = await create_app_with_credential(runtime, "Other")
                await add_webhook_endpoint(runtime, acme.app_id, "https://93.184.216.34/hook")
                return acme.app_id, other.app_id
            finally:
                await runtime.close()

        self.acme, self.other = run_coroutine(apps)

    def run(self, *args: str) -> tuple[int, str, str]:
        """Exit code, stdout, stderr."""
        self.capsys.readouterr()
        code = main(list(args))
        out, err = self.capsys.readouterr()
        return code, out, err

    def ok(self, *args: str) -> str:
        code, out, err = self.run(*args)
        assert code == 0, err
        return out

    def listed(self, resource: str, app_id: str) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = json.loads(
            self.ok(resource, "list", "--app", app_id, "--json")
        )
        return rows

    def events(self) -> list[tuple[str, str, dict[str, Any]]]:
        """(event type, resource id, data) of every outbox message, oldest first."""

        async def read() -> list[OutboxMessage]:
            runtime = Runtime.open(self.settings)
            try:
                async with runtime.sessions() as session:
                    stmt = select(OutboxMessage).order_by(
                        col(OutboxMessage.created_at), col(OutboxMessage.id)
                    )
                    return list((await session.exec(stmt)).all())
            finally:
                await runtime.close()

        return [
            (m.event_type, str(m.resource_id), loads(m.payload)["data"])
            for m in run_coroutine(read)
        ]

    def add_taxes(self, count: int) -> list[str]:
        """`count` taxes of Acme, through the service; their ids in creation order."""

        async def create() -> list[str]:
            runtime = Runtime.open(self.settings)
            caller = Caller(app_id=self.acme, app_name="Acme", client_key="")
            try:
                return [
                    (
                        await create_tax(
                            runtime, caller, CreateTaxCommand(f"Tax {n}", Decimal(n % 100))
                        )
                    ).id
                    for n in range(count)
                ]
            finally:
                await runtime.close()

        return run_coroutine(create)


@pytest.fixture
def cli(
    migrated_database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Gateway:
    monkeypatch.setenv("DATABASE_URL", migrated_database_url)
    # Errors only: the warnings about the development key and the in-process store would
    # come before each command's own message on stderr.
    monkeypatch.setenv("LOG_LEVEL", "error")
    for name in ("REDIS_URL", "REDIS_CLUSTER", "ALLOW_PRIVATE_WEBHOOK_URLS"):
        monkeypatch.delenv(name, raising=False)
    return Gateway(migrated_database_url, capsys)


def test_add_creates_through_the_service_and_list_shows_the_app_s_rows(cli: Gateway) -> None:
    added = {}
    for resource in RESOURCES:
        shown = json.loads(cli.ok(resource, "add", "--app", cli.acme, "--json", argument(resource)))
        assert shown == expected(resource, shown, cli.acme, "Acme")
        added[resource] = shown

    # The event of each create, its data the rendering printed.
    assert cli.events() == [
        (f"{SINGULAR[resource]}.created", added[resource]["id"], added[resource])
        for resource in RESOURCES
    ]
    for resource in RESOURCES:
        assert cli.listed(resource, cli.acme) == [added[resource]]
        assert cli.listed(resource, cli.other) == []


def test_add_without_json_prints_the_id_and_list_a_table(cli: Gateway) -> None:
    out = cli.ok("customers", "add", "--app", cli.acme, argument("customers"))
    [customer] = cli.listed("customers", cli.acme)
    assert out == f"added customer {customer['id']}\n"
    bare = {"first_name": "Bo", "last_name": "Li", "phone_number": "+15550100"}
    out = cli.ok("customers", "add", "--app", cli.acme, json.dumps(bare))
    newer = cli.listed("customers", cli.acme)[0]
    assert out == f"added customer {newer['id']}\n"

    assert cli.ok("customers", "list", "--app", cli.acme).splitlines() == [
        "ID                                    STATUS  FIRST_NAME  LAST_NAME  EMAIL",
        f"{newer['id']}  ACTIVE  Bo          Li         -",
        f"{customer['id']}  ACTIVE  Ada         Lovelace   ada@example.com",
    ]
    cli.ok("taxes", "add", "--app", cli.acme, argument("taxes"))
    [tax] = cli.listed("taxes", cli.acme)
    assert cli.ok("taxes", "list", "--app", cli.acme).splitlines() == [
        "ID                                    ACTIVE  PERCENTAGE  NAME",
        f"{tax['id']}  true    20.5        VAT",
    ]
    assert cli.ok("wallets", "list", "--app", cli.other) == ""


def test_list_reads_every_page(cli: Gateway) -> None:
    ids = cli.add_taxes(101)  # one more than a page
    listed = cli.listed("taxes", cli.acme)
    assert [tax["id"] for tax in listed] == ids  # the API's order: oldest first
    assert len(cli.ok("taxes", "list", "--app", cli.acme).splitlines()) == 1 + 101


TAKEN_EMAIL = "invoice-gateway: A customer with this email already exists"


@pytest.mark.parametrize(
    ("resource", "fields", "messages"),
    [
        (
            "customers",
            '{"first_name": "", "phone_number": 12, "status": "GONE"}',
            [
                "first_name should not be empty",
                "last_name should not be empty",
                "last_name must be a string",
                "phone_number must be a string",
                "status must be one of the following values: "
                "ACTIVE, BLACKLISTED, DEACTIVATED, DELETED",
            ],
        ),
        (
            "products",
            '{"name": "Widget", "description": "A widget", "price": 2712.4999999999999999}',
            ["price must have at most 2 decimal places"],
        ),
        ("taxes", '{"name": "VAT", "percentage": "20"}', ["percentage must be a number"]),
        (
            "wallets",
            '{"chain": "bitcoin", "type": ""}',
            [
                "address should not be empty",
                "address must be a string",
                "chain must be one of the following values: "
                "ethereum, solana, polygon, avalanche_c_chain, tron, base",
                "type should not be empty",
            ],
        ),
        (
            "wallets",
            json.dumps({"address": ADDRESS[:-1] + "e", "chain": "ethereum"}),
            [
                "address is not a valid ethereum address: "
                "its mixed-case letters do not match the EIP-55 checksum"
            ],
        ),
        ("taxes", '{"name": "VAT",', ["the fields must be valid JSON"]),
        ("products", '["Widget"]', ["request body must be a JSON object"]),
    ],
)
def test_bad_fields_are_refused_with_the_v0_messages(
    cli: Gateway, resource: str, fields: str, messages: list[str]
) -> None:
    code, out, err = cli.run(resource, "add", "--app", cli.acme, fields)
    assert (code, out) == (2, "")
    assert err.splitlines() == [f"invoice-gateway: {message}" for message in messages]
    assert cli.listed(resource, cli.acme) == []
    assert cli.events() == []


def test_conflicts_are_refused(cli: Gateway) -> None:
    for resource in ("customers", "wallets"):
        cli.ok(resource, "add", "--app", cli.acme, argument(resource))
    other_case = {**FIELDS["customers"], "email": "ADA@example.com"}
    code, out, err = cli.run("customers", "add", "--app", cli.acme, json.dumps(other_case))
    assert (code, out, err.splitlines()[-1]) == (2, "", TAKEN_EMAIL)
    lower = {"address": ADDRESS.lower(), "chain": "ethereum"}
    code, out, err = cli.run("wallets", "add", "--app", cli.acme, json.dumps(lower))
    assert (code, out) == (2, "")
    assert err.splitlines()[-1] == (
        "invoice-gateway: This app already has a wallet with this address on ethereum"
    )
    # Another app's wallet is not this app's.
    foreign = {**FIELDS["products"], "walletId": cli.listed("wallets", cli.acme)[0]["id"]}
    code, out, err = cli.run("products", "add", "--app", cli.other, json.dumps(foreign))
    assert (code, out, err.splitlines()[-1]) == (2, "", "invoice-gateway: Wallet not found")
    assert [len(cli.listed(resource, cli.acme)) for resource in RESOURCES] == [1, 0, 0, 1]
    assert cli.listed("products", cli.other) == []


@pytest.mark.parametrize("resource", RESOURCES)
def test_an_unknown_app_is_refused(cli: Gateway, resource: str) -> None:
    for command in (["add", argument(resource)], ["list"], ["list", "--json"]):
        code, out, err = cli.run(resource, *command, "--app", "app_typo")
        assert (code, out) == (2, "")
        assert err.splitlines() == ["invoice-gateway: App not found: app_typo"]


@pytest.mark.parametrize("resource", RESOURCES)
def test_commands_take_the_app_and_add_its_fields(
    resource: str, capsys: pytest.CaptureFixture[str]
) -> None:
    for command, missing in (
        (["list"], "--app"),
        (["add", "--app", "app_x"], "JSON"),
        (["add", "{}"], "--app"),
    ):
        with pytest.raises(SystemExit) as exited:
            main([resource, *command])
        assert exited.value.code == 2
        assert capsys.readouterr().err.splitlines()[-1] == (
            f"invoice-gateway {resource} {command[0]}: error: "
            f"the following arguments are required: {missing}"
        )
    with pytest.raises(SystemExit) as exited:
        main([resource, "add", "--help"])
    assert exited.value.code == 0
    shown = capsys.readouterr().out
    assert shown.startswith(
        f"usage: invoice-gateway {resource} add [-h] --app APP_ID [--json] JSON"
    )
    assert "--app APP_ID  the app's id" in shown
