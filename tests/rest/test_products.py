from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import func
from sqlmodel import select

from gateway.db.tables import OutboxMessage, Product
from gateway.runtime import Runtime
from gateway.services.demo import DEMO_APP_ID, WALLET_ID
from gateway.services.tenants import create_app_with_credential
from gateway.services.webhook_endpoints import add_webhook_endpoint
from tests.apptest import DEMO_HEADERS, basic_invoice

URL = "/api/v0/products"
UUID_LENGTH = 36

DEMO_WALLET = {"id": WALLET_ID, "address": "0x742d35Cc6635C0532925a3b8d", "blockchain": "ETHEREUM"}


def product_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Premium Consulting",
        "description": "One hour of **expert** advice.",
        "price": 299.99,
    }
    body.update(overrides)
    return body


async def post(client: httpx.AsyncClient, body: Any, **headers: str) -> httpx.Response:
    return await client.post(URL, json=body, headers={**DEMO_HEADERS, **headers})


async def created(client: httpx.AsyncClient, **overrides: Any) -> dict[str, Any]:
    response = await post(client, product_body(**overrides))
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def refused(response: httpx.Response, status: int, message: str | list[str]) -> None:
    phrase = {400: "Bad Request", 404: "Not Found", 415: "Unsupported Media Type"}[status]
    assert response.status_code == status, response.text
    assert response.json() == {"statusCode": status, "message": message, "error": phrase}


async def product_count(runtime: Runtime) -> int:
    async with runtime.sessions() as session:
        return int((await session.exec(select(func.count()).select_from(Product))).one())


async def product_events(runtime: Runtime) -> list[tuple[str, str | None]]:
    async with runtime.sessions() as session:
        stmt = (
            select(OutboxMessage)
            .where(OutboxMessage.resource_type == "product")
            .order_by(OutboxMessage.created_at, OutboxMessage.event_type)
        )
        rows = (await session.exec(stmt)).all()
    return [(row.event_type, row.resource_id) for row in rows]


async def other_app_headers(runtime: Runtime) -> dict[str, str]:
    other = await create_app_with_credential(runtime, "Other Business")
    return {
        "x-client-key": other.credential.client_key,
        "x-client-secret": other.credential.client_secret,
    }


async def test_create_answers_the_whole_product(client: httpx.AsyncClient) -> None:
    data = await created(client)
    assert len(data["id"]) == UUID_LENGTH
    assert data["dateAdded"] == data["dateUpdated"]
    assert data["dateAdded"].endswith("Z")
    assert data == {
        "id": data["id"],
        "name": "Premium Consulting",
        "description": "One hour of **expert** advice.",
        "price": 299.99,
        "currency": "USD",
        "productType": "PRODUCT",
        "status": "ACTIVE",
        "type": None,
        "stockCount": None,
        "quantity": None,
        "weight": None,
        "unit": None,
        "images": [],
        "variations": None,
        "paymentLink": None,
        "walletId": None,
        "dateAdded": data["dateAdded"],
        "dateUpdated": data["dateUpdated"],
        "app": {"id": DEMO_APP_ID, "name": "My Business App"},
        "wallet": None,
        "transactions": [],
    }
    fetched = await client.get(f"{URL}/{data['id']}", headers=DEMO_HEADERS)
    assert fetched.status_code == 200
    assert fetched.json() == data


async def test_create_with_every_field(client: httpx.AsyncClient) -> None:
    images = ["https://cdn.example.com/a.png", "http://img.example.org/b.webp"]
    data = await created(
        client,
        price=12.5,
        currency="EUR",
        type="DIGITAL",
        productType="SERVICE",
        status="INACTIVE",
        weight=1.25,
        quantity=3,
        stockCount=40,
        unit="kg",
        images=images,
        walletId=WALLET_ID,
    )
    picked = {key: data[key] for key in (
        "price", "currency", "type", "productType", "status", "weight", "quantity",
        "stockCount", "unit", "images", "walletId", "wallet",
    )}  # fmt: skip
    assert picked == {
        "price": 12.5,
        "currency": "EUR",
        "type": "DIGITAL",
        "productType": "SERVICE",
        "status": "INACTIVE",
        "weight": 1.25,
        "quantity": 3,
        "stockCount": 40,
        "unit": "kg",
        "images": images,
        "walletId": WALLET_ID,
        "wallet": DEMO_WALLET,
    }


async def test_price_is_exact(gateway: tuple[httpx.AsyncClient, Runtime]) -> None:
    client, runtime = gateway
    response = await client.post(
        URL,
        content=b'{"name":"n","description":"d","price":2712.49}',
        headers={**DEMO_HEADERS, "content-type": "application/json"},
    )
    assert response.status_code == 201
    assert b'"price":2712.49' in response.content
    async with runtime.sessions() as session:
        product = await session.get(Product, response.json()["id"])
    assert product is not None
    assert product.price == Decimal("2712.49")


