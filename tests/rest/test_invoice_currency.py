"""An invoice's currency over REST: accepted on create and update, checked, stored,
rendered; a product priced in another denomination is refused by name."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from gateway.runtime import Runtime
from tests.apptest import DEMO_HEADERS, basic_invoice
from tests.catalogue import add_product

URL = "/api/v0/invoices"


async def post(client: httpx.AsyncClient, body: dict[str, Any]) -> httpx.Response:
    return await client.post(URL, json=body, headers=DEMO_HEADERS)


async def put(client: httpx.AsyncClient, invoice_id: str, body: dict[str, Any]) -> httpx.Response:
    return await client.put(f"{URL}/{invoice_id}", json=body, headers=DEMO_HEADERS)


def bad_request(*messages: str) -> dict[str, Any]:
    return {"statusCode": 400, "message": list(messages), "error": "Bad Request"}


async def test_an_invoice_is_in_usdc_unless_told(client: httpx.AsyncClient) -> None:
    response = await post(client, basic_invoice())
    assert response.status_code == 201, response.text
    assert response.json()["currency"] == "USDC"
    explicit = await post(client, basic_invoice(currency="usdc"))
    assert explicit.json()["currency"] == "USDC"


async def test_a_eurc_invoice_of_eur_products(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, runtime = gateway
    await add_product(runtime, "prod_eur", "EUR", "80.00")
    await add_product(runtime, "prod_eurc", "EURC", "20.00")
    items = [{"product_id": "prod_eur", "quantity": 2}, {"product_id": "prod_eurc", "quantity": 1}]
    response = await post(client, basic_invoice(currency="eurc", items=items))
    assert response.status_code == 201, response.text
    created = response.json()
    assert (created["currency"], created["total"]) == ("EURC", 180.00)
    fetched = (await client.get(f"{URL}/{created['id']}", headers=DEMO_HEADERS)).json()
    assert fetched["currency"] == "EURC"
    listed = (await client.get(URL, headers=DEMO_HEADERS)).json()
    assert [invoice["currency"] for invoice in listed] == ["EURC"]


@pytest.mark.parametrize("value", ["USDC", "eur", "usdt", "", 1, True, ["usdc"]])
async def test_an_unknown_currency_is_a_400(client: httpx.AsyncClient, value: object) -> None:
    response = await post(client, basic_invoice(currency=value))
    assert (response.status_code, response.json()) == (
        400,
        bad_request("currency must be one of the following values: usdc, eurc"),
    )
    listed = (await client.get(URL, headers=DEMO_HEADERS)).json()
    assert listed == []


@pytest.mark.parametrize(
    ("currency", "product_currency"),
    [("usdc", "EUR"), ("usdc", "EURC"), ("usdc", "GBP"), ("eurc", "USD"), ("eurc", "JPY")],
)
async def test_a_product_in_another_denomination_is_refused_by_name(
    gateway: tuple[httpx.AsyncClient, Runtime], currency: str, product_currency: str
) -> None:
    client, runtime = gateway
    await add_product(runtime, "prod_other", product_currency)
    if currency == "eurc":
        await add_product(runtime, "prod_eur", "EUR")
    first = "prod_eur" if currency == "eurc" else "prod_123456789"
    items = [{"product_id": first, "quantity": 1}, {"product_id": "prod_other", "quantity": 1}]
    response = await post(client, basic_invoice(currency=currency, items=items))
    message = (
        f"Product 'Priced in {product_currency}' (prod_other) at items.1 is priced in "
        f"{product_currency} and cannot be invoiced in {currency}"
    )
    assert (response.status_code, response.json()) == (
        400,
        {"statusCode": 400, "message": message, "error": "Bad Request"},
    )
    assert (await client.get(URL, headers=DEMO_HEADERS)).json() == []


async def test_a_draft_changes_currency_with_its_products(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, runtime = gateway
    await add_product(runtime, "prod_eur", "EUR", "80.00")
    draft = (await post(client, basic_invoice(status="DRAFT"))).json()

    alone = await put(client, draft["id"], {"currency": "eurc"})
    assert alone.status_code == 400
    assert alone.json()["message"] == (
        "Product 'Website Development' (prod_123456789) at items.0 is priced in USD "
        "and cannot be invoiced in eurc"
    )

    both = await put(
        client,
        draft["id"],
        {"currency": "eurc", "items": [{"product_id": "prod_eur", "quantity": 1}]},
    )
    assert both.status_code == 200, both.text
    assert (both.json()["currency"], both.json()["total"]) == ("EURC", 80.00)

    # Other changes keep the currency.
    renamed = await put(client, draft["id"], {"name": "Renamed"})
    assert (renamed.json()["currency"], renamed.json()["name"]) == ("EURC", "Renamed")


@pytest.mark.parametrize("value", [None, "EURC", "gbp"])
async def test_an_update_cannot_clear_or_misspell_the_currency(
    client: httpx.AsyncClient, value: object
) -> None:
    draft = (await post(client, basic_invoice(status="DRAFT"))).json()
    response = await put(client, draft["id"], {"currency": value})
    assert (response.status_code, response.json()) == (
        400,
        bad_request("currency must be one of the following values: usdc, eurc"),
    )
    fetched = (await client.get(f"{URL}/{draft['id']}", headers=DEMO_HEADERS)).json()
    assert fetched["currency"] == "USDC"
