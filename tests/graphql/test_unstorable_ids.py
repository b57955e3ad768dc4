"""GraphQL arguments no database can hold (a NUL byte: PostgreSQL's text refuses it),
on SQLite and PostgreSQL: an id holding one names nothing, exactly as an unknown id
(null for a query, a not-found userError for a mutation, a validation userError for an
id inside an input); never an internal error, and nothing is logged as a failure."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest

from tests.graphql.helpers import gql, invoice_input

NUL_ID = "inv_6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f\x00"
USER_ERRORS = "userErrors { field message code }"


def _no_failures_logged(caplog: pytest.LogCaptureFixture) -> None:
    logged = [r for r in caplog.get_records("call") if r.levelno >= logging.WARNING]
    assert logged == [], [r.getMessage() for r in logged]


async def _data(client: httpx.AsyncClient, query: str, variables: dict[str, Any]) -> Any:
    response = await gql(client, query, variables)
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


@pytest.mark.parametrize("field", ["invoice", "customer", "product", "tax", "wallet"])
async def test_query_by_id_with_a_nul_is_null(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture, field: str
) -> None:
    query = f"query($id: ID!) {{ {field}(id: $id) {{ id }} }}"
    assert await _data(client, query, {"id": NUL_ID}) == {field: None}
    _no_failures_logged(caplog)


async def test_invoices_by_customer_id_with_a_nul_is_invalid_input(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    query = "query($c: ID) { invoices(customerId: $c) { totalCount } }"
    response = await gql(client, query, {"c": "550e8400-e29b-41d4-a716-44665544000\x00"})
    [error] = response.json()["errors"]
    assert error["message"] == "customerId must be a valid UUID"
    assert error["extensions"]["code"] == "INVALID_INPUT"
    _no_failures_logged(caplog)


NOT_FOUND_MUTATIONS = [
    (
        "sendInvoice",
        f"mutation($id: ID!) {{ sendInvoice(id: $id) {{ {USER_ERRORS} }} }}",
        {"id": NUL_ID},
        ["id"],
        "Invoice not found",
        "INVOICE_NOT_FOUND",
    ),
    (
        "updateInvoice",
        'mutation($id: ID!) { updateInvoice(id: $id, input: {name: "Renamed"}) '
        f"{{ {USER_ERRORS} }} }}",
        {"id": NUL_ID},
        ["id"],
        "Invoice not found",
        "INVOICE_NOT_FOUND",
    ),
    (
        "recordPayment",
        'mutation($id: ID!) { recordPayment(input: {invoiceId: $id, amount: "1", '
        f"method: CRYPTO}}) {{ {USER_ERRORS} }} }}",
        {"id": NUL_ID},
        ["input", "invoiceId"],
        "Invoice not found",
        "INVOICE_NOT_FOUND",
    ),
    (
        "disableWebhookEndpoint",
        f"mutation($id: ID!) {{ disableWebhookEndpoint(id: $id) {{ {USER_ERRORS} }} }}",
        {"id": "whep_\x00"},
        ["id"],
        "Webhook endpoint not found",
        "WEBHOOK_ENDPOINT_NOT_FOUND",
    ),
]


@pytest.mark.parametrize(
    ("field", "query", "variables", "path", "message", "code"),
    NOT_FOUND_MUTATIONS,
    ids=[case[0] for case in NOT_FOUND_MUTATIONS],
)
async def test_mutation_of_an_id_with_a_nul_is_not_found(
    client: httpx.AsyncClient,
    caplog: pytest.LogCaptureFixture,
    field: str,
    query: str,
    variables: dict[str, Any],
    path: list[str],
    message: str,
    code: str,
) -> None:
    data = await _data(client, query, variables)
    assert data[field]["userErrors"] == [{"field": path, "message": message, "code": code}]
    _no_failures_logged(caplog)


INPUT_IDS = [
    ("customerId", {"customerId": "550e8400-e29b-41d4-a716-44665544000\x00"}),
    ("walletId", {"walletId": "wallet\x00"}),
    ("taxId", {"taxId": "tax\x00"}),
    ("items", {"items": [{"productId": "prod_123456789\x00", "quantity": 1}]}),
]


@pytest.mark.parametrize("operation", ["previewInvoice", "createInvoice"])
@pytest.mark.parametrize(("name", "override"), INPUT_IDS, ids=[case[0] for case in INPUT_IDS])
async def test_input_id_with_a_nul_is_a_user_error(
    client: httpx.AsyncClient,
    caplog: pytest.LogCaptureFixture,
    operation: str,
    name: str,
    override: dict[str, Any],
) -> None:
    kind = "mutation" if operation == "createInvoice" else "query"
    field = f"{operation}(input: $input) {{ {USER_ERRORS} }}"
    query = f"{kind}($input: CreateInvoiceInput!) {{ {field} }}"
    data = await _data(client, query, {"input": {**invoice_input(), **override}})
    errors = data[operation]["userErrors"]
    assert [error["code"] for error in errors] == ["INVALID_INPUT"], errors
    assert errors[0]["field"][:2] == ["input", name]
    _no_failures_logged(caplog)