@pytest.mark.parametrize(
    ("body", "messages"),
    [
        (
            {},
            [
                "name should not be empty",
                "name must be a string",
                "description should not be empty",
                "description must be a string",
                "price should not be empty",
                "price must be a number conforming to the specified constraints",
            ],
        ),
        (product_body(name=""), ["name should not be empty"]),
        (
            product_body(name="x" * 201),
            ["name must be shorter than or equal to 200 characters"],
        ),
        (
            product_body(description="x" * 2001),
            ["description must be shorter than or equal to 2000 characters"],
        ),
        (product_body(price=0), ["price must not be less than 0.01"]),
        (product_body(price=-5), ["price must not be less than 0.01"]),
        (product_body(price=1.005), ["price must have at most 2 decimal places"]),
        (
            product_body(price="10"),
            ["price must be a number conforming to the specified constraints"],
        ),
        (product_body(price=10**13), ["price must not be greater than 1000000000000"]),
        (
            product_body(currency="USDC"),
            ["currency must be one of the following values: USD, EUR, GBP, CAD, AUD, JPY"],
        ),
        (
            product_body(productType="GOODS"),
            ["productType must be one of the following values: PRODUCT, SERVICE"],
        ),
        (
            product_body(status="DELETED"),
            ["status must be one of the following values: ACTIVE, INACTIVE"],
        ),
        (product_body(type="x" * 65), ["type must be shorter than or equal to 64 characters"]),
        (product_body(weight=0), ["weight must be a positive number"]),
        (product_body(weight="1"), ["weight must be a positive number"]),
        (product_body(stockCount=-1), ["stockCount must not be less than 0"]),
        (product_body(stockCount=1.5), ["stockCount must be an integer number"]),
        (product_body(quantity=True), ["quantity must be an integer number"]),
        (product_body(stockCount=2**31), ["stockCount must not be greater than 2147483647"]),
        (product_body(unit="x" * 33), ["unit must be shorter than or equal to 32 characters"]),
        (product_body(images="https://a.example/x.png"), ["images must be an array"]),
        (product_body(images=[1]), ["each value in images must be a string"]),
        (
            product_body(images=["ftp://a.example/x"]),
            ["each value in images must be a URL address"],
        ),
        (
            product_body(images=[f"https://a.example/{n}.png" for n in range(11)]),
            ["images must contain no more than 10 elements"],
        ),
        (product_body(walletId="no spaces"), ["walletId must be a valid identifier"]),
        (
            product_body(name="a\x00b", description="\x00"),
            [
                "name must not contain null or surrogate characters",
                "description must not contain null or surrogate characters",
            ],
        ),
        ([product_body()], ["request body must be a JSON object"]),
        ("text", ["request body must be a JSON object"]),
    ],
)
async def test_create_refuses_bad_input(
    gateway: tuple[httpx.AsyncClient, Runtime], body: Any, messages: str | list[str]
) -> None:
    client, runtime = gateway
    before = await product_count(runtime)
    refused(await post(client, body), 400, messages)
    assert await product_count(runtime) == before


async def test_create_refuses_what_is_no_json(gateway: tuple[httpx.AsyncClient, Runtime]) -> None:
    client, runtime = gateway
    before = await product_count(runtime)
    response = await client.post(
        URL, content=b"{not json", headers={**DEMO_HEADERS, "content-type": "application/json"}
    )
    refused(response, 400, ["request body must be valid JSON"])
    response = await client.post(
        URL, content=b'{"name": "' + b"x" * 2_000_000 + b'"}', headers=DEMO_HEADERS
    )
    assert response.status_code == 413
    assert await product_count(runtime) == before


async def test_multipart_is_unsupported(gateway: tuple[httpx.AsyncClient, Runtime]) -> None:
    client, runtime = gateway
    before = await product_count(runtime)
    message = (
        "multipart/form-data is not accepted: send the product as application/json,"
        " with images as a list of http(s) URLs"
    )
    form = {"name": "n", "description": "d", "price": "1"}
    files = {"images": ("a.png", b"\x89PNG", "image/png")}
    refused(await client.post(URL, data=form, files=files, headers=DEMO_HEADERS), 415, message)
    products = await client.get(URL, headers=DEMO_HEADERS)
    product_id = products.json()["data"][0]["id"]
    response = await client.put(f"{URL}/{product_id}", data=form, files=files, headers=DEMO_HEADERS)
    refused(response, 415, message)
    assert await product_count(runtime) == before


