"""invoice-gateway customers | products | taxes | wallets add | list: an operator's
view of an app's resources, through the services the API uses.

`add` reads the resource's fields as one JSON object in the v0 body format, checked by
the same parser as the REST route (for wallets, POST /api/v0/wallets: address, chain and
type), and creates it through the same service, events included. `list` prints every
row of the app, in the order the API lists them; `--json` prints the v0 renderings.
"""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

import orjson

from gateway.db.reads import app_row
from gateway.db.resource_pages import CustomerFilter, TaxFilter
from gateway.domain.customers import CreateCustomerCommand
from gateway.domain.errors import AppNotFound, InvalidInput
from gateway.domain.products import CreateProductCommand
from gateway.domain.resource_enums import Chain
from gateway.domain.taxes import CreateTaxCommand
from gateway.domain.wallets import DEFAULT_WALLET_TYPE, CreateWalletCommand
from gateway.encoding import dumps, loads_exact
from gateway.rest.conventions import MAX_PAGE_SIZE
from gateway.rest.v0_customer_body import parse_create_customer
from gateway.rest.v0_product_body import parse_create_product
from gateway.rest.v0_tax_body import parse_create_tax
from gateway.rest.v0_wallet_body import parse_create_wallet
from gateway.runtime import Runtime
from gateway.services import customers, products, taxes, wallets
from gateway.services.access import Caller
from gateway.services.customer_json import render_customer
from gateway.services.tax_json import render_tax
from gateway.services.wallet_json import render_wallet
from gateway.settings import Settings

T = TypeVar("T")
C = TypeVar("C")  # a create command
Rendered = dict[str, Any]
# One page of the app's rows, rendered: (offset, limit) -> rows.
Page = Callable[[Runtime, Caller, int, int], Awaitable[list[Rendered]]]


class RunWithRuntime(Protocol):
    """How the CLI runs a piece of work with a Runtime open (gateway.cli._with_runtime)."""

    def __call__(self, settings: Settings, work: Callable[[Runtime], Awaitable[T]]) -> T: ...


@dataclass(frozen=True)
class Resource(Generic[C]):
    name: str  # the command, plural
    singular: str
    fields: str  # what `add` takes, for its help
    parse: Callable[[object], C]  # JSON -> the create command
    create: Callable[[Runtime, Caller, C], Awaitable[Rendered]]
    every: Callable[[Runtime, Caller], Awaitable[list[Rendered]]]
    columns: tuple[str, ...]  # keys of the rendering a `list` table shows


def _paged(page: Page) -> Callable[[Runtime, Caller], Awaitable[list[Rendered]]]:
    """Every row, read the way the API pages them, MAX_PAGE_SIZE at a time."""

    async def every(runtime: Runtime, caller: Caller) -> list[Rendered]:
        rows: list[Rendered] = []
        while True:
            chunk = await page(runtime, caller, len(rows), MAX_PAGE_SIZE)
            rows += chunk
            if len(chunk) < MAX_PAGE_SIZE:
                return rows

    return every


async def _create_customer(
    runtime: Runtime, caller: Caller, command: CreateCustomerCommand
) -> Rendered:
    return render_customer(await customers.create_customer(runtime, caller, command))


async def _customer_page(
    runtime: Runtime, caller: Caller, offset: int, limit: int
) -> list[Rendered]:
    found = await customers.list_customers(
        runtime, caller, CustomerFilter(), offset=offset, limit=limit
    )
    return [render_customer(row) for row in found.rows]


async def _create_product(
    runtime: Runtime, caller: Caller, command: CreateProductCommand
) -> Rendered:
    return (await products.create_product(runtime, caller, command)).rendered()


async def _product_page(
    runtime: Runtime, caller: Caller, offset: int, limit: int
) -> list[Rendered]:
    found = await products.list_products(runtime, caller, offset=offset, limit=limit)
    return [view.rendered() for view in found.views]


async def _create_tax(runtime: Runtime, caller: Caller, command: CreateTaxCommand) -> Rendered:
    return render_tax(await taxes.create_tax(runtime, caller, command))


async def _tax_page(runtime: Runtime, caller: Caller, offset: int, limit: int) -> list[Rendered]:
    rows = await taxes.list_taxes(runtime, caller, TaxFilter(), offset=offset, limit=limit)
    return [render_tax(row) for row in rows]


async def _create_wallet(
    runtime: Runtime, caller: Caller, command: CreateWalletCommand
) -> Rendered:
    return render_wallet(await wallets.create_wallet(runtime, caller, command), caller.app_name)


