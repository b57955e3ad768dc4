from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import func
from sqlmodel import select

from gateway.db.tables import Invoice, InvoiceItem
from gateway.runtime import Runtime
from tests.apptest import DEMO_HEADERS, basic_invoice, future
from tests.spec_examples import SPEC_EXAMPLES

URL = "/api/v0/invoices"

SUCCESS_KEYS = {
    "id", "invoice_number", "name", "app_id", "email", "address", "phone_number", "logo",
    "customer_id", "walletId", "due_date", "send_date", "date_created", "status",
    "payment_methods", "delivery", "payment_link", "partial_payment", "reminder_sent",
    "paidAt", "paymentMetadata", "paymentStatus", "taxId", "currency", "app", "customer",
    "wallet", "tax", "items", "transactions",
}  # fmt: skip


async def post(client: httpx.AsyncClient, body: Any, **headers: str) -> httpx.Response:
    return await client.post(URL, json=body, headers={**DEMO_HEADERS, **headers})


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
    response = await post(client, body)
    assert response.status_code == 201, response.text
    data = response.json()
    assert data.keys() >= SUCCESS_KEYS
    assert data["id"].startswith("inv_")
    assert data["invoice_number"] == "INV-000001"
    assert data["name"] == body["name"]
    assert data["status"] == body["status"]
    assert data["payment_methods"] == body["payment_methods"]
    assert data["due_date"] == f"{body['due_date']}T00:00:00.000Z"
    assert [i["productId"] for i in data["items"]] == [i["product_id"] for i in body["items"]]
    assert data["transactions"] == []
    assert (data["payment_link_url"] is not None) == body["payment_link"]


async def test_basic_example_matches_the_documented_body(client: httpx.AsyncClient) -> None:
    body = basic_invoice()
    data = (await post(client, body)).json()
    assert data["app_id"] == "app_123456789"
    assert data["app"] == {"id": "app_123456789", "name": "My Business App"}
    assert data["customer"] == {
        "id": "550e8400-e29b-41d4-a716-446655440000",
        "email": "client@example.com",
        "name": "John Doe",
        "status": "ACTIVE",
    }
    assert data["wallet"] == {
        "id": "abcd1234-5678-90ef-ghij-klmnopqrstuv",
        "address": "0x742d35Cc6635C0532925a3b8d",
        "blockchain": "ETHEREUM",
        "type": "APP",
    }
    assert data["items"][0]["product"] == {
        "id": "prod_123456789",
        "name": "Website Development",
        "price": 2500.00,
        "currency": "USD",
    }
    assert data["items"][0]["quantity"] == 1
    assert data["items"][0]["invoice_id"] == data["id"]
    assert data["tax"] is None and data["taxId"] is None
    assert data["send_date"] is None and data["address"] is None
    assert data["reminder_sent"] is False
    assert data["paidAt"] is None and data["paymentStatus"] is None
    assert data["paymentMetadata"] is None
    assert data["currency"] == "USDC"
    assert data["date_created"].endswith("Z") and len(data["date_created"]) == 24
    assert data["subtotal"] == 2500.00 and data["total"] == 2500.00
    assert data["amount_due"] == 2500.00 and data["amount_paid"] == 0


async def test_tax_is_computed_and_money_is_exact(client: httpx.AsyncClient) -> None:
    response = await post(client, SPEC_EXAMPLES["curl-comprehensive"])
    assert '"subtotal":16050.00' in response.text
    data = response.json(parse_float=Decimal)
    # 40 x 150.00 + 80 x 120.00 + 1 x 450.00 = 16050.00; 8.5% = 1364.25
    assert data["subtotal"] == Decimal("16050.00")
    assert data["tax_amount"] == Decimal("1364.25")
    assert data["total"] == Decimal("17414.25")
    assert data["tax"] == {
        "id": "tax_550e8400-e29b-41d4-a716-446655440123",
        "name": "Standard Sales Tax",
        "rate": Decimal("8.5"),
        "type": "PERCENTAGE",
        "inclusive": False,
    }


async def test_numbers_are_sequential_per_app(client: httpx.AsyncClient) -> None:
    numbers = [(await post(client, basic_invoice())).json()["invoice_number"] for _ in range(3)]
    assert numbers == ["INV-000001", "INV-000002", "INV-000003"]


async def test_payment_link_is_unique_and_unguessable(client: httpx.AsyncClient) -> None:
    links = {(await post(client, basic_invoice())).json()["payment_link_url"] for _ in range(2)}
    assert len(links) == 2
    for link in links:
        assert link.startswith("https://pay.example/pay/")
        token = link.rsplit("/", 1)[1]
        assert len(token) >= 32  # 24 random bytes, base64url