async def test_wallet_must_be_the_apps(gateway: tuple[httpx.AsyncClient, Runtime]) -> None:
    client, runtime = gateway
    before = await product_count(runtime)
    refused(await post(client, product_body(walletId="wallet_nope")), 404, "Wallet not found")
    other = await other_app_headers(runtime)
    refused(await post(client, product_body(walletId=WALLET_ID), **other), 404, "Wallet not found")
    assert await product_count(runtime) == before


async def test_idempotent_create(gateway: tuple[httpx.AsyncClient, Runtime]) -> None:
    client, runtime = gateway
    before = await product_count(runtime)
    first = await post(client, product_body(), **{"x-idempotency-key": "key-1"})
    assert first.status_code == 201
    again = await post(client, product_body(), **{"idempotency-key": "key-1"})
    assert again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.content == first.content
    other = await post(client, product_body(price=5), **{"x-idempotency-key": "key-1"})
    assert other.status_code == 422
    assert other.json()["message"] == (
        "This idempotency key was already used with a different request body"
    )
    assert await product_count(runtime) == before + 1


async def test_list_newest_first_with_total(client: httpx.AsyncClient) -> None:
    demo = (await client.get(URL, params={"take": 100}, headers=DEMO_HEADERS)).json()
    first = await created(client, name="first")
    second = await created(client, name="second", walletId=WALLET_ID)
    page = await client.get(URL, params={"take": 2}, headers=DEMO_HEADERS)
    assert page.status_code == 200
    assert page.json() == {
        "data": [second, first],
        "total": demo["total"] + 2,
        "skip": 0,
        "take": 2,
    }
    rest = (await client.get(URL, params={"skip": 2, "take": 100}, headers=DEMO_HEADERS)).json()
    assert rest == {**demo, "total": demo["total"] + 2, "skip": 2}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("take=0", "take must not be less than 1"),
        ("take=101", "take must not be greater than 100"),
        ("skip=-1", "skip must be an integer number"),
        ("page=2", "page is not an accepted query parameter; accepted: skip, take"),
    ],
)
async def test_list_refuses_bad_queries(
    client: httpx.AsyncClient, query: str, message: str
) -> None:
    refused(await client.get(f"{URL}?{query}", headers=DEMO_HEADERS), 400, [message])


async def test_demo_ids_are_found_and_others_not(client: httpx.AsyncClient) -> None:
    demo = await client.get(f"{URL}/prod_123456789", headers=DEMO_HEADERS)
    assert demo.status_code == 200
    assert demo.json()["name"] == "Website Development"
    assert demo.json()["price"] == 2500
    for missing in ("prod_nope", "00000000-0000-4000-8000-000000000000", "a%00b"):
        refused(
            await client.get(f"{URL}/{missing}", headers=DEMO_HEADERS), 404, "Product not found."
        )


async def test_update_changes_only_the_fields_given(client: httpx.AsyncClient) -> None:
    original = await created(
        client, images=["https://a.example/1.png"], unit="kg", weight=2, walletId=WALLET_ID
    )
    url = f"{URL}/{original['id']}"
    changes = {
        "price": 10,
        "images": ["https://b.example/2.png"],
        "unit": None,
        "status": "INACTIVE",
    }
    response = await client.put(url, json=changes, headers=DEMO_HEADERS)
    assert response.status_code == 200, response.text
    updated = response.json()
    assert updated == {
        **original,
        "price": 10,
        "images": ["https://b.example/2.png"],
        "unit": None,
        "status": "INACTIVE",
        "dateUpdated": updated["dateUpdated"],
    }
    assert (await client.get(url, headers=DEMO_HEADERS)).json() == updated
    cleared = await client.put(url, json={"images": None, "walletId": None}, headers=DEMO_HEADERS)
    assert (cleared.json()["images"], cleared.json()["wallet"]) == ([], None)


@pytest.mark.parametrize(
    ("changes", "messages"),
    [
        ({"name": None}, ["name should not be empty", "name must be a string"]),
        ({"price": 0}, ["price must not be less than 0.01"]),
        (
            {"currency": None},
            ["currency must be one of the following values: USD, EUR, GBP, CAD, AUD, JPY"],
        ),
        ({"status": 1}, ["status must be one of the following values: ACTIVE, INACTIVE"]),
        ({"images": [None]}, ["each value in images must be a string"]),
        (["price"], ["request body must be a JSON object"]),
    ],
)
async def test_update_refuses_bad_input(
    client: httpx.AsyncClient, changes: Any, messages: str | list[str]
) -> None:
    product = await created(client)
    url = f"{URL}/{product['id']}"
    refused(await client.put(url, json=changes, headers=DEMO_HEADERS), 400, messages)
    assert (await client.get(url, headers=DEMO_HEADERS)).json() == product


