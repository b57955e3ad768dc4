"""The gateway's own schema, run with schema.execution's shortcut and with Strawberry's
stock execution context: two apps over one seeded database (GRAPHQL_EXECUTION_SHORTCUT
on and off) answer the suite's queries, and the bench's page, identically, errors
included. When graphql-core is not what the shortcut was written for, or the setting is
off, the app runs the stock context and still answers correctly."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from typing import Any

import httpx
import pytest
from graphql.execution import Executor
from starlette.applications import Starlette
from starlette.routing import Route
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from bench.workload import INVOICES_QUERY
from gateway.app import create_app
from gateway.runtime import Runtime
from gateway.services.demo import CUSTOMER_ID, seed_demo
from gateway.settings import Settings
from schema import invoices as schema_invoices
from schema.app import GatewayGraphQL
from schema.execution import GatewayExecutionContext, shortcut_supported
from schema.schema import GatewaySchema
from schema.types import Invoice
from tests.apptest import running
from tests.graphql.helpers import CREATE, create, data, gql, invoice_input
from tests.graphql.helpers import answer as whole_answer
from tests.graphql.seeding import TAXES, create_invoices
from tests.graphql.test_preview import PREVIEW
from tests.graphql.test_queries import PAGE
from tests.spec_examples import SPEC_EXAMPLES

ExecutionContextClass = type[Any]  # graphql-core's Executor or a subclass


def execution_context_of(app: Starlette) -> ExecutionContextClass:
    """The execution context class the app's /graphql route runs."""
    [view] = [
        route.endpoint
        for route in app.routes
        if isinstance(route, Route) and route.path == "/graphql"
    ]
    assert isinstance(view, GatewayGraphQL) and isinstance(view.schema, GatewaySchema)
    chosen: ExecutionContextClass = view.schema.execution_context_class
    return chosen


@asynccontextmanager
async def gateway_app(
    settings: Settings,
) -> AsyncIterator[tuple[httpx.AsyncClient, Runtime, ExecutionContextClass]]:
    app = create_app(settings)
    async with running(app) as (client, runtime):
        await seed_demo(runtime)  # idempotent: a second app on the same database is fine
        yield client, runtime, execution_context_of(app)


def settings_for(database_url: str, **changes: Any) -> Settings:
    base = Settings(database_url=database_url, public_base_url="https://pay.example")
    return replace(base, **changes)


INVOICE_FIELDS = """
  id invoiceNumber name email address phoneNumber logo appId customerId walletId taxId
  dueDate sendDate dateCreated status paymentMethods delivery paymentLink partialPayment
  reminderSent paidAt paymentStatus paymentMetadata currency subtotal taxAmount total
  amountPaid amountDue paymentLinkUrl paymentLinkExpiresAt pdfUrl sentAt firstOpenedAt
  firstClickedAt
  app { id name currency }
  customer { id email name status address phoneNumber }
  wallet { id address blockchain type }
  tax { id name rate type inclusive components { name rate type compound } }
  items {
    invoiceId position productId quantity unitPrice lineTotal
    product { id name price currency }
  }
  transactions { id invoiceId amount method reference createdAt }
"""

FULL_PAGE = f"""query Full($first: Int!, $after: String) {{
  invoices(first: $first, after: $after) {{
    totalCount
    pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }}
    edges {{ cursor node {{ {INVOICE_FIELDS} }} }}
  }}
}}"""

ONE = f"query One($id: ID!) {{ invoice(id: $id) {{ {INVOICE_FIELDS} }} }}"

CUSTOMER_INVOICES = """query($id: ID!, $first: Int!) {
  customer(id: $id) {
    id name email
    invoices(first: $first) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { id invoiceNumber total customer { id name } items { product { id } } } }
    }
  }
}"""

CATALOG = """{
  customers { totalCount edges { node { id name email status } } }
  products(first: 20) { totalCount pageInfo { hasNextPage } edges { node { id name price } } }
  taxes(first: 100) { totalCount edges { node { id rate components { name rate compound } } } }
  wallets { totalCount edges { node { id address blockchain type } } }
  app { id name currency }
  webhookEndpoints { id url enabled }
}"""

