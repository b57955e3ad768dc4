"""What the keyset connections accept: cursors of their own only, filters, searches with
LIKE wildcards taken literally, and only the caller's app's rows."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest

from gateway.runtime import Runtime
from gateway.services.demo import CUSTOMER_ID
from gateway.services.tenants import create_app_with_credential
from tests.graphql.helpers import create, gql
from tests.graphql.keyset_walk import ids, page, page_query, walk
from tests.graphql.resource_rows import at, customer, product, store, tax

NOT_OURS = "after must be a cursor returned by this connection"


def forged(document: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(document).encode()).decode()


def cursor(of: str, key: str, row_id: str = "inv_1", version: Any = 1) -> str:
    return forged({"v": version, "of": of, "key": [key], "id": row_id})


async def refused(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any], message: str = NOT_OURS
) -> dict[str, Any]:
    response = await gql(client, query, variables)
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    assert [(e["message"], e["extensions"]["code"]) for e in body["errors"]] == [
        (message, "INVALID_INPUT")
    ]
    return body


INVOICES = page_query("invoices", {"orderBy": "InvoiceOrder"})
BY_TOTAL = {"field": "TOTAL", "direction": "ASC"}


@pytest.mark.parametrize(
    ("after", "order_by"),
    [
        ("%%%", None),
        ("bm90LWEtY3Vyc29y", None),  # "not-a-cursor"
        (base64.urlsafe_b64encode(b"offset:3").decode(), None),
        (forged({"v": 1}), None),
        (forged([1, 2]), None),
        (cursor("invoices/DATE_CREATED_DESC", "yesterday"), None),
        (cursor("invoices/DATE_CREATED_DESC", "2024-01-01T00:00:00"), None),  # no zone
        (cursor("invoices/DATE_CREATED_DESC", "2024-01-01T00:00:00+00:00", version=2), None),
        (cursor("invoices/DATE_CREATED_DESC", "2024-01-01T00:00:00+00:00", version=True), None),
        (cursor("invoices/DATE_CREATED_DESC", "2024-01-01T00:00:00+00:00", "\u0000"), None),
        (cursor("invoices/TOTAL_ASC", "1e999"), BY_TOTAL),
        (cursor("invoices/TOTAL_ASC", "NaN"), BY_TOTAL),
        (cursor("invoices/TOTAL_ASC", "-1.00"), BY_TOTAL),
        (cursor("invoices/TOTAL_ASC", "9" * 40), BY_TOTAL),
        # Well formed, but another ordering's or another connection's:
        (cursor("invoices/TOTAL_ASC", "10.00"), None),
        (cursor("invoices/DATE_CREATED_DESC", "2024-01-01T00:00:00+00:00"), BY_TOTAL),
        (cursor("customers/CREATED_AT_DESC", "2024-01-01T00:00:00+00:00"), None),
        (cursor(f"Customer.invoices:{CUSTOMER_ID}/DATE_CREATED_DESC", "2024-01-01"), None),
        ("A" * 5000, None),
    ],
)
async def test_cursors_not_of_the_connection_are_clear_errors(
    client: httpx.AsyncClient, after: str, order_by: dict[str, str] | None
) -> None:
    body = await refused(client, INVOICES, {"first": 2, "after": after, "orderBy": order_by})
    assert body["data"] is None


async def test_a_real_cursor_of_another_ordering_or_connection_is_refused(
    client: httpx.AsyncClient,
) -> None:
    for quantity in (1, 2, 3):
        await create(client, items=[{"product_id": "prod_123456789", "quantity": quantity}])
    by_total = await page(
        client, "invoices", 1, None, {"orderBy": BY_TOTAL}, {"orderBy": "InvoiceOrder"}
    )
    total_cursor = by_total["pageInfo"]["endCursor"]
    [document] = [json.loads(base64.urlsafe_b64decode(total_cursor))]
    assert document["of"] == "invoices/TOTAL_ASC" and document["key"] == ["2500.00"]
    await refused(client, INVOICES, {"first": 1, "after": total_cursor})
    products = page_query("products")
    await refused(client, products, {"first": 1, "after": total_cursor})
    newest = (await page(client, "invoices", 1))["pageInfo"]["endCursor"]
    nested = (
        'query($after: String) { customer(id: "' + CUSTOMER_ID + '") {'
        " invoices(first: 1, after: $after) { edges { node { id } } } } }"
    )
    body = await refused(client, nested, {"after": newest})
    assert body["data"] == {"customer": None}
    # and the nested connection's own cursor serves it
    first = await gql(client, nested.replace("edges {", "pageInfo { endCursor } edges {"), {})
    own = first.json()["data"]["customer"]["invoices"]["pageInfo"]["endCursor"]
    second = await gql(client, nested, {"after": own})
    assert "errors" not in second.json()
    assert len(second.json()["data"]["customer"]["invoices"]["edges"]) == 1


async def test_decimal_and_time_cursors_come_back_exactly(client: httpx.AsyncClient) -> None:
    for quantity in ("1.005", "1.01", "1.015"):  # totals 2512.50, 2525.00, 2537.50
        await create(client, items=[{"product_id": "prod_123456789", "quantity": quantity}])
    types = {"orderBy": "InvoiceOrder"}
    walked = await walk(client, "invoices", 1, None, {"orderBy": BY_TOTAL}, types)
    whole = await page(client, "invoices", 10, None, {"orderBy": BY_TOTAL}, types)
    assert walked == ids(whole)
    keys = [json.loads(base64.urlsafe_b64decode(e["cursor"]))["key"] for e in whole["edges"]]
    assert keys == [["2512.50"], ["2525.00"], ["2537.50"]]
    newest = await page(client, "invoices", 3)
    [moment] = json.loads(base64.urlsafe_b64decode(newest["edges"][0]["cursor"]))["key"]
    assert moment.endswith("+00:00") and "." in moment  # microseconds kept


CUSTOMERS = page_query(
    "customers", {"search": "String", "status": "CustomerStatus"}, "id name status"
)


async def test_customer_search_and_status(gateway: tuple[httpx.AsyncClient, Runtime]) -> None:
    client, runtime = gateway
    mia, max_, pct, under, blocked, gone = await store(
        runtime,
        customer("Mia Stone", at(1), email="MIA@Example.com"),
        customer("Max Pebble", at(2), email="rocks@quarry.example"),
        customer("Pct 100% Co", at(3)),
        customer("Snake_case Ltd", at(4)),
        customer("Mia Blocked", at(5), status="BLACKLISTED"),
        customer("Mia Gone", at(6), status="DELETED"),
    )

    async def found(**arguments: Any) -> list[str]:
        return await walk(
            client,
            "customers",
            2,
            None,
            arguments,
            {"search": "String", "status": "CustomerStatus"},
        )

    assert await found(search="mia") == [blocked, mia]
    assert await found(search="EXAMPLE.COM") == [CUSTOMER_ID, mia]  # the demo customer is newest
    assert await found(search="quarry") == [max_]
    assert await found(search="ston") == [mia]
    assert await found(search="%") == [pct]
    assert await found(search="_") == [under]
    assert await found(search="0% c") == [pct]
    assert await found(search="e_c") == [under]
    assert await found(search="s_a") == []
    assert await found(search="zzz") == []
    assert await found(status="DELETED") == [gone]
    assert await found(status="BLACKLISTED") == [blocked]
    assert await found(search="mia", status="DELETED") == [gone]
    everyone = await found()
    assert gone not in everyone and {mia, max_, pct, under, blocked, CUSTOMER_ID} == set(everyone)
    counted = await gql(client, CUSTOMERS, {"first": 1, "search": "mia"})
    assert counted.json()["data"]["customers"]["totalCount"] == 2


@pytest.mark.parametrize(
    ("field", "search", "message"),
    [
        ("customers", "x" * 101, "search must not be longer than 100 characters"),
        ("products", "x" * 101, "search must not be longer than 100 characters"),
        ("customers", "a\u0000b", "search must not contain NUL or unpaired surrogate characters"),
    ],
)
async def test_bad_searches_are_clear_errors(
    client: httpx.AsyncClient, field: str, search: str, message: str
) -> None:
    query = page_query(field, {"search": "String"})
    body = await refused(client, query, {"first": 1, "search": search}, message)
    assert body["data"] is None


async def test_a_search_of_100_characters_is_accepted(client: httpx.AsyncClient) -> None:
    query = page_query("customers", {"search": "String"})
    response = await gql(client, query, {"first": 1, "search": "x" * 100})
    assert response.json()["data"]["customers"]["edges"] == []


async def test_product_search_and_status(gateway: tuple[httpx.AsyncClient, Runtime]) -> None:
    client, runtime = gateway
    lamp, shade, old = await store(
        runtime,
        product("Desk LAMP", at(1), description="brass"),
        product("Shade", at(2), description="fits a lamp"),
        product("Old lamp", at(3), status="INACTIVE"),
    )
    types = {"search": "String", "status": "ProductStatus"}

    async def found(**arguments: Any) -> list[str]:
        return await walk(client, "products", 1, None, arguments, types)

    assert await found(search="Lamp") == [old, shade, lamp]
    assert await found(search="lamp", status="ACTIVE") == [shade, lamp]
    assert await found(status="INACTIVE") == [old]
    assert await found(search="BRASS") == [lamp]
    assert await found(search="%") == []


async def test_taxes_by_active(gateway: tuple[httpx.AsyncClient, Runtime]) -> None:
    client, runtime = gateway
    [retired] = await store(runtime, tax("Retired", at(1), active=False))
    inactive = await walk(client, "taxes", 2, None, {"active": False}, {"active": "Boolean"})
    active = await walk(client, "taxes", 2, None, {"active": True}, {"active": "Boolean"})
    assert inactive == [retired]
    assert len(active) == 5 and retired not in active
    assert sorted(await walk(client, "taxes", 2)) == sorted([*active, retired])


async def test_another_apps_rows_never_appear(gateway: tuple[httpx.AsyncClient, Runtime]) -> None:
    client, runtime = gateway
    other = await create_app_with_credential(runtime, "Other Business")
    theirs = await store(
        runtime,
        customer("Mia Other", at(1), app_id=other.app_id),
        product("Other lamp", at(1), app_id=other.app_id),
        tax("Other tax", at(1), app_id=other.app_id),
    )
    [mine] = await store(runtime, customer("Mia Mine", at(1)))
    seen = [
        *await walk(client, "customers", 2, None, {"search": "mia"}, {"search": "String"}),
        *await walk(client, "customers", 2),
        *await walk(client, "products", 2, None, {"search": "lamp"}, {"search": "String"}),
        *await walk(client, "taxes", 2),
        *await walk(client, "invoices", 2),
    ]
    assert mine in seen and not set(theirs) & set(seen)
    headers = {
        "x-client-key": other.credential.client_key,
        "x-client-secret": other.credential.client_secret,
    }
    response = await gql(
        client, "{ customers { edges { node { id } } } taxes { totalCount } }", headers=headers
    )
    assert response.json()["data"] == {
        "customers": {"edges": [{"node": {"id": theirs[0]}}]},
        "taxes": {"totalCount": 1},
    }