async def test_update_of_a_missing_product_or_wallet(client: httpx.AsyncClient) -> None:
    refused(
        await client.put(f"{URL}/prod_nope", json={}, headers=DEMO_HEADERS),
        404,
        "Product not found.",
    )
    product = await created(client)
    response = await client.put(
        f"{URL}/{product['id']}", json={"walletId": "wallet_nope"}, headers=DEMO_HEADERS
    )
    refused(response, 404, "Wallet not found")


async def test_another_app_cannot_see_change_or_delete(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, runtime = gateway
    other = {**await other_app_headers(runtime)}
    product = await created(client)
    url = f"{URL}/{product['id']}"
    refused(await client.get(url, headers=other), 404, "Product not found.")
    refused(await client.put(url, json={"price": 1}, headers=other), 404, "Product not found.")
    refused(await client.delete(url, headers=other), 404, "Product not found.")
    listing = await client.get(URL, headers=other)
    assert listing.json() == {"data": [], "total": 0, "skip": 0, "take": 10}
    assert (await client.get(url, headers=DEMO_HEADERS)).json() == product
    mine = await client.post(URL, json=product_body(), headers=other)
    assert mine.json()["app"]["name"] == "Other Business"
    refused(
        await client.get(f"{URL}/{mine.json()['id']}", headers=DEMO_HEADERS),
        404,
        "Product not found.",
    )


async def test_delete_removes_an_unused_product(client: httpx.AsyncClient) -> None:
    product = await created(client)
    url = f"{URL}/{product['id']}"
    response = await client.delete(url, headers=DEMO_HEADERS)
    assert response.status_code == 200
    assert response.json() == {
        "message": "The product has been successfully deleted.",
        "archived": False,
    }
    refused(await client.get(url, headers=DEMO_HEADERS), 404, "Product not found.")
    refused(await client.delete(url, headers=DEMO_HEADERS), 404, "Product not found.")


async def test_delete_archives_a_product_invoices_use(client: httpx.AsyncClient) -> None:
    product = await created(client, price=40)
    items = [{"product_id": product["id"], "quantity": 2}]
    invoice = await client.post(
        "/api/v0/invoices", json=basic_invoice(items=items), headers=DEMO_HEADERS
    )
    assert invoice.status_code == 201, invoice.text
    url = f"{URL}/{product['id']}"
    response = await client.delete(url, headers=DEMO_HEADERS)
    assert response.json() == {
        "message": "The product has been successfully deleted.",
        "archived": True,
    }
    kept = await client.get(url, headers=DEMO_HEADERS)
    assert kept.status_code == 200
    assert kept.json() == {
        **product,
        "status": "INACTIVE",
        "dateUpdated": kept.json()["dateUpdated"],
    }


async def test_a_price_change_leaves_invoices_as_they_were(client: httpx.AsyncClient) -> None:
    product = await created(client, price=40)
    items = [{"product_id": product["id"], "quantity": 2}]
    created_invoice = await client.post(
        "/api/v0/invoices", json=basic_invoice(items=items), headers=DEMO_HEADERS
    )
    invoice_url = f"/api/v0/invoices/{created_invoice.json()['id']}"
    before = (await client.get(invoice_url, headers=DEMO_HEADERS)).json()
    changed = await client.put(f"{URL}/{product['id']}", json={"price": 99.5}, headers=DEMO_HEADERS)
    assert changed.json()["price"] == 99.5
    after = (await client.get(invoice_url, headers=DEMO_HEADERS)).json()
    amounts = ("subtotal", "tax_amount", "total", "amount_due")
    assert [after[key] for key in amounts] == [before[key] for key in amounts] == [80, 0, 80, 80]
    line = after["items"][0]
    assert (line["unit_price"], line["line_total"]) == (40, 80)


async def test_events_reach_the_outbox(gateway: tuple[httpx.AsyncClient, Runtime]) -> None:
    client, runtime = gateway
    await add_webhook_endpoint(runtime, DEMO_APP_ID, "https://93.184.216.34/hooks")
    product = await created(client)
    url = f"{URL}/{product['id']}"
    await client.put(url, json={"name": "renamed"}, headers=DEMO_HEADERS)
    await client.delete(url, headers=DEMO_HEADERS)
    assert await product_events(runtime) == [
        ("product.created", product["id"]),
        ("product.updated", product["id"]),
        ("product.deleted", product["id"]),
    ]
    async with runtime.sessions() as session:
        stmt = select(OutboxMessage).where(OutboxMessage.event_type == "product.updated")
        message = (await session.exec(stmt)).one()
    assert '"name":"renamed"' in message.payload
    assert message.invoice_id is None
