"""createProduct, updateProduct and deleteProduct: the REST product routes' service and
rules, answered with userErrors."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func
from sqlmodel import select

from gateway.db.tables import OutboxMessage, Product
from gateway.runtime import Runtime
from gateway.services.demo import DEMO_APP_ID, WALLET_ID
from gateway.services.tenants import create_app_with_credential
from gateway.services.webhook_endpoints import add_webhook_endpoint
from tests.apptest import DEMO_HEADERS, basic_invoice
from tests.graphql.helpers import data, gql

PRODUCT = """
product {
  id name description price currency productType status type weight quantity stockCount
  unit images walletId createdAt updatedAt
}
"""
ERRORS = "userErrors { field message code }"
CREATE = f"""
mutation Create($input: CreateProductInput!, $key: String) {{
  createProduct(input: $input, idempotencyKey: $key) {{ {PRODUCT} {ERRORS} replayed }}
}}
"""
UPDATE = f"""
mutation Update($id: ID!, $input: UpdateProductInput!) {{
  updateProduct(id: $id, input: $input) {{ {PRODUCT} {ERRORS} }}
}}
"""
DELETE = f"""
mutation Delete($id: ID!) {{ deleteProduct(id: $id) {{ {PRODUCT} archived {ERRORS} }} }}
"""
READ = "query($id: ID!) { product(id: $id) { id name price status images } }"


async def create(
    client: httpx.AsyncClient, key: str | None = None, **fields: Any
) -> dict[str, Any]:
    given = {"name": "Premium Consulting", "description": "Advice.", "price": "299.99", **fields}
    payload: dict[str, Any] = (await data(client, CREATE, {"input": given, "key": key}))[
        "createProduct"
    ]
    return payload


async def product_count(runtime: Runtime) -> int:
    async with runtime.sessions() as session:
        return int((await session.exec(select(func.count()).select_from(Product))).one())


async def test_create_with_defaults(client: httpx.AsyncClient) -> None:
    payload = await create(client)
    product = payload["product"]
    assert payload["userErrors"] == []
    assert payload["replayed"] is False
    assert product == {
        "id": product["id"],
        "name": "Premium Consulting",
        "description": "Advice.",
        "price": "299.99",
        "currency": "USD",
        "productType": "PRODUCT",
        "status": "ACTIVE",
        "type": None,
        "weight": None,
        "quantity": None,
        "stockCount": None,
        "unit": None,
        "images": [],
        "walletId": None,
        "createdAt": product["createdAt"],
        "updatedAt": product["createdAt"],
    }
    rest = await client.get(f"/api/v0/products/{product['id']}", headers=DEMO_HEADERS)
    assert rest.json()["price"] == 299.99


async def test_create_with_every_field(client: httpx.AsyncClient) -> None:
    images = ["https://cdn.example.com/a.png"]
    product = (
        await create(
            client,
            currency="JPY",
            type="DIGITAL",
            productType="SERVICE",
            status="INACTIVE",
            weight="0.5",
            quantity=2,
            stockCount=7,
            unit="kg",
            images=images,
            walletId=WALLET_ID,
        )
    )["product"]
    picked = {k: product[k] for k in ("currency", "productType", "status", "weight", "quantity")}
    assert picked == {
        "currency": "JPY",
        "productType": "SERVICE",
        "status": "INACTIVE",
        "weight": "0.5",
        "quantity": "2",
    }
    assert (product["stockCount"], product["images"], product["walletId"]) == (7, images, WALLET_ID)


async def test_create_reports_every_problem(gateway: tuple[httpx.AsyncClient, Runtime]) -> None:
    client, runtime = gateway
    before = await product_count(runtime)
    payload = await create(
        client,
        name="",
        price="0.001",
        stockCount=-1,
        images=["not a url"],
        description="a\x00b",
    )
    assert payload["product"] is None
    assert payload["userErrors"] == [
        {
            "field": ["input", "name"],
            "message": "name should not be empty",
            "code": "INVALID_INPUT",
        },
        {
            "field": ["input", "description"],
            "message": "description must not contain null or surrogate characters",
            "code": "INVALID_INPUT",
        },
        {
            "field": ["input", "price"],
            "message": "price must not be less than 0.01",
            "code": "INVALID_INPUT",
        },
        {
            "field": ["input", "stockCount"],
            "message": "stock_count must not be less than 0",
            "code": "INVALID_INPUT",
        },
        {
            "field": ["input", "images"],
            "message": "each value in images must be a URL address",
            "code": "INVALID_INPUT",
        },
    ]
    missing = await create(client, walletId="wallet_nope")
    assert missing["userErrors"] == [
        {"field": ["input", "walletId"], "message": "Wallet not found", "code": "WALLET_NOT_FOUND"}
    ]
    assert await product_count(runtime) == before


async def test_an_unknown_enum_value_is_refused(gateway: tuple[httpx.AsyncClient, Runtime]) -> None:
    client, runtime = gateway
    before = await product_count(runtime)
    given = {"name": "n", "description": "d", "price": "1", "currency": "USDC"}
    response = await gql(client, CREATE, {"input": given})
    assert response.json()["data"] is None
    assert "USDC" in response.json()["errors"][0]["message"]
    assert await product_count(runtime) == before


async def test_create_once_per_key(gateway: tuple[httpx.AsyncClient, Runtime]) -> None:
    client, runtime = gateway
    before = await product_count(runtime)
    first = await create(client, key="product-key")
    again = await create(client, key="product-key")
    assert again["replayed"] is True
    assert again["product"] == first["product"]
    other = await create(client, key="product-key", price="5")
    assert other["product"] is None
    assert other["userErrors"] == [
        {
            "field": ["idempotencyKey"],
            "message": "This idempotency key was already used with a different request body",
            "code": "IDEMPOTENCY_KEY_REUSED",
        }
    ]
    assert await product_count(runtime) == before + 1


async def test_update(client: httpx.AsyncClient) -> None:
    product = (await create(client, unit="kg", images=["https://a.example/1.png"]))["product"]
    changes = {"price": "10", "unit": None, "images": ["https://b.example/2.png"], "name": None}
    payload = (await data(client, UPDATE, {"id": product["id"], "input": changes}))["updateProduct"]
    assert payload["userErrors"] == []
    updated = payload["product"]
    assert updated == {
        **product,
        "price": "10.00",
        "unit": None,
        "images": ["https://b.example/2.png"],
        "updatedAt": updated["updatedAt"],
    }
    bad = (await data(client, UPDATE, {"id": product["id"], "input": {"weight": "-1"}}))[
        "updateProduct"
    ]
    assert bad["userErrors"] == [
        {
            "field": ["input", "weight"],
            "message": "weight must be a positive number",
            "code": "INVALID_INPUT",
        }
    ]


async def test_other_apps_products_are_not_found(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, runtime = gateway
    other = await create_app_with_credential(runtime, "Other Business")
    headers = {
        "x-client-key": other.credential.client_key,
        "x-client-secret": other.credential.client_secret,
    }
    product = (await create(client))["product"]
    not_found = [{"field": ["id"], "message": "Product not found.", "code": "PRODUCT_NOT_FOUND"}]
    update = await gql(client, UPDATE, {"id": product["id"], "input": {"price": "1"}}, headers)
    assert update.json()["data"]["updateProduct"]["userErrors"] == not_found
    delete = await gql(client, DELETE, {"id": product["id"]}, headers)
    assert delete.json()["data"]["deleteProduct"]["userErrors"] == not_found
    assert (await data(client, READ, {"id": product["id"]}))["product"]["price"] == "299.99"


async def test_delete_removes_or_archives(gateway: tuple[httpx.AsyncClient, Runtime]) -> None:
    client, runtime = gateway
    await add_webhook_endpoint(runtime, DEMO_APP_ID, "https://93.184.216.34/hooks")
    unused = (await create(client))["product"]
    removed = (await data(client, DELETE, {"id": unused["id"]}))["deleteProduct"]
    assert (removed["product"], removed["archived"], removed["userErrors"]) == (unused, False, [])
    assert (await data(client, READ, {"id": unused["id"]}))["product"] is None

    used = (await create(client, price="40"))["product"]
    items = [{"product_id": used["id"], "quantity": 1}]
    invoice = await client.post(
        "/api/v0/invoices", json=basic_invoice(items=items), headers=DEMO_HEADERS
    )
    assert invoice.status_code == 201
    archived = (await data(client, DELETE, {"id": used["id"]}))["deleteProduct"]
    assert archived["archived"] is True
    assert archived["product"]["status"] == "INACTIVE"
    kept = (await data(client, READ, {"id": used["id"]}))["product"]
    assert kept["status"] == "INACTIVE"

    async with runtime.sessions() as session:
        stmt = select(OutboxMessage.event_type, OutboxMessage.resource_id).where(
            OutboxMessage.resource_type == "product"
        )
        events = sorted((await session.exec(stmt)).all())
    assert events == sorted(
        [
            ("product.created", unused["id"]),
            ("product.deleted", unused["id"]),
            ("product.created", used["id"]),
            ("product.deleted", used["id"]),
        ]
    )