SHAPES = """query Shapes($skip: Boolean!, $first: Int!) {
  invoices(first: $first) {
    edges {
      node {
        __typename
        ...Parts
        number: invoiceNumber
        again: invoiceNumber
        total @skip(if: $skip)
        subtotal @include(if: $skip)
        ... on Invoice { buyer: customer { __typename name } }
      }
    }
  }
}
fragment Parts on Invoice {
  id status
  lines: items { quantity product { name } }
  tax { name }
}"""

MISSING = """{
  invoice(id: "inv_missing") { id } customer(id: "nope") { id } product(id: "nope") { id }
  tax(id: "nope") { id } wallet(id: "nope") { id }
}"""


@dataclass(frozen=True)
class Pair:
    shortcut: httpx.AsyncClient
    stock: httpx.AsyncClient
    invoice_ids: list[str]  # oldest first; the last one is the spec's comprehensive example


@pytest.fixture
async def pair(migrated_database_url: str) -> AsyncIterator[Pair]:
    on = settings_for(migrated_database_url)
    off = settings_for(migrated_database_url, graphql_execution_shortcut=False)
    async with (
        gateway_app(on) as (shortcut, runtime, on_class),
        gateway_app(off) as (
            stock,
            _,
            off_class,
        ),
    ):
        assert on_class is GatewayExecutionContext
        assert off_class is StrawberryGraphQLCoreExecutionContext
        ids = await create_invoices(runtime, 12)
        comprehensive = await create(shortcut, **SPEC_EXAMPLES["curl-comprehensive"])
        yield Pair(shortcut, stock, [*ids, comprehensive["invoice"]["id"]])


Answer = tuple[int, Any, list[str]]


async def answer(
    client: httpx.AsyncClient,
    caplog: pytest.LogCaptureFixture,
    query: str,
    variables: dict[str, Any] | None = None,
) -> Answer:
    """Status, body (the request id replaced) and the errors logged with their original
    messages, which the body masks."""
    caplog.clear()
    response = await gql(client, query, variables)
    text = response.text
    request_id = response.headers.get("x-request-id")
    if request_id:
        text = text.replace(request_id, "<request id>")
    logged = [str(record.exc_info[1]) for record in caplog.records if record.exc_info]
    return response.status_code, json.loads(text), logged


async def assert_same_answers(
    pair: Pair, caplog: pytest.LogCaptureFixture, operations: list[tuple[str, str, Any]]
) -> list[Answer]:
    answers = []
    for name, query, variables in operations:
        shortcut = await answer(pair.shortcut, caplog, query, variables)
        stock = await answer(pair.stock, caplog, query, variables)
        assert shortcut == stock, name
        assert shortcut[0] == 200, (name, shortcut)
        answers.append(shortcut)
    return answers


def operations(ids: list[str], cursor: str) -> list[tuple[str, str, Any]]:
    return [
        ("bench page", INVOICES_QUERY, {"first": 20}),
        ("full page", FULL_PAGE, {"first": 50}),
        ("full page, second page", FULL_PAGE, {"first": 5, "after": cursor}),
        ("one invoice, comprehensive", ONE, {"id": ids[-1]}),
        ("one invoice, with transactions", ONE, {"id": ids[0]}),
        ("suite page", PAGE, {"first": 4, "status": "OPEN"}),
        ("customer.invoices", CUSTOMER_INVOICES, {"id": CUSTOMER_ID, "first": 3}),
        ("customer.invoices, bad first", CUSTOMER_INVOICES, {"id": CUSTOMER_ID, "first": 0}),
        ("catalog", CATALOG, None),
        ("fragments, aliases, directives", SHAPES, {"skip": True, "first": 6}),
        ("fragments, aliases, directives", SHAPES, {"skip": False, "first": 6}),
        ("missing ids", MISSING, None),
        ("bad page argument", PAGE, {"first": 101}),
        ("preview", PREVIEW, {"input": invoice_input(taxId=TAXES[2])}),
        ("create, user error", CREATE, {"input": invoice_input(taxId="tax_missing")}),
    ]