async def _every_wallet(runtime: Runtime, caller: Caller) -> list[Rendered]:
    rows = await wallets.list_wallets(runtime, caller)
    return [render_wallet(row, caller.app_name) for row in rows]


RESOURCES = (
    Resource(
        "customers",
        "customer",
        "first_name, last_name, phone_number; email, customer_type, status",
        parse_create_customer,
        _create_customer,
        _paged(_customer_page),
        ("id", "status", "first_name", "last_name", "email"),
    ),
    Resource(
        "products",
        "product",
        "name, description, price; currency, productType, status, type, weight, quantity, "
        "stockCount, unit, images, walletId",
        parse_create_product,
        _create_product,
        _paged(_product_page),
        ("id", "status", "price", "currency", "name"),
    ),
    Resource(
        "taxes",
        "tax",
        "name, percentage; description, active, appIds",
        parse_create_tax,
        _create_tax,
        _paged(_tax_page),
        ("id", "active", "percentage", "name"),
    ),
    Resource(
        "wallets",
        "wallet",
        f"address, chain ({', '.join(Chain)}); type (default {DEFAULT_WALLET_TYPE})",
        parse_create_wallet,
        _create_wallet,
        _every_wallet,
        ("id", "chain", "address"),
    ),
)


async def _caller(runtime: Runtime, app_id: str) -> Caller:
    """The app as the services know a caller; AppNotFound for no such app. An operator
    holds no client key."""
    async with runtime.sessions() as session:
        app = await app_row(session, app_id)
    if app is None:
        raise AppNotFound(app_id)
    return Caller(app_id=app.id, app_name=app.name, client_key="")


def _fields(text: str) -> object:
    try:
        return loads_exact(text)
    except orjson.JSONDecodeError:
        raise InvalidInput(["the fields must be valid JSON"]) from None


def _print_json(value: object) -> None:
    print(dumps(value).decode())


def _cell(value: object) -> str:
    return "-" if value is None else str(value).lower() if isinstance(value, bool) else str(value)


def print_table(rows: Sequence[Rendered], columns: Sequence[str]) -> None:
    """Aligned columns under a header; nothing for no rows."""
    if not rows:
        return
    cells = [[_cell(row[column]) for column in columns] for row in rows]
    widths = [max(len(line[i]) for line in [list(columns), *cells]) for i in range(len(columns))]
    for line in [[column.upper() for column in columns], *cells]:
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        )


def _refused(exc: InvalidInput) -> int:
    for message in exc.messages:
        print(f"invoice-gateway: {message}", file=sys.stderr)
    return 2


def _add(
    resource: Resource[Any], run: RunWithRuntime, args: argparse.Namespace, settings: Settings
) -> int:
    try:
        command = resource.parse(_fields(args.fields))
    except InvalidInput as exc:
        return _refused(exc)

    async def work(runtime: Runtime) -> Rendered:
        return await resource.create(runtime, await _caller(runtime, args.app), command)

    created = run(settings, work)
    if args.json:
        _print_json(created)
    else:
        print(f"added {resource.singular} {created['id']}")
    return 0


def _list(
    resource: Resource[Any], run: RunWithRuntime, args: argparse.Namespace, settings: Settings
) -> int:
    async def work(runtime: Runtime) -> list[Rendered]:
        return await resource.every(runtime, await _caller(runtime, args.app))

    rows = run(settings, work)
    if args.json:
        _print_json(rows)
    else:
        print_table(rows, resource.columns)
    return 0


def add_resource_parsers(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], run: RunWithRuntime
) -> None:
    for resource in RESOURCES:
        parser = commands.add_parser(resource.name, help=f"add or list an app's {resource.name}")
        actions = parser.add_subparsers(dest="action", required=True)

        add = actions.add_parser(
            "add",
            help=f"create a {resource.singular}",
            description=f"Create a {resource.singular} of the app from a JSON object of "
            f"its fields: {resource.fields}.",
        )
        add.add_argument("--app", required=True, metavar="APP_ID", help="the app's id")
        add.add_argument("fields", metavar="JSON", help="the fields, as one JSON object")
        add.add_argument("--json", action="store_true", help=f"print the {resource.singular}")
        add.set_defaults(handler=functools.partial(_add, resource, run))

        listing = actions.add_parser("list", help=f"list every {resource.singular} of the app")
        listing.add_argument("--app", required=True, metavar="APP_ID", help="the app's id")
        listing.add_argument("--json", action="store_true", help="print a JSON array")
        listing.set_defaults(handler=functools.partial(_list, resource, run))
