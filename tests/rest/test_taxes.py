"""/api/v0/taxes over REST: every route, its messages, tenancy, idempotency, events, and
what deleting or re-rating a tax does to the invoices that use it."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from sqlalchemy import func
from sqlmodel import col, select

from gateway.db.tables import OutboxMessage, Tax
from gateway.encoding import loads
from gateway.runtime import Runtime
from gateway.services.demo import DEMO_APP_ID
from gateway.services.tenants import create_app_with_credential
from gateway.services.webhook_endpoints import add_webhook_endpoint
from tests.apptest import DEMO_HEADERS, basic_invoice

URL = "/api/v0/taxes"
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
DEMO_TAXES = 5
VAT = {"name": "VAT", "percentage": 20, "description": "Value added tax"}


async def count_taxes(runtime: Runtime) -> int:
    async with runtime.sessions() as session:
        return int((await session.exec(select(func.count()).select_from(Tax))).one())


async def create(client: httpx.AsyncClient, **body: Any) -> dict[str, Any]:
    response = await client.post(URL, json=body or VAT, headers=DEMO_HEADERS)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def bad_request(response: httpx.Response, message: str | list[str]) -> None:
    assert response.status_code == 400, response.text
    assert response.json() == {"statusCode": 400, "message": message, "error": "Bad Request"}


def not_found(response: httpx.Response) -> None:
    assert response.status_code == 404, response.text
    assert response.json() == {"statusCode": 404, "message": "Tax not found", "error": "Not Found"}


async def other_app_headers(runtime: Runtime) -> dict[str, str]:
    other = await create_app_with_credential(runtime, "Other Business")
    return {
        "x-client-key": other.credential.client_key,
        "x-client-secret": other.credential.client_secret,
    }


async def test_create_answers_the_tax_and_stores_it(client: httpx.AsyncClient) -> None:
    response = await client.post(URL, json=VAT, headers=DEMO_HEADERS)
    assert response.status_code == 201, response.text
    tax = response.json()
    assert list(tax) == [
        *("id", "name", "description", "percentage", "active", "created_at", "updated_at"),
    ]
    assert UUID.match(tax["id"]) and STAMP.match(tax["created_at"])
    assert tax == {
        "id": tax["id"],
        "name": "VAT",
        "description": "Value added tax",
        "percentage": 20,
        "active": True,
        "created_at": tax["created_at"],
        "updated_at": tax["created_at"],
    }
    fetched = await client.get(f"{URL}/{tax['id']}", headers=DEMO_HEADERS)
    assert fetched.status_code == 200
    assert fetched.json() == tax


async def test_create_defaults_and_exact_percentage(client: httpx.AsyncClient) -> None:
    tax = await create(client, name="Reduced", percentage=7.0125)
    assert (tax["description"], tax["active"], tax["percentage"]) == (None, True, 7.0125)
    assert (
        '"percentage":7.0125' in (await client.get(f"{URL}/{tax['id']}", headers=DEMO_HEADERS)).text
    )
    own = await create(client, name="Mine", percentage=0, active=False, appIds=[DEMO_APP_ID])
    assert (own["percentage"], own["active"]) == (0, False)
    assert (await create(client, name="None named", percentage=100, appIds=[]))["percentage"] == 100


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {},
            [
                "name should not be empty",
                "name must be a string",
                "percentage should not be empty",
                "percentage must be a number",
            ],
        ),
        (
            {"name": "", "percentage": "abc"},
            ["name should not be empty", "percentage must be a number"],
        ),
        ({"name": 5, "percentage": True}, ["name must be a string", "percentage must be a number"]),
        (
            {"name": "x" * 101, "percentage": 1},
            ["name must be shorter than or equal to 100 characters"],
        ),
        (
            {"name": "a\u0000b", "percentage": 1},
            ["name must not contain null or surrogate characters"],
        ),
        ({"name": "T", "percentage": -0.5}, ["percentage must not be less than 0"]),
        ({"name": "T", "percentage": 100.0001}, ["percentage must not be greater than 100"]),
        ({"name": "T", "percentage": 1e30}, ["percentage must not be greater than 100"]),
        ({"name": "T", "percentage": 1.23456}, ["percentage must have at most 4 decimal places"]),
        ({"name": "T", "percentage": "5"}, ["percentage must be a number"]),
        (
            {"name": "T", "percentage": 1, "description": "d" * 256},
            ["description must be shorter than or equal to 255 characters"],
        ),
        ({"name": "T", "percentage": 1, "description": 7}, ["description must be a string"]),
        ({"name": "T", "percentage": 1, "active": "yes"}, ["active must be a boolean value"]),
        ({"name": "T", "percentage": 1, "appIds": DEMO_APP_ID}, ["appIds must be an array"]),
        ({"name": "T", "percentage": 1, "appIds": [1]}, ["each value in appIds must be a string"]),
        (
            {"name": "T", "percentage": 1, "appIds": [""]},
            ["each value in appIds should not be empty"],
        ),
        (
            {"name": "T", "percentage": 1, "appIds": [DEMO_APP_ID] * 11},
            ["appIds must contain no more than 10 elements"],
        ),
        (
            {"name": "T", "percentage": 1, "appIds": ["a" * 65]},
            ["each value in appIds must be shorter than or equal to 64 characters"],
        ),
        (
            {"name": "T", "percentage": 1, "appIds": [DEMO_APP_ID, "app_other"]},
            f"appIds may name only the app making the request ({DEMO_APP_ID}), not app_other",
        ),
        ([VAT], ["request body must be a JSON object"]),
        ("VAT", ["request body must be a JSON object"]),
    ],
)
async def test_create_refuses_bad_input_and_writes_nothing(
    gateway: tuple[httpx.AsyncClient, Runtime], body: Any, message: str | list[str]
) -> None:
    client, runtime = gateway
    before = await count_taxes(runtime)
    bad_request(await client.post(URL, json=body, headers=DEMO_HEADERS), message)
    assert await count_taxes(runtime) == before == DEMO_TAXES


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{name", ["request body must be valid JSON"]),
        # Past what the exact reader holds (gateway.encoding).
        (b'{"name": "T", "percentage": 1e400}', ["request body must be valid JSON"]),
        (b'{"name": "T", "percentage": -1e-400}', ["percentage must not be less than 0"]),
    ],
)
async def test_create_reads_the_json_exactly(
    gateway: tuple[httpx.AsyncClient, Runtime], content: bytes, message: list[str]
) -> None:
    client, runtime = gateway
    bad_request(await client.post(URL, content=content, headers=DEMO_HEADERS), message)
    assert await count_taxes(runtime) == DEMO_TAXES


async def test_create_once_per_idempotency_key(gateway: tuple[httpx.AsyncClient, Runtime]) -> None:
    client, runtime = gateway
    headers = {**DEMO_HEADERS, "idempotency-key": "tax-key-1"}
    first = await client.post(URL, json=VAT, headers=headers)
    again = await client.post(URL, json=VAT, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.content == first.content
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    other = await client.post(URL, json={**VAT, "name": "GST"}, headers=headers)
    assert other.status_code == 422
    assert await count_taxes(runtime) == DEMO_TAXES + 1


async def test_list_pages_and_filters(client: httpx.AsyncClient) -> None:
    made = [
        await create(client, name=name, percentage=1, active=active)
        for name, active in [("City 100% tax", True), ("CITY levy", False), ("Sales_tax", True)]
    ]

    async def listed(query: str) -> list[str]:
        response = await client.get(f"{URL}?{query}", headers=DEMO_HEADERS)
        assert response.status_code == 200, response.text
        return [tax["name"] for tax in response.json()]

    everything = await client.get(f"{URL}?take=100", headers=DEMO_HEADERS)
    assert len(everything.json()) == DEMO_TAXES + 3
    assert everything.json()[DEMO_TAXES:] == made
    assert len(await listed("")) == min(DEMO_TAXES + 3, 10)
    assert len(await listed("take=6")) == 6
    assert await listed(f"skip={DEMO_TAXES}&take=2") == ["City 100% tax", "CITY levy"]
    assert await listed("name=city") == ["City 100% tax", "CITY levy"]
    assert await listed("name=city&active=false") == ["CITY levy"]
    assert await listed("name=00%25") == ["City 100% tax"]  # % is a character, not a wildcard
    assert await listed("name=s_t") == ["Sales_tax"]
    assert await listed("name=nothing") == []
    assert len(await listed("active=true")) == DEMO_TAXES + 2


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("take=0", ["take must not be less than 1"]),
        ("take=101", ["take must not be greater than 100"]),
        ("skip=-1", ["skip must be an integer number"]),
        ("active=yes", ["active must be a boolean value"]),
        ("name=" + "n" * 101, ["name must be shorter than or equal to 100 characters"]),
        ("name=a%00b", ["name must not contain null or surrogate characters"]),
        (
            "page=2",
            ["page is not an accepted query parameter; accepted: skip, take, name, active"],
        ),
    ],
)
async def test_list_refuses_bad_queries(
    client: httpx.AsyncClient, query: str, message: list[str]
) -> None:
    bad_request(await client.get(f"{URL}?{query}", headers=DEMO_HEADERS), message)


async def test_demo_taxes_are_read_by_their_ids(client: httpx.AsyncClient) -> None:
    response = await client.get(
        f"{URL}/tax_550e8400-e29b-41d4-a716-446655440123", headers=DEMO_HEADERS
    )
    assert response.status_code == 200
    tax = response.json()
    assert (tax["name"], tax["percentage"], tax["description"]) == ("Standard Sales Tax", 8.5, None)


@pytest.mark.parametrize(
    "tax_id", ["7d3a0f5e-8b1c-4d2e-9f3a-0b1c2d3e4f5a", "tax_missing", "a%00b", "%F0%9F%92%A9"]
)
async def test_unknown_ids_are_not_found(client: httpx.AsyncClient, tax_id: str) -> None:
    not_found(await client.get(f"{URL}/{tax_id}", headers=DEMO_HEADERS))
    not_found(await client.put(f"{URL}/{tax_id}", json={"name": "x"}, headers=DEMO_HEADERS))
    not_found(await client.delete(f"{URL}/{tax_id}", headers=DEMO_HEADERS))


async def test_update_changes_only_the_fields_given(client: httpx.AsyncClient) -> None:
    tax = await create(client)
    url = f"{URL}/{tax['id']}"
    renamed = await client.put(url, json={"name": "VAT (standard)"}, headers=DEMO_HEADERS)
    assert renamed.status_code == 200, renamed.text
    assert renamed.json() == {
        **tax,
        "name": "VAT (standard)",
        "updated_at": renamed.json()["updated_at"],
    }
    changed = await client.patch(
        url,
        json={"percentage": 19.5, "active": None, "description": None, "appIds": [DEMO_APP_ID]},
        headers=DEMO_HEADERS,
    )
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert (body["name"], body["percentage"], body["active"], body["description"]) == (
        "VAT (standard)",
        19.5,
        True,
        None,
    )
    off = await client.put(url, json={"active": False}, headers=DEMO_HEADERS)
    assert off.json()["active"] is False
    assert (await client.get(url, headers=DEMO_HEADERS)).json() == off.json()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"name": None}, ["name should not be empty", "name must be a string"]),
        ({"name": ""}, ["name should not be empty"]),
        ({"percentage": None}, ["percentage should not be empty", "percentage must be a number"]),
        ({"percentage": 101}, ["percentage must not be greater than 100"]),
        ({"active": 1}, ["active must be a boolean value"]),
        (
            {"appIds": ["app_other"]},
            f"appIds may name only the app making the request ({DEMO_APP_ID}), not app_other",
        ),
        ([], ["request body must be a JSON object"]),
    ],
)
async def test_update_refuses_bad_input_and_changes_nothing(
    client: httpx.AsyncClient, body: Any, message: str | list[str]
) -> None:
    tax = await create(client)
    url = f"{URL}/{tax['id']}"
    bad_request(await client.put(url, json=body, headers=DEMO_HEADERS), message)
    assert (await client.get(url, headers=DEMO_HEADERS)).json() == tax


@pytest.mark.parametrize(
    ("tax_id", "kind"), [("tax_fixed_handling", "FIXED"), ("tax_compound_gst_pst", "compound")]
)
async def test_percentage_of_a_fixed_or_compound_tax_cannot_change(
    client: httpx.AsyncClient, tax_id: str, kind: str
) -> None:
    url = f"{URL}/{tax_id}"
    before = (await client.get(url, headers=DEMO_HEADERS)).json()
    response = await client.put(url, json={"percentage": 3}, headers=DEMO_HEADERS)
    bad_request(
        response, f"percentage can be changed only on a tax of one percentage; this tax is {kind}"
    )
    assert (await client.get(url, headers=DEMO_HEADERS)).json() == before
    renamed = await client.put(url, json={"name": "Renamed"}, headers=DEMO_HEADERS)
    assert renamed.json()["name"] == "Renamed"


async def test_delete_removes_an_unused_tax(gateway: tuple[httpx.AsyncClient, Runtime]) -> None:
    client, runtime = gateway
    tax = await create(client)
    response = await client.delete(f"{URL}/{tax['id']}", headers=DEMO_HEADERS)
    assert response.status_code == 200
    assert response.json() == tax
    not_found(await client.get(f"{URL}/{tax['id']}", headers=DEMO_HEADERS))
    assert await count_taxes(runtime) == DEMO_TAXES
    not_found(await client.delete(f"{URL}/{tax['id']}", headers=DEMO_HEADERS))


async def test_delete_archives_a_tax_an_invoice_uses(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, runtime = gateway
    tax = await create(client)
    invoice = await client.post(
        "/api/v0/invoices", json=basic_invoice(taxId=tax["id"]), headers=DEMO_HEADERS
    )
    assert invoice.status_code == 201, invoice.text
    response = await client.delete(f"{URL}/{tax['id']}", headers=DEMO_HEADERS)
    assert response.status_code == 200
    archived = response.json()
    assert archived == {**tax, "active": False, "updated_at": archived["updated_at"]}
    assert (await client.get(f"{URL}/{tax['id']}", headers=DEMO_HEADERS)).json() == archived
    assert await count_taxes(runtime) == DEMO_TAXES + 1
    seen = await client.get(f"/api/v0/invoices/{invoice.json()['id']}", headers=DEMO_HEADERS)
    assert seen.json()["taxId"] == tax["id"]


async def test_new_percentage_leaves_issued_invoices_as_they_are(client: httpx.AsyncClient) -> None:
    tax = await create(client, name="Sales", percentage=10)
    body = basic_invoice(taxId=tax["id"], items=[{"product_id": "prod_123456789", "quantity": 1}])
    created = await client.post("/api/v0/invoices", json=body, headers=DEMO_HEADERS)
    assert created.status_code == 201, created.text
    invoice = created.json()
    changed = await client.put(f"{URL}/{tax['id']}", json={"percentage": 25}, headers=DEMO_HEADERS)
    assert changed.status_code == 200
    seen = (await client.get(f"/api/v0/invoices/{invoice['id']}", headers=DEMO_HEADERS)).json()
    assert (seen["subtotal"], seen["tax_amount"], seen["total"]) == (
        invoice["subtotal"],
        invoice["tax_amount"],
        invoice["total"],
    )
    later = await client.post("/api/v0/invoices", json=body, headers=DEMO_HEADERS)
    assert later.json()["tax_amount"] == invoice["tax_amount"] * 25 / 10


@pytest.mark.parametrize(
    ("method", "message"),
    [
        (
            "PUT",
            "Tax ID is required in the URL path. Use PUT /api/v0/taxes/{id} to update a"
            " specific tax.",
        ),
        (
            "DELETE",
            "Tax ID is required in the URL path. Use DELETE /api/v0/taxes/{id} to delete a"
            " specific tax.",
        ),
    ],
)
async def test_changes_without_an_id_say_where_it_goes(
    client: httpx.AsyncClient, method: str, message: str
) -> None:
    bad_request(await client.request(method, URL, headers=DEMO_HEADERS), message)


async def test_another_apps_taxes_are_not_found(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, runtime = gateway
    theirs = await other_app_headers(runtime)
    mine = await create(client)
    url = f"{URL}/{mine['id']}"
    not_found(await client.get(url, headers=theirs))
    not_found(await client.put(url, json={"name": "Stolen"}, headers=theirs))
    not_found(await client.delete(url, headers=theirs))
    not_found(await client.get(f"{URL}/tax_fixed_handling", headers=theirs))
    assert (await client.get(URL, headers=theirs)).json() == []
    assert (await client.get(url, headers=DEMO_HEADERS)).json() == mine
    # Their own tax is theirs alone; naming the demo app is refused.
    refused = await client.post(URL, json={**VAT, "appIds": [DEMO_APP_ID]}, headers=theirs)
    assert refused.status_code == 400
    own = await client.post(URL, json=VAT, headers=theirs)
    assert own.status_code == 201
    not_found(await client.get(f"{URL}/{own.json()['id']}", headers=DEMO_HEADERS))


async def test_changes_reach_the_outbox_as_events(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, runtime = gateway
    endpoint = await add_webhook_endpoint(runtime, DEMO_APP_ID, "https://93.184.216.34/hook")
    tax = await create(client)
    updated = (
        await client.put(f"{URL}/{tax['id']}", json={"name": "GST"}, headers=DEMO_HEADERS)
    ).json()
    deleted = (await client.delete(f"{URL}/{tax['id']}", headers=DEMO_HEADERS)).json()
    async with runtime.sessions() as session:
        stmt = select(OutboxMessage).order_by(col(OutboxMessage.created_at), col(OutboxMessage.id))
        messages = list((await session.exec(stmt)).all())
    events = [(m.event_type, m.resource_type, m.resource_id, m.endpoint_id) for m in messages]
    assert sorted(events) == sorted(
        (event, "tax", tax["id"], endpoint.id)
        for event in ("tax.created", "tax.updated", "tax.deleted")
    )
    data = {m.event_type: loads(m.payload)["data"] for m in messages}
    assert data == {"tax.created": tax, "tax.updated": updated, "tax.deleted": deleted}
    assert all(m.invoice_id is None and m.channel == "webhook" for m in messages)