async def test_the_suites_queries_answer_the_same_with_and_without_the_shortcut(
    pair: Pair, caplog: pytest.LogCaptureFixture
) -> None:
    first = await data(pair.stock, PAGE, {"first": 5})
    cursor = first["invoices"]["pageInfo"]["endCursor"]
    answers = await assert_same_answers(pair, caplog, operations(pair.invoice_ids, cursor))
    bench_page = answers[0][1]["data"]["invoices"]
    assert len(bench_page["edges"]) == 13  # all of them: the comparison compared something
    assert len(answers[2][1]["data"]["invoices"]["edges"]) == 5
    # the error cases are errors, not accidental successes
    bad_first = answers[7][1]
    assert bad_first["data"] == {"customer": None}  # customer is nullable
    assert bad_first["errors"][0]["path"] == ["customer", "invoices"]
    assert answers[12][1]["errors"][0]["extensions"]["code"] == "INVALID_INPUT"
    user_errors = answers[14][1]["data"]["createInvoice"]["userErrors"]
    assert [error["code"] for error in user_errors] == ["TAX_NOT_FOUND"]


TARGET = 10  # a seeded invoice with a tax and two items, third in the pages


def _customer_without_name(invoice: Invoice, index: int) -> None:
    if invoice.customer is not None:
        invoice.customer.name = None  # type: ignore[assignment]


def _number_missing(invoice: Invoice, index: int) -> None:
    if index == TARGET:
        invoice.invoice_number = None  # type: ignore[assignment]


def _subtotal_not_a_number(invoice: Invoice, index: int) -> None:
    invoice.subtotal = "n/a"  # type: ignore[assignment]


def _status_the_enum_lacks(invoice: Invoice, index: int) -> None:
    if index % 2:
        invoice.status = "LATE"  # type: ignore[assignment]


def _position_not_an_int(invoice: Invoice, index: int) -> None:
    for item in invoice.items[1:]:
        item.position = "second"  # type: ignore[assignment]


def _address_not_a_string(invoice: Invoice, index: int) -> None:
    if index % 3 == 0:
        invoice.address = ["1 Main St"]  # type: ignore[assignment]


def _tax_without_rate(invoice: Invoice, index: int) -> None:
    if index == TARGET and invoice.tax is not None:
        invoice.tax.rate = None  # type: ignore[assignment]


CORRUPTIONS: list[Callable[[Invoice, int], None]] = [
    _customer_without_name,  # a nullable parent (customer) becomes null
    _number_missing,  # non-null all the way up: the page's data is null
    _subtotal_not_a_number,  # the Decimal serializer raises: masked, logged
    _status_the_enum_lacks,  # the enum refuses it: a GraphQLError, shown
    _position_not_an_int,  # Int refuses it, inside a list of non-null items
    _address_not_a_string,  # String refuses it: a nullable field, so only it is null
    _tax_without_rate,  # one invoice's nullable tax becomes null
]


@pytest.mark.parametrize("corruption", CORRUPTIONS, ids=lambda corruption: corruption.__name__)
async def test_field_errors_are_the_same_with_and_without_the_shortcut(
    pair: Pair,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    corruption: Callable[[Invoice, int], None],
) -> None:
    built = schema_invoices._invoice
    ids = pair.invoice_ids

    def corrupted(*args: Any) -> Invoice:
        invoice = built(*args)
        corruption(invoice, ids.index(invoice.id))
        return invoice

    monkeypatch.setattr(schema_invoices, "_invoice", corrupted)
    name = corruption.__name__
    answers = await assert_same_answers(
        pair,
        caplog,
        [
            (name, INVOICES_QUERY, {"first": 20}),
            (name, FULL_PAGE, {"first": 13}),
            (name, ONE, {"id": ids[TARGET]}),
            (name, CUSTOMER_INVOICES, {"id": CUSTOMER_ID, "first": 5}),
        ],
    )
    # every corruption shows in the full page (all fields, all invoices) as an error, so
    # the comparison covered an error path
    assert "errors" in answers[1][1], answers[1]


