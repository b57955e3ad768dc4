"""The v0 OpenAPI document, and the running app fuzzed against it with schemathesis.

The schema is loaded from the document itself at import (`schemathesis.pytest.from_fixture`
sets `Node._nodeid`, which pytest 9 no longer has) and every generated case goes to the
app of the `app` fixture: a fresh SQLite database with the demo rows and three invoices
(a DRAFT, an OPEN and a PAID one) under fixed ids, which most generated `invoice_id`s
name. Schemathesis runs the app's lifespan on its own event loop and its pytest plugin
ends it after each test.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from types import SimpleNamespace
from typing import Any
from unittest import mock

import httpx
import jsonschema_rs
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import Case, GenerationMode
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.app import create_app
from gateway.db.migrate import upgrade
from gateway.domain.payments import PaymentRequest
from gateway.guard import PUBLIC_API_PATHS
from gateway.rest.conventions import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from gateway.rest.openapi import (
    DRAFT_INVOICE_EXAMPLE,
    OPEN_INVOICE_EXAMPLE,
    OPENAPI_PATH,
    openapi_document,
)
from gateway.rest.v0_invoice_body import parse_create_invoice
from gateway.runtime import Runtime
from gateway.services import create_invoice as create_invoice_service
from gateway.services.access import Caller
from gateway.services.create_invoice import create_invoice
from gateway.services.demo import (
    CUSTOMER_ID,
    DEMO_APP_ID,
    DEMO_CLIENT_KEY,
    DEMO_CLIENT_SECRET,
    PRODUCTS,
    WALLET_ID,
    seed_demo,
)
from gateway.services.invoice_lifecycle import record_payment
from gateway.settings import Settings
from tests import servers
from tests.apptest import DEMO_HEADERS, basic_invoice, future, seeded_gateway

MAX_EXAMPLES = 30  # fuzzing phase, per operation; the coverage phase adds its own cases
POSITIVE_EXAMPLES = 60

# The invoices `with_demo_data` creates, by the id they get: the document's example ids
# (the edit and send examples name the DRAFT, the others the OPEN one) and a PAID one.
DRAFT_ID = DRAFT_INVOICE_EXAMPLE
OPEN_ID = OPEN_INVOICE_EXAMPLE  # takes every method, and partial payments
PAID_ID = "inv_00000000-0000-4000-8000-000000000003"
SEEDED_INVOICES: dict[str, dict[str, Any]] = {
    DRAFT_ID: basic_invoice(status="DRAFT"),
    OPEN_ID: basic_invoice(
        items=[{"product_id": "prod_web_dev_001", "quantity": 1_000_000}],
        payment_methods=["CRYPTO", "BANK_TRANSFER", "CREDIT_CARD", "CASH", "MOBILE_MONEY"],
        partial_payment=True,
        taxId="tax_compound_gst_pst",
    ),
    PAID_ID: basic_invoice(delivery="MANUALLY", address="Straße 1, Zürich"),
}

CONFIG: dict[str, Any] = {
    "seed": 20240215,
    # Same cases on every run and in CI (no example database, derandomized Hypothesis).
    "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none"},
    "auth": {
        "openapi": {
            "clientKey": {"api_key": DEMO_CLIENT_KEY},
            "clientSecret": {"api_key": DEMO_CLIENT_SECRET},
        }
    },
    "checks": {
        "enabled": False,
        "not_a_server_error": {"enabled": True},
        "status_code_conformance": {"enabled": True},
        "content_type_conformance": {"enabled": True},
        "response_schema_conformance": {"enabled": True},
        "response_headers_conformance": {"enabled": True},
        # The document is no looser than the code: what it forbids, the app rejects.
        "negative_data_rejection": {"enabled": True},
        # A method the document does not list for a path: 405 with `Allow` (RFC 9110).
        "unsupported_method": {"enabled": True},
    },
    # Most generated ids and dates point at the demo rows and the future, so that
    # valid bodies get past the lookups and actually create invoices.
    "dictionaries": {
        "customers": {"values": [CUSTOMER_ID]},
        "wallets": {"values": [WALLET_ID]},
        "products": {"values": [product_id for product_id, _, _ in PRODUCTS]},
        "taxes": {"values": ["tax_550e8400-e29b-41d4-a716-446655440123", "tax_vat_inclusive_20"]},
        "due_dates": {"values": [future(1), future(30), future(400)]},
        "send_dates": {"values": [future(0), future(1)]},
        "invoices": {"values": list(SEEDED_INVOICES)},
    },
    "parameters": {
        "body.customer_id": {"dictionary": "customers", "probability": 0.9},
        "body.walletId": {"dictionary": "wallets", "probability": 0.9},
        "body.items[*].product_id": {"dictionary": "products", "probability": 0.9},
        "body.taxId": {"dictionary": "taxes", "probability": 0.5},
        "body.due_date": {"dictionary": "due_dates", "probability": 0.9},
        "body.send_date": {"dictionary": "send_dates", "probability": 0.9},
        # The rest are ids of no invoice: the 404s.
        "path.invoice_id": {"dictionary": "invoices", "probability": 0.75},
        "path.tax_id": {"dictionary": "taxes", "probability": 0.75},
        "path.product_id": {"dictionary": "products", "probability": 0.75},
    },
}

schema = schemathesis.openapi.from_dict(
    openapi_document(), config=schemathesis.Config.from_dict(CONFIG)
)


async def seed_invoices(runtime: Runtime) -> None:
    """SEEDED_INVOICES, created as the API creates invoices; the PAID one is paid in full."""
    caller = Caller(app_id=DEMO_APP_ID, app_name="My Business App", client_key=DEMO_CLIENT_KEY)
    for invoice_id, body in SEEDED_INVOICES.items():
        # create_invoice names an invoice f"inv_{uuid.uuid4()}": here, the fixed id.
        fixed = SimpleNamespace(uuid4=lambda invoice_id=invoice_id: invoice_id.removeprefix("inv_"))
        with mock.patch.object(create_invoice_service, "uuid", fixed):
            result = await create_invoice(runtime, caller, parse_create_invoice(body))
        invoice = result.view.invoice
        assert invoice.id == invoice_id, "invoice ids are no longer inv_<uuid4>"
        if invoice_id == PAID_ID:
            payment = PaymentRequest(amount=invoice.total, method="CRYPTO", reference="0xabc")
            await record_payment(runtime, caller, invoice_id, payment)


def with_demo_data(app: ASGIApp) -> ASGIApp:
    """`app`, seeding the demo rows and invoices as soon as its lifespan has started."""

    async def seeding(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await app(scope, receive, send)
            return

        async def send_after_seeding(message: Message) -> None:
            if message["type"] == "lifespan.startup.complete":
                await seed_demo(scope["state"]["runtime"])
                await seed_invoices(scope["state"]["runtime"])
            await send(message)

        await app(scope, receive, send_after_seeding)

    return seeding


def gateway_settings(database_url: str) -> Settings:
    # A limit the fuzzer never reaches; a 429 would hide what it is after.
    return Settings(
        database_url=database_url,
        public_base_url="https://pay.example",
        rate_limit_per_minute=1_000_000,
    )


@pytest.fixture
def app(sqlite_url: str) -> ASGIApp:
    servers.run_in_thread(upgrade, sqlite_url)
    return with_demo_data(create_app(gateway_settings(sqlite_url)))


@pytest.fixture
async def sqlite_client(sqlite_url: str) -> AsyncIterator[httpx.AsyncClient]:
    servers.run_in_thread(upgrade, sqlite_url)
    async with seeded_gateway(gateway_settings(sqlite_url)) as (client, _runtime):
        yield client


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_document_is_valid_openapi_3_1() -> None:
    document = openapi_document()
    assert document["openapi"] == "3.1.0"
    schema.validate()  # against the OpenAPI 3.1 meta-schema; raises on the first problem
    components = document["components"]["schemas"]
    for component in components.values():
        jsonschema_rs.meta.validate(component)  # JSON Schema 2020-12, the 3.1 dialect
    prefix = "#/components/schemas/"
    assert {ref.removeprefix(prefix) for ref in _refs(document)} <= set(components)
    labels = {schema[path][method].label for path in schema for method in schema[path]}
    assert labels == {
        "POST /api/v0/invoices",
        "GET /api/v0/invoices",
        "GET /api/v0/invoices/{invoice_id}",
        "PUT /api/v0/invoices/{invoice_id}",
        "PATCH /api/v0/invoices/{invoice_id}",
        "POST /api/v0/invoices/{invoice_id}/send",
        "POST /api/v0/invoices/{invoice_id}/payments",
        "GET /api/v0/invoices/{invoice_id}/pdf",
        "POST /api/v0/invoices/{invoice_id}/void",
        "POST /api/v0/invoices/{invoice_id}/mark_uncollectible",
        "DELETE /api/v0/invoices/{invoice_id}",
        "POST /api/v0/taxes",
        "GET /api/v0/taxes",
        "PUT /api/v0/taxes",
        "DELETE /api/v0/taxes",
        "GET /api/v0/taxes/{tax_id}",
        "PUT /api/v0/taxes/{tax_id}",
        "PATCH /api/v0/taxes/{tax_id}",
        "DELETE /api/v0/taxes/{tax_id}",
        "GET /api/v0/wallets",
        "POST /api/v0/wallets",
        "POST /api/v0/customers",
        "GET /api/v0/customers",
        "GET /api/v0/customers/{customer_id}",
        "PATCH /api/v0/customers/{customer_id}",
        "DELETE /api/v0/customers/{customer_id}",
        "POST /api/v0/products",
        "GET /api/v0/products",
        "GET /api/v0/products/{product_id}",
        "PUT /api/v0/products/{product_id}",
        "DELETE /api/v0/products/{product_id}",
        "GET /api/v0/events",
        "POST /api/v0/recurring_invoices",
        "GET /api/v0/recurring_invoices",
        "GET /api/v0/recurring_invoices/{schedule_id}",
        "PATCH /api/v0/recurring_invoices/{schedule_id}",
        "POST /api/v0/recurring_invoices/{schedule_id}/pause",
        "POST /api/v0/recurring_invoices/{schedule_id}/resume",
        "POST /api/v0/recurring_invoices/{schedule_id}/cancel",
    }


def test_document_states_the_shim_constants() -> None:
    parameters = openapi_document()["paths"]["/api/v0/invoices"]["get"]["parameters"]
    take = next(p for p in parameters if p["name"] == "take")["schema"]
    assert (take["default"], take["maximum"]) == (DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
    assert OPENAPI_PATH in PUBLIC_API_PATHS


async def test_document_is_served_without_credentials(sqlite_client: httpx.AsyncClient) -> None:
    response = await sqlite_client.get(OPENAPI_PATH)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == openapi_document()


@schema.parametrize()
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])  # `app`: one per test
def test_app_conforms_to_its_openapi_document(case: Case[Any], app: ASGIApp) -> None:
    case.call_and_validate(app=app)


def test_valid_create_requests_mostly_create_invoices(app: ASGIApp) -> None:
    operation = schema["/api/v0/invoices"]["POST"]
    statuses: Counter[int] = Counter()

    @given(case=operation.as_strategy(GenerationMode.POSITIVE))
    @settings(
        max_examples=POSITIVE_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    def create(case: Case[Any]) -> None:
        if "x-idempotency-key" in case.headers:  # generated keys repeat: 422 for a new body
            case.headers["x-idempotency-key"] = str(uuid.uuid4())
        response = case.call_and_validate(app=app)
        statuses[response.status_code] += 1

    create()
    # Valid bodies still meet past due dates, email local parts over 64 characters and
    # ids that do not exist: the documented 400 and 404 answers.
    assert set(statuses) <= {201, 400, 404}, statuses
    assert statuses[201] * 2 >= sum(statuses.values()), statuses


def action_case(path: str, method: str, invoice_id: str) -> Case[Any]:
    operation = schema[path][method]
    return operation.Case(path_parameters={"invoice_id": invoice_id}, headers=DEMO_HEADERS)


def fetch_pdf(app: ASGIApp, invoice_id: str) -> None:
    case = action_case("/api/v0/invoices/{invoice_id}/pdf", "GET", invoice_id)
    response = case.call_and_validate(app=app)
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("path", "method", "invoice_id", "answers"),
    [
        ("/api/v0/invoices/{invoice_id}", "PUT", DRAFT_ID, {200, 400, 404}),
        ("/api/v0/invoices/{invoice_id}/payments", "POST", OPEN_ID, {201, 400}),
    ],
    ids=["edit", "payment"],  # PATCH runs the same code as PUT
)
def test_valid_action_requests_mostly_succeed(
    app: ASGIApp, path: str, method: str, invoice_id: str, answers: set[int]
) -> None:
    """Edits of the DRAFT and payments on the OPEN invoice, each followed by its PDF."""
    operation = schema[path][method]
    statuses: Counter[int] = Counter()

    @given(case=operation.as_strategy(GenerationMode.POSITIVE))
    @settings(
        max_examples=POSITIVE_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    def act(case: Case[Any]) -> None:
        case.path_parameters = {"invoice_id": invoice_id}
        if "If-Match" in case.headers:  # a generated tag names no version: 412
            case.headers["If-Match"] = "*"
        response = case.call_and_validate(app=app)
        statuses[response.status_code] += 1
        if response.status_code < 300:  # the PDF renders whatever the edit or payment left
            fetch_pdf(app, invoice_id)

    act()
    # Edits meet past dates and unknown ids like creations do; payments more than is due,
    # "0.001" and other amounts the document can't rule out.
    success = min(answers)
    assert set(statuses) <= answers, statuses
    assert statuses[success] * 2 >= sum(statuses.values()), statuses


async def test_rare_answers_match_the_document(sqlite_url: str) -> None:
    """413 and 429, which the fuzzer does not reach, checked against the document."""
    servers.run_in_thread(upgrade, sqlite_url)
    settings = Settings(database_url=sqlite_url, rate_limit_per_minute=2, max_body_bytes=1024)
    big = basic_invoice(address="x" * 2048)
    create = schema["/api/v0/invoices"]["POST"].Case(headers=DEMO_HEADERS, body=big)
    list_ = schema["/api/v0/invoices"]["GET"].Case(headers=DEMO_HEADERS)
    async with seeded_gateway(settings) as (client, _runtime):
        too_large = await client.post("/api/v0/invoices", json=big, headers=DEMO_HEADERS)
        listed = await client.get("/api/v0/invoices", headers=DEMO_HEADERS)
        limited = await client.get("/api/v0/invoices", headers=DEMO_HEADERS)
        limited_pdf = await client.get(f"/api/v0/invoices/{OPEN_ID}/pdf", headers=DEMO_HEADERS)
        limited_send = await client.post(f"/api/v0/invoices/{DRAFT_ID}/send", headers=DEMO_HEADERS)
    assert [too_large.status_code, listed.status_code, limited.status_code] == [413, 200, 429]
    create.validate_response(too_large)
    list_.validate_response(listed)
    list_.validate_response(limited)
    assert limited.json()["retryAfter"] == int(limited.headers["Retry-After"])
    for response, path, method, invoice_id in [
        (limited_pdf, "/api/v0/invoices/{invoice_id}/pdf", "GET", OPEN_ID),
        (limited_send, "/api/v0/invoices/{invoice_id}/send", "POST", DRAFT_ID),
    ]:
        assert response.status_code == 429
        action_case(path, method, invoice_id).validate_response(response)


async def test_rare_action_answers_match_the_document(sqlite_url: str) -> None:
    """413 on the action bodies, racing sends and payments (the fuzzer calls one at a time;
    they apply one after the other) and the 412 of a stale If-Match, checked against the
    document."""
    servers.run_in_thread(upgrade, sqlite_url)
    settings = Settings(database_url=sqlite_url, max_body_bytes=1024)
    edit, send, pay = (
        "/api/v0/invoices/{invoice_id}",
        "/api/v0/invoices/{invoice_id}/send",
        "/api/v0/invoices/{invoice_id}/payments",
    )
    big_edit = {"address": "x" * 2048}
    payment = {"amount": 1, "method": "CRYPTO"}
    async with seeded_gateway(settings) as (client, _runtime):
        created = [
            await client.post("/api/v0/invoices", json=body, headers=DEMO_HEADERS)
            for body in (basic_invoice(status="DRAFT"), basic_invoice(partial_payment=True))
        ]
        draft, opened = (response.json()["id"] for response in created)

        async def call(
            path: str, method: str, invoice_id: str, body: Any = None, if_match: str | None = None
        ) -> int:
            url = path.format(invoice_id=invoice_id)
            headers = DEMO_HEADERS if if_match is None else {**DEMO_HEADERS, "If-Match": if_match}
            response = await client.request(method, url, json=body, headers=headers)
            action_case(path, method, invoice_id).validate_response(response)
            return response.status_code

        too_large = [
            await call(edit, "PUT", draft, big_edit),
            await call(edit, "PATCH", draft, big_edit),
            await call(pay, "POST", opened, {**payment, "reference": "x" * 2048}),
        ]
        raced = await asyncio.gather(
            *(call(send, "POST", draft) for _ in range(5)),
            *(call(pay, "POST", opened, payment) for _ in range(5)),
        )
        # Both invoices changed since their version 1.
        preconditions = [
            await call(edit, "PUT", draft, {"name": "x"}, f'"{draft}-1"'),
            await call(edit, "PATCH", draft, {"name": "x"}, f'"{draft}-1"'),
            await call(send, "POST", draft, if_match=f'"{draft}-1"'),
            await call(pay, "POST", opened, payment, f'"{opened}-1"'),
        ]
    assert too_large == [413, 413, 413]
    assert raced.count(200) == 1 and raced.count(201) == 5, raced
    assert set(raced) <= {200, 201, 400}, raced
    assert preconditions == [412, 412, 412, 412]


@pytest.mark.parametrize(
    "body",
    [
        {"amount": 1, "method": []},  # these three were 500s (unhashable method, and
        {"amount": 1, "method": {}},  # decimal.InvalidOperation rounding 1E+30 to cents)
        {"amount": 1e30, "method": "CRYPTO"},
        {"amount": "1E30", "method": "CRYPTO"},
        {"amount": 1, "method": "CRYPTO", "reference": "a\u0000b"},  # a 500 on PostgreSQL
    ],
)
async def test_payments_found_by_the_fuzzer_are_a_400(
    sqlite_client: httpx.AsyncClient, body: dict[str, Any]
) -> None:
    created = await sqlite_client.post(
        "/api/v0/invoices", json=basic_invoice(partial_payment=True), headers=DEMO_HEADERS
    )
    url = f"/api/v0/invoices/{created.json()['id']}/payments"
    response = await sqlite_client.post(url, json=body, headers=DEMO_HEADERS)
    assert response.status_code == 400, response.text
    action_case("/api/v0/invoices/{invoice_id}/payments", "POST", "x").validate_response(response)


@pytest.mark.parametrize(
    "query",
    [
        *("skip=-1", "skip=1000001", "skip=" + "9" * 5000, "skip=%C2%B2"),
        *("take=0", "take=101", "take=1.5", "take=%D9%A1"),
        *("status=open", "customer_id=42", "due_to=2024-02-30"),
    ],
)
async def test_list_query_outside_the_document_is_a_400(
    sqlite_client: httpx.AsyncClient, query: str
) -> None:
    response = await sqlite_client.get(f"/api/v0/invoices?{query}", headers=DEMO_HEADERS)
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "Bad Request"


@pytest.mark.parametrize(
    "query", ["skip=0", "skip=1000000", "skip=", "take=1", "take=100", "take=007", "status="]
)
async def test_list_query_at_the_documented_bounds_is_accepted(
    sqlite_client: httpx.AsyncClient, query: str
) -> None:
    response = await sqlite_client.get(f"/api/v0/invoices?{query}", headers=DEMO_HEADERS)
    assert response.status_code == 200, response.text


async def test_payment_link_on_the_last_representable_due_date(
    sqlite_client: httpx.AsyncClient,
) -> None:
    body = basic_invoice(due_date="9999-12-31", payment_link=True)
    response = await sqlite_client.post("/api/v0/invoices", json=body, headers=DEMO_HEADERS)
    assert response.status_code == 201, response.text