@pytest.mark.parametrize(
    ("headers", "case"),
    [
        ({}, "missing"),
        ({"x-client-key": "ck_demo_0123456789abcdef"}, "no secret"),
        ({"x-client-key": "ck_unknown", "x-client-secret": "whatever"}, "unknown key"),
        ({"x-client-key": "ck_demo_0123456789abcdef", "x-client-secret": "wrong"}, "wrong"),
    ],
)
async def test_bad_credentials_get_401(
    client: httpx.AsyncClient, headers: dict[str, str], case: str
) -> None:
    response = await client.post(URL, json=basic_invoice(), headers=headers)
    assert response.status_code == 401, case
    assert response.json() == {
        "statusCode": 401,
        "message": "Invalid or missing API credentials",
        "error": "Unauthorized",
    }


async def test_validation_collects_every_problem(client: httpx.AsyncClient) -> None:
    body = basic_invoice(due_date="15-02-2024", customer_id="not-a-uuid", items=[])
    response = await post(client, body)
    assert response.status_code == 400
    data = response.json()
    assert data["statusCode"] == 400 and data["error"] == "Bad Request"
    for message in (
        "due_date must be a valid date in YYYY-MM-DD format",
        "customer_id must be a valid UUID",
        "items should not be empty",
    ):
        assert message in data["message"]


@pytest.mark.parametrize(
    ("raw", "status"),
    [(b"{not json", 400), (b"[1, 2]", 400), (b'"text"', 400), (b"", 400), (b"null", 400)],
)
async def test_malformed_bodies_get_400(client: httpx.AsyncClient, raw: bytes, status: int) -> None:
    response = await client.post(
        URL, content=raw, headers={**DEMO_HEADERS, "content-type": "application/json"}
    )
    assert response.status_code == status
    assert response.json()["error"] == "Bad Request"
    assert isinstance(response.json()["message"], list)


async def test_oversized_body_gets_413(client: httpx.AsyncClient) -> None:
    body = basic_invoice(name="x" * 300_000)
    response = await post(client, body)
    assert response.status_code == 413
    assert response.json()["error"] == "Payload Too Large"


@pytest.mark.parametrize(
    ("overrides", "status", "message"),
    [
        ({"customer_id": "11111111-2222-3333-4444-555555555555"}, 404, "Customer not found"),
        ({"walletId": "wallet_missing"}, 404, "Wallet could not be found"),
        (
            {"items": [{"product_id": "prod_invalid", "quantity": 1}]},
            400,
            "Product with ID 'prod_invalid' not found",
        ),
        ({"due_date": "2020-01-01"}, 400, "Due date cannot be in the past"),
        (
            {"send_date": future(40), "due_date": future(30)},
            400,
            "Send date cannot be after due date",
        ),
        ({"taxId": "tax_missing"}, 404, "Tax could not be found"),
    ],
)
async def test_business_errors_match_the_spec_and_write_nothing(
    gateway: tuple[httpx.AsyncClient, Runtime],
    overrides: dict[str, Any],
    status: int,
    message: str,
) -> None:
    client, runtime = gateway
    response = await post(client, basic_invoice(**overrides))
    assert response.status_code == status
    assert response.json() == {
        "statusCode": status,
        "message": message,
        "error": "Not Found" if status == 404 else "Bad Request",
    }
    assert await count_rows(runtime) == (0, 0)
    # and the failed attempt did not use up an invoice number
    assert (await post(client, basic_invoice())).json()["invoice_number"] == "INV-000001"


async def test_list_and_retrieve(client: httpx.AsyncClient) -> None:
    created = [(await post(client, basic_invoice(name=f"Invoice {n}"))).json() for n in range(3)]
    draft = (await post(client, SPEC_EXAMPLES["curl-draft"])).json()

    listing = await client.get(URL, headers=DEMO_HEADERS, params={"take": 2})
    assert listing.status_code == 200
    assert listing.headers["x-total-count"] == "4"
    assert [inv["id"] for inv in listing.json()] == [draft["id"], created[2]["id"]]

    drafts = await client.get(URL, headers=DEMO_HEADERS, params={"status": "DRAFT"})
    assert [inv["id"] for inv in drafts.json()] == [draft["id"]]

    one = await client.get(f"{URL}/{created[0]['id']}", headers=DEMO_HEADERS)
    assert one.json() == created[0]

    missing = await client.get(f"{URL}/inv_missing", headers=DEMO_HEADERS)
    assert missing.status_code == 404
    assert missing.json() == {
        "statusCode": 404,
        "message": "Invoice not found",
        "error": "Not Found",
    }


@pytest.mark.parametrize(
    "params",
    [{"take": "101"}, {"take": "0"}, {"skip": "-1"}, {"status": "LATE"}, {"start_date": "2024"}],
)
async def test_bad_list_parameters_get_400(
    client: httpx.AsyncClient, params: dict[str, str]
) -> None:
    response = await client.get(URL, headers=DEMO_HEADERS, params=params)
    assert response.status_code == 400
    assert response.json()["error"] == "Bad Request"
