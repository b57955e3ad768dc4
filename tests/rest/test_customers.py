"""/api/v0/customers on SQLite and PostgreSQL: shapes, messages, tenancy, idempotency,
archive-or-remove, events and the last purchase."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import func
from sqlmodel import select

from gateway.db.tables import Customer, OutboxMessage, WebhookEndpoint
from gateway.runtime import Runtime
from gateway.services.demo import CUSTOMER_ID, DEMO_APP_ID
from gateway.services.tenants import create_app_with_credential
from tests.apptest import DEMO_HEADERS, basic_invoice

URL = "/api/v0/customers"
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
Gateway = tuple[httpx.AsyncClient, Runtime]


def body(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "first_name": "Jane",
        "last_name": "Doe",
        "phone_number": "+15551234567",
        "email": "Jane.Doe@Example.com",
    }
    values.update(overrides)
    return values


async def created(client: httpx.AsyncClient, **overrides: Any) -> dict[str, Any]:
    response = await client.post(URL, json=body(**overrides), headers=DEMO_HEADERS)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def customer_count(runtime: Runtime) -> int:
    async with runtime.sessions() as session:
        return (await session.exec(select(func.count()).select_from(Customer))).one()


async def webhook_events(runtime: Runtime) -> list[tuple[str, str | None]]:
    async with runtime.sessions() as session:
        stmt = select(OutboxMessage).where(OutboxMessage.resource_type == "customer")
        rows = (await session.exec(stmt)).all()
    return sorted((row.event_type, row.resource_id) for row in rows)


async def add_endpoint(runtime: Runtime) -> None:
    async with runtime.sessions() as session:
        session.add(
            WebhookEndpoint(
                id="we_customers",
                app_id=DEMO_APP_ID,
                url="https://hooks.example/customers",
                secret="whsec_test",
                created_at=datetime.now(UTC),
            )
        )
        await session.commit()


def bad_request(*messages: str) -> dict[str, Any]:
    return {"statusCode": 400, "message": list(messages), "error": "Bad Request"}


EMAIL_TAKEN = {
    "statusCode": 409,
    "message": "A customer with this email already exists",
    "error": "Conflict",
}
NOT_FOUND = {"statusCode": 404, "message": "Customer not found", "error": "Not Found"}
NOT_UUID = {
    "statusCode": 400,
    "message": "Validation failed (uuid is expected)",
    "error": "Bad Request",
}


async def test_create_answers_the_customer(client: httpx.AsyncClient) -> None:
    customer = await created(client, customer_type="Small Business", status="BLACKLISTED")
    uuid.UUID(customer["id"])
    assert ISO.match(customer["createdAt"]) and customer["createdAt"] == customer["updatedAt"]
    assert customer == {
        "id": customer["id"],
        "first_name": "Jane",
        "last_name": "Doe",
        "email": "Jane.Doe@Example.com",
        "phone_number": "+15551234567",
        "customer_type": "Small Business",
        "status": "BLACKLISTED",
        "last_spent": 0,
        "last_purchase_date": None,
        "appId": DEMO_APP_ID,
        "app_id": DEMO_APP_ID,
        "createdAt": customer["createdAt"],
        "updatedAt": customer["createdAt"],
    }
    fetched = await client.get(f"{URL}/{customer['id'].upper()}", headers=DEMO_HEADERS)
    assert fetched.status_code == 200 and fetched.json() == customer


async def test_create_defaults_and_no_email(client: httpx.AsyncClient) -> None:
    customer = await created(client, email=None)
    assert (customer["email"], customer["customer_type"], customer["status"]) == (
        None,
        "Individual",
        "ACTIVE",
    )
    # Customers without an email address do not collide.
    await created(client, email=None)


async def test_create_reports_every_problem(gateway: Gateway) -> None:
    client, runtime = gateway
    before = await customer_count(runtime)
    payload = {
        "first_name": "",
        "last_name": 5,
        "phone_number": "+1-555-123-4567",
        "email": "nope",
        "customer_type": "Business",
        "status": "active",
    }
    response = await client.post(URL, json=payload, headers=DEMO_HEADERS)
    assert response.status_code == 400
    assert response.json() == bad_request(
        "first_name should not be empty",
        "last_name must be a string",
        r"phone_number must match /^[+]?[1-9]\d{1,14}$/ regular expression",
        "email must be an email",
        "customer_type must be one of the following values: Individual, Startup, "
        "Small Business, Medium Business, Enterprise, Non-Profit, Government",
        "status must be one of the following values: ACTIVE, BLACKLISTED, DEACTIVATED, DELETED",
    )
    missing = await client.post(URL, json={}, headers=DEMO_HEADERS)
    assert missing.json() == bad_request(
        "first_name should not be empty",
        "first_name must be a string",
        "last_name should not be empty",
        "last_name must be a string",
        "phone_number should not be empty",
        "phone_number must be a string",
    )
    assert await customer_count(runtime) == before


async def test_bad_bodies_are_a_400_and_write_nothing(gateway: Gateway) -> None:
    client, runtime = gateway
    before = await customer_count(runtime)
    cases: list[tuple[Any, list[str]]] = [
        ([body()], ["request body must be a JSON object"]),
        ("text", ["request body must be a JSON object"]),
        (
            body(first_name="a\u0000b", last_name="x" * 10_000),
            [
                "first_name must not contain null or surrogate characters",
                "last_name must be shorter than or equal to 100 characters",
            ],
        ),
        (body(email=["a@b.co"]), ["email must be an email"]),
        (body(phone_number=15551234567), ["phone_number must be a string"]),
        (
            body(customer_type={"x": 1}),
            [
                "customer_type must be one of the following values: Individual, Startup, "
                "Small Business, Medium Business, Enterprise, Non-Profit, Government"
            ],
        ),
    ]
    for payload, messages in cases:
        response = await client.post(URL, json=payload, headers=DEMO_HEADERS)
        assert response.status_code == 400, response.text
        assert response.json() == bad_request(*messages)
    broken = await client.post(URL, content=b"{", headers=DEMO_HEADERS)
    assert broken.json() == bad_request("request body must be valid JSON")
    assert await customer_count(runtime) == before


async def test_an_email_is_one_customers_in_any_case(gateway: Gateway) -> None:
    client, runtime = gateway
    first = await created(client)
    before = await customer_count(runtime)
    again = await client.post(URL, json=body(email="JANE.DOE@example.COM"), headers=DEMO_HEADERS)
    assert (again.status_code, again.json()) == (409, EMAIL_TAKEN)
    other = await created(client, email="other@example.com")
    taken = await client.patch(
        f"{URL}/{other['id']}", json={"email": "jane.doe@EXAMPLE.com"}, headers=DEMO_HEADERS
    )
    assert (taken.status_code, taken.json()) == (409, EMAIL_TAKEN)
    assert await customer_count(runtime) == before + 1
    # Its own address, in another case, is no conflict.
    own = await client.patch(
        f"{URL}/{first['id']}", json={"email": "JANE.DOE@EXAMPLE.COM"}, headers=DEMO_HEADERS
    )
    assert own.status_code == 200 and own.json()["email"] == "JANE.DOE@EXAMPLE.COM"


async def test_list_filters_pages_and_envelope(client: httpx.AsyncClient) -> None:
    ada = await created(client, first_name="Ada", last_name="Lovelace", email="ada@x.io")
    alan = await created(client, first_name="Alan", last_name="Turing", email="alan@x.io")
    grace = await created(
        client, first_name="Grace", last_name="Hopper_%", email=None, status="DEACTIVATED"
    )

    async def listed(query: str) -> dict[str, Any]:
        response = await client.get(f"{URL}?{query}", headers=DEMO_HEADERS)
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    everyone = await listed("")
    # Newest first; the demo customer was made first.
    assert [c["id"] for c in everyone["data"]] == [grace["id"], alan["id"], ada["id"], CUSTOMER_ID]
    assert (everyone["total"], everyone["skip"], everyone["take"]) == (4, 0, 10)
    assert everyone["data"][0] == grace
    page = await listed("skip=1&take=2")
    assert [c["id"] for c in page["data"]] == [alan["id"], ada["id"]]
    assert (page["total"], page["skip"], page["take"]) == (4, 1, 2)
    assert [c["id"] for c in (await listed("name=TUR"))["data"]] == [alan["id"]]
    assert [c["id"] for c in (await listed("name=a"))["data"]] == [
        grace["id"],
        alan["id"],
        ada["id"],
    ]
    assert [c["id"] for c in (await listed("name=_%25"))["data"]] == [grace["id"]]
    assert (await listed("name=%25"))["total"] == 1
    assert [c["id"] for c in (await listed("email=ADA@X.IO"))["data"]] == [ada["id"]]
    assert (await listed("email=ada"))["data"] == []
    assert [c["id"] for c in (await listed("status=DEACTIVATED"))["data"]] == [grace["id"]]


async def test_list_query_problems(client: httpx.AsyncClient) -> None:
    cases = {
        "take=0": "take must not be less than 1",
        "take=101": "take must not be greater than 100",
        "skip=-1": "skip must be an integer number",
    }
    for query, message in cases.items():
        response = await client.get(f"{URL}?{query}", headers=DEMO_HEADERS)
        assert response.json() == bad_request(message)
    response = await client.get(
        f"{URL}?status=GONE&name={'x' * 101}&email=a%00b", headers=DEMO_HEADERS
    )
    assert response.json() == bad_request(
        "status must be one of the following values: ACTIVE, BLACKLISTED, DEACTIVATED, DELETED",
        "name must be shorter than or equal to 100 characters",
        "email must not contain null or surrogate characters",
    )
    unknown = await client.get(f"{URL}?customer_type=Individual", headers=DEMO_HEADERS)
    assert unknown.json() == bad_request(
        "customer_type is not an accepted query parameter; "
        "accepted: skip, take, status, name, email"
    )


async def test_fetch_needs_a_uuid_of_the_app(client: httpx.AsyncClient) -> None:
    for bad in ("cust_123456", "550e8400-e29b-41d4-a716-44665544000g"):
        response = await client.get(f"{URL}/{bad}", headers=DEMO_HEADERS)
        assert (response.status_code, response.json()) == (400, NOT_UUID)
    missing = await client.get(f"{URL}/{uuid.uuid4()}", headers=DEMO_HEADERS)
    assert (missing.status_code, missing.json()) == (404, NOT_FOUND)


async def test_update_changes_what_it_gives(gateway: Gateway) -> None:
    client, runtime = gateway
    await add_endpoint(runtime)
    customer = await created(client)
    url = f"{URL}/{customer['id']}"
    response = await client.patch(
        url,
        json={"status": "BLACKLISTED", "reason": "chargebacks", "last_name": "Roe", "email": None},
        headers=DEMO_HEADERS,
    )
    assert response.status_code == 200, response.text
    changed = response.json()
    assert changed == {
        **customer,
        "last_name": "Roe",
        "status": "BLACKLISTED",
        "email": None,
        "updatedAt": changed["updatedAt"],
    }
    assert changed["updatedAt"] >= customer["updatedAt"]
    async with runtime.sessions() as session:
        row = await session.get(Customer, customer["id"])
        assert row is not None and (row.name, row.email_key) == ("Jane Roe", None)
    # null leaves the type and status as they are; a name cannot be null.
    same = await client.patch(
        url, json={"status": None, "customer_type": None}, headers=DEMO_HEADERS
    )
    assert same.json() == changed
    refused = await client.patch(
        url, json={"first_name": None, "phone_number": "0", "reason": 5}, headers=DEMO_HEADERS
    )
    assert refused.json() == bad_request(
        "first_name should not be empty",
        "first_name must be a string",
        r"phone_number must match /^[+]?[1-9]\d{1,14}$/ regular expression",
        "reason must be a string",
    )
    assert (await client.get(url, headers=DEMO_HEADERS)).json() == changed
    assert await webhook_events(runtime) == [
        ("customer.created", customer["id"]),
        ("customer.updated", customer["id"]),
    ]
    for bad_id, answer in (("x", (400, NOT_UUID)), (str(uuid.uuid4()), (404, NOT_FOUND))):
        response = await client.patch(f"{URL}/{bad_id}", json={}, headers=DEMO_HEADERS)
        assert (response.status_code, response.json()) == answer


async def test_idempotent_create_and_update(gateway: Gateway) -> None:
    client, runtime = gateway
    before = await customer_count(runtime)
    keyed = {**DEMO_HEADERS, "idempotency-key": str(uuid.uuid4())}
    first = await client.post(URL, json=body(), headers=keyed)
    again = await client.post(URL, json=body(), headers=keyed)
    assert first.status_code == again.status_code == 201
    assert again.content == first.content and again.headers["Idempotent-Replayed"] == "true"
    other = await client.post(URL, json=body(email="x@y.io"), headers=keyed)
    assert other.status_code == 422
    assert await customer_count(runtime) == before + 1

    url = f"{URL}/{first.json()['id']}"
    patch_key = {**DEMO_HEADERS, "x-idempotency-key": "patch-1"}
    changed = await client.patch(url, json={"first_name": "Janet"}, headers=patch_key)
    await client.patch(url, json={"first_name": "Jo"}, headers=DEMO_HEADERS)
    replayed = await client.patch(url, json={"first_name": "Janet"}, headers=patch_key)
    assert replayed.content == changed.content and replayed.headers["Idempotent-Replayed"] == "true"
    reused = await client.patch(url, json={"first_name": "Jim"}, headers=patch_key)
    assert reused.status_code == 422
    assert (await client.get(url, headers=DEMO_HEADERS)).json()["first_name"] == "Jo"


async def test_another_app_cannot_see_or_change_the_customer(gateway: Gateway) -> None:
    client, runtime = gateway
    customer = await created(client)
    other = await create_app_with_credential(runtime, "Other Business")
    headers = {
        "x-client-key": other.credential.client_key,
        "x-client-secret": other.credential.client_secret,
    }
    url = f"{URL}/{customer['id']}"
    for method, payload in (("GET", None), ("PATCH", {"first_name": "X"}), ("DELETE", None)):
        response = await client.request(method, url, json=payload, headers=headers)
        assert (response.status_code, response.json()) == (404, NOT_FOUND)
    listing = await client.get(URL, headers=headers)
    assert listing.json() == {"data": [], "total": 0, "skip": 0, "take": 10}
    # The same email address is free in another app.
    mine = await client.post(URL, json=body(), headers=headers)
    assert mine.status_code == 201
    assert (await client.get(url, headers=DEMO_HEADERS)).json() == customer


async def test_delete_removes_an_unused_customer(gateway: Gateway) -> None:
    client, runtime = gateway
    await add_endpoint(runtime)
    customer = await created(client)
    url = f"{URL}/{customer['id']}"
    response = await client.delete(url, headers=DEMO_HEADERS)
    assert response.status_code == 200
    answer = response.json()
    assert ISO.match(answer["deletedAt"])
    assert answer == {
        "success": True,
        "message": "Customer successfully deleted",
        "deletedAt": answer["deletedAt"],
        "customerId": customer["id"],
    }
    assert (await client.get(url, headers=DEMO_HEADERS)).status_code == 404
    assert (await client.delete(url, headers=DEMO_HEADERS)).json() == NOT_FOUND
    assert await webhook_events(runtime) == [
        ("customer.created", customer["id"]),
        ("customer.deleted", customer["id"]),
    ]


async def test_delete_archives_a_customer_invoices_refer_to(gateway: Gateway) -> None:
    client, _runtime = gateway
    customer = await created(client)
    invoice = await client.post(
        "/api/v0/invoices", json=basic_invoice(customer_id=customer["id"]), headers=DEMO_HEADERS
    )
    assert invoice.status_code == 201, invoice.text
    url = f"{URL}/{customer['id']}"
    first = await client.delete(url, headers=DEMO_HEADERS)
    assert first.status_code == 200 and first.json()["customerId"] == customer["id"]
    archived = (await client.get(url, headers=DEMO_HEADERS)).json()
    assert archived == {**customer, "status": "DELETED", "updatedAt": archived["updatedAt"]}
    assert first.json()["deletedAt"] == archived["updatedAt"]
    # Left out of the list unless asked for.
    assert customer["id"] not in [
        c["id"] for c in (await client.get(URL, headers=DEMO_HEADERS)).json()["data"]
    ]
    deleted = (await client.get(f"{URL}?status=DELETED", headers=DEMO_HEADERS)).json()
    assert deleted == {"data": [archived], "total": 1, "skip": 0, "take": 10}
    # Deleting it again changes nothing.
    assert (await client.delete(url, headers=DEMO_HEADERS)).json() == first.json()


async def test_a_payment_is_the_customers_last_purchase(gateway: Gateway) -> None:
    client, _runtime = gateway
    customer = await created(client)
    invoice = await client.post(
        "/api/v0/invoices",
        json=basic_invoice(customer_id=customer["id"], partial_payment=True),
        headers=DEMO_HEADERS,
    )
    payments = f"/api/v0/invoices/{invoice.json()['id']}/payments"
    url = f"{URL}/{customer['id']}"
    for amount in ("1000.50", "250.25"):
        paid = await client.post(
            payments, json={"amount": amount, "method": "CRYPTO"}, headers=DEMO_HEADERS
        )
        assert paid.status_code == 201, paid.text
        recorded = paid.json()["transactions"][-1]
        shown = (await client.get(url, headers=DEMO_HEADERS)).json()
        assert shown["last_spent"] == float(amount)
        assert shown["last_purchase_date"] == recorded["created_at"]
        assert shown["updatedAt"] == customer["updatedAt"]
