"""createInvoice: the REST shim's behaviour and every one of its error cases, with codes."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import func
from sqlmodel import select

from gateway.db.tables import Invoice, InvoiceItem
from gateway.runtime import Runtime
from gateway.services.tenants import create_app_with_credential
from tests.apptest import DEMO_HEADERS, basic_invoice, future
from tests.graphql.helpers import CREATE, create, gql, invoice_input, to_input
from tests.spec_examples import SPEC_EXAMPLES


async def count_rows(runtime: Runtime) -> tuple[int, int]:
    async with runtime.sessions() as session:
        invoices = (await session.exec(select(func.count()).select_from(Invoice))).one()
        items = (await session.exec(select(func.count()).select_from(InvoiceItem))).one()
    return invoices, items


@pytest.mark.parametrize("example", sorted(SPEC_EXAMPLES))
async def test_every_spec_example_creates_an_invoice(
    client: httpx.AsyncClient, example: str
) -> None:
    body = SPEC_EXAMPLES[example]
    payload = await create(client, **body)
    assert payload["userErrors"] == []
    invoice = payload["invoice"]
    assert invoice["id"].startswith("inv_")
    assert invoice["invoiceNumber"] == "INV-000001"
    assert invoice["status"] == body["status"]
    assert [i["productId"] for i in invoice["items"]] == [i["product_id"] for i in body["items"]]
    assert (invoice["paymentLinkUrl"] is not None) == body["payment_link"]


async def test_tax_and_money_match_the_rest_shim(client: httpx.AsyncClient) -> None:
    payload = await create(client, **SPEC_EXAMPLES["curl-comprehensive"])
    invoice = payload["invoice"]
    # 40 x 150.00 + 80 x 120.00 + 1 x 450.00 = 16050.00; 8.5% = 1364.25
    assert (invoice["subtotal"], invoice["taxAmount"], invoice["total"]) == (
        "16050.00",
        "1364.25",
        "17414.25",
    )
    assert invoice["items"][0] == {
        "productId": "prod_consulting_001",
        "quantity": "40",
        "lineTotal": "6000.00",
    }


async def test_numbers_are_shared_with_rest_and_links_are_unique(
    client: httpx.AsyncClient,
) -> None:
    first = (await create(client))["invoice"]
    rest = (
        await client.post("/api/v0/invoices", json=basic_invoice(), headers=DEMO_HEADERS)
    ).json()
    third = (await create(client))["invoice"]
    assert [first["invoiceNumber"], rest["invoice_number"], third["invoiceNumber"]] == [
        "INV-000001",
        "INV-000002",
        "INV-000003",
    ]
    links = {first["paymentLinkUrl"], third["paymentLinkUrl"]}
    assert len(links) == 2
    for link in links:
        assert link.startswith("https://pay.example/pay/") and len(link.rsplit("/", 1)[1]) >= 32


async def test_an_invoice_created_here_reads_the_same_through_rest(
    client: httpx.AsyncClient,
) -> None:
    invoice = (await create(client, **SPEC_EXAMPLES["curl-comprehensive"]))["invoice"]
    rest = await client.get(f"/api/v0/invoices/{invoice['id']}", headers=DEMO_HEADERS)
    assert rest.status_code == 200
    body = rest.json()
    assert body["invoice_number"] == invoice["invoiceNumber"]
    assert body["payment_link_url"] == invoice["paymentLinkUrl"]
    assert f"{body['total']:.2f}" == invoice["total"]


@pytest.mark.parametrize(
    ("overrides", "code", "message", "field"),
    [
        (
            {"customer_id": "11111111-2222-3333-4444-555555555555"},
            "CUSTOMER_NOT_FOUND",
            "Customer not found",
            ["input", "customerId"],
        ),
        (
            {"walletId": "wallet_missing"},
            "WALLET_NOT_FOUND",
            "Wallet could not be found",
            ["input", "walletId"],
        ),
        (
            {
                "items": [
                    {"product_id": "prod_123456789", "quantity": 1},
                    {"product_id": "prod_invalid", "quantity": 1},
                ]
            },
            "PRODUCT_NOT_FOUND",
            "Product with ID 'prod_invalid' not found",
            ["input", "items", "1", "productId"],
        ),
        (
            {"due_date": "2020-01-01"},
            "DUE_DATE_IN_PAST",
            "Due date cannot be in the past",
            ["input", "dueDate"],
        ),
        (
            {"send_date": future(40), "due_date": future(30)},
            "SEND_DATE_AFTER_DUE_DATE",
            "Send date cannot be after due date",
            ["input", "sendDate"],
        ),
        ({"taxId": "tax_missing"}, "TAX_NOT_FOUND", "Tax could not be found", ["input", "taxId"]),
    ],
)
async def test_business_errors_are_user_errors_and_write_nothing(
    gateway: tuple[httpx.AsyncClient, Runtime],
    overrides: dict[str, Any],
    code: str,
    message: str,
    field: list[str],
) -> None:
    client, runtime = gateway
    payload = await create(client, **overrides)
    assert payload["invoice"] is None
    assert payload["userErrors"] == [{"field": field, "message": message, "code": code}]
    assert await count_rows(runtime) == (0, 0)
    # and the failed attempt did not use up an invoice number
    assert (await create(client))["invoice"]["invoiceNumber"] == "INV-000001"


async def test_validation_collects_every_problem_with_field_paths(
    client: httpx.AsyncClient,
) -> None:
    payload = await create(
        client,
        customer_id="not-a-uuid",
        email="",
        items=[{"product_id": "bad id!", "quantity": 0}],
        status="PAID",
        payment_methods=[],
    )
    assert payload["invoice"] is None
    errors = {error["message"]: error for error in payload["userErrors"]}
    assert {error["code"] for error in errors.values()} == {"INVALID_INPUT"}
    expected = {
        "email should not be empty": ["input", "email"],
        "email must be an email": ["input", "email"],
        "customer_id must be a valid UUID": ["input", "customerId"],
        "items.0.product_id must be a valid identifier": ["input", "items", "0", "productId"],
        "items.0.quantity must be a positive number": ["input", "items", "0", "quantity"],
        "payment_methods should not be empty": ["input", "paymentMethods"],
        "status must be one of the following values: DRAFT, OPEN": ["input", "status"],
    }
    assert {message: errors[message]["field"] for message in expected} == expected
    assert len(errors) == len(expected)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": ""}, "name should not be empty"),
        ({"logo": "not a url"}, "logo must be a URL address"),
        ({"items": []}, "items should not be empty"),
        (
            {"items": [{"product_id": "prod_123456789", "quantity": "1.00001"}]},
            "items.0.quantity must have at most 4 decimal places",
        ),
        (
            {"items": [{"product_id": "prod_123456789", "quantity": 2_000_000}]},
            "items.0.quantity must not be greater than 1000000",
        ),
        ({"name": "x" * 201}, "name must be shorter than or equal to 200 characters"),
    ],
)
async def test_field_checks_use_the_v0_messages(
    client: httpx.AsyncClient, overrides: dict[str, Any], message: str
) -> None:
    payload = await create(client, **overrides)
    assert [error["message"] for error in payload["userErrors"]] == [message]
    assert payload["userErrors"][0]["code"] == "INVALID_INPUT"


@pytest.mark.parametrize(
    ("variables", "fragment"),
    [
        ({"dueDate": "15-02-2024"}, "dueDate"),
        ({"items": [{"productId": "prod_123456789", "quantity": "lots"}]}, "quantity"),
        ({"delivery": "PIGEON"}, "delivery"),
        ({"name": None}, "name"),
    ],
)
async def test_values_the_schema_cannot_accept_are_bad_user_input(
    client: httpx.AsyncClient, variables: dict[str, Any], fragment: str
) -> None:
    response = await gql(client, CREATE, {"input": {**invoice_input(), **variables}})
    assert response.status_code == 200
    body = response.json()
    assert body["data"] is None
    [error] = body["errors"]
    assert fragment in error["message"]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_bad_credentials_get_401_like_rest(client: httpx.AsyncClient) -> None:
    for headers in ({}, {"x-client-key": DEMO_HEADERS["x-client-key"], "x-client-secret": "no"}):
        response = await client.post(
            "/graphql",
            json={"query": CREATE, "variables": {"input": invoice_input()}},
            headers=headers,
        )
        assert response.status_code == 401
        assert response.json() == {
            "statusCode": 401,
            "message": "Invalid or missing API credentials",
            "error": "Unauthorized",
        }


async def test_oversized_body_gets_413(client: httpx.AsyncClient) -> None:
    response = await gql(client, CREATE, {"input": invoice_input(name="x" * 300_000)})
    assert response.status_code == 413
    assert response.json()["error"] == "Payload Too Large"


async def test_another_apps_rows_are_not_found(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, runtime = gateway
    other = await create_app_with_credential(runtime, "Other Business")
    headers = {
        "x-client-key": other.credential.client_key,
        "x-client-secret": other.credential.client_secret,
    }
    response = await client.post(
        "/graphql",
        json={"query": CREATE, "variables": {"input": to_input(basic_invoice())}},
        headers=headers,
    )
    errors = response.json()["data"]["createInvoice"]["userErrors"]
    assert [error["code"] for error in errors] == ["CUSTOMER_NOT_FOUND"]