async def check_suite_answers(client: httpx.AsyncClient, runtime: Runtime) -> None:
    """A few of the suite's queries, with the answers they must give."""
    ids = await create_invoices(runtime, 6)
    comprehensive = (await create(client, **SPEC_EXAMPLES["curl-comprehensive"]))["invoice"]
    page = (await data(client, INVOICES_QUERY, {"first": 20}))["invoices"]
    nodes = [edge["node"] for edge in page["edges"]]
    assert [node["id"] for node in nodes] == [comprehensive["id"], *reversed(ids)]
    seeded = list(reversed(range(6)))
    assert [node["name"] for node in nodes[1:]] == [f"Invoice {n}" for n in seeded]
    assert [len(node["items"]) for node in nodes[1:]] == [1 + n % 3 for n in seeded]
    assert [node["tax"] and node["tax"]["id"] for node in nodes[1:]] == [
        TAXES[n % 3] for n in seeded
    ]
    assert all(node["customer"]["id"] and node["wallet"]["id"] for node in nodes)

    invoice = (await data(client, ONE, {"id": comprehensive["id"]}))["invoice"]
    assert (invoice["subtotal"], invoice["taxAmount"], invoice["total"]) == (
        "16050.00",
        "1364.25",
        "17414.25",
    )
    assert invoice["customer"]["name"] == "John Doe"
    assert invoice["tax"]["rate"] == "8.5000"
    assert [item["product"]["name"] for item in invoice["items"]] == [
        "Consulting (per hour)",
        "Software Development (per hour)",
        "Monthly Maintenance",
    ]
    assert [item["quantity"] for item in invoice["items"]] == ["40", "80", "1"]

    customer = (await data(client, CUSTOMER_INVOICES, {"id": CUSTOMER_ID, "first": 2}))["customer"]
    assert customer["invoices"]["totalCount"] == 3  # seeded 0 and 3, and the comprehensive one
    assert [edge["node"]["id"] for edge in customer["invoices"]["edges"]] == [
        comprehensive["id"],
        ids[3],
    ]

    body = (await gql(client, ONE, {"id": "inv_missing"})).json()
    assert body == whole_answer({"invoice": None}, cost=45)


@pytest.fixture
def changed_graphql_core(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """graphql-core's execute_fields with a parameter more (what a release within 3.3 did
    to it); it still works, and records the types it ran for."""
    ran: list[str] = []
    stock_execute_fields = Executor.execute_fields

    def execute_fields(
        self: Executor[Any],
        parent_type: Any,
        source_value: Any,
        path: Any,
        grouped_field_set: Any,
        position_context: Any,
        incremental: Any = None,
    ) -> Any:
        ran.append(parent_type.name)
        return stock_execute_fields(
            self, parent_type, source_value, path, grouped_field_set, position_context
        )

    monkeypatch.setattr(Executor, "execute_fields", execute_fields)
    yield ran


async def test_a_changed_graphql_core_gets_stock_execution_and_the_right_answers(
    migrated_database_url: str, changed_graphql_core: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    reason = shortcut_supported()
    assert reason is not None and "execute_fields" in reason
    with caplog.at_level(logging.WARNING, logger="gateway.graphql"):
        app = create_app(settings_for(migrated_database_url))
    assert execution_context_of(app) is StrawberryGraphQLCoreExecutionContext
    [warning] = [record for record in caplog.records if record.name == "gateway.graphql"]
    assert reason in warning.getMessage()
    async with running(app) as (client, runtime):
        await seed_demo(runtime)
        await check_suite_answers(client, runtime)
    assert "Invoice" in changed_graphql_core  # graphql-core's loop ran the invoices


async def test_the_setting_off_gets_stock_execution(
    migrated_database_url: str,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shortcut_ran: list[str] = []
    shortcut = GatewayExecutionContext.execute_fields

    def spied(self: GatewayExecutionContext, *args: Any) -> Any:
        shortcut_ran.append(args[0].name)
        return shortcut(self, *args)

    monkeypatch.setattr(GatewayExecutionContext, "execute_fields", spied)
    settings = settings_for(migrated_database_url, graphql_execution_shortcut=False)
    async with gateway_app(settings) as (client, runtime, execution_context_class):
        assert execution_context_class is StrawberryGraphQLCoreExecutionContext
        await check_suite_answers(client, runtime)
    assert shortcut_ran == []
    assert not [record for record in caplog.records if record.name == "gateway.graphql"]


def test_the_setting_is_read_from_the_environment() -> None:
    assert Settings.from_env({}).graphql_execution_shortcut is True
    assert (
        Settings.from_env({"GRAPHQL_EXECUTION_SHORTCUT": "false"}).graphql_execution_shortcut
        is False
    )
    assert Settings.from_env({"GRAPHQL_EXECUTION_SHORTCUT": "1"}).graphql_execution_shortcut is True
