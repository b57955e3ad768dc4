"""/api/v0/recurring_invoices over REST: create (idempotent), list, read, change, pause,
resume and cancel, the refusals with their reasons, tenancy and events; SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx
from sqlalchemy import func
from sqlmodel import col, select

from gateway.db.tables import OutboxMessage, RecurringInvoice
from gateway.encoding import loads
from gateway.runtime import Runtime
from gateway.services.demo import CUSTOMER_ID, DEMO_APP_ID, WALLET_ID
from gateway.services.tenants import create_app_with_credential
from gateway.services.webhook_endpoints import add_webhook_endpoint
from tests.apptest import DEMO_HEADERS

URL = "/api/v0/recurring_invoices"
TODAY = date.today()


def template(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Monthly retainer",
        "email": "client@example.com",
        "customer_id": CUSTOMER_ID,
        "walletId": WALLET_ID,
        "items": [{"product_id": "prod_123456789", "quantity": 2}],
        "delivery": "EMAIL",
        "payment_link": True,
        "payment_methods": ["CRYPTO", "BANK_TRANSFER"],
        "status": "OPEN",
        "partial_payment": False,
    }
    body.update(overrides)
    return body


def schedule(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "invoice": template(),
        "interval": "MONTHLY",
        "anchor_day": 31,
        "start_date": TODAY.isoformat(),
        "count": 12,
        "days_until_due": 14,
    }
    body.update(overrides)
    return body


async def create(client: httpx.AsyncClient, **overrides: Any) -> dict[str, Any]:
    response = await client.post(URL, json=schedule(**overrides), headers=DEMO_HEADERS)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def bad_request(response: httpx.Response, message: str | list[str]) -> None:
    assert response.status_code == 400, response.text
    assert response.json() == {"statusCode": 400, "message": message, "error": "Bad Request"}


async def count_schedules(runtime: Runtime) -> int:
    async with runtime.sessions() as session:
        stmt = select(func.count()).select_from(RecurringInvoice)
        return int((await session.exec(stmt)).one())


def last_day_this_month() -> date:
    following = (TODAY.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


async def test_create_answers_the_schedule_with_its_next_run(client: httpx.AsyncClient) -> None:
    created = await create(client)
    assert created == {
        "id": created["id"],
        "status": "ACTIVE",
        "interval": "MONTHLY",
        "anchor_day": 31,
        "start_date": TODAY.isoformat(),
        "end_date": None,
        "count": 12,
        "days_until_due": 14,
        "next_run_at": f"{last_day_this_month().isoformat()}T00:00:00.000Z",
        "invoices_generated": 0,
        "last_invoice_id": None,
        "paused_reason": None,
        "invoice": {
            **template(),
            "items": [
                {
                    "product_id": "prod_123456789",
                    "quantity": 2,
                    "description": None,
                    "unit_price": None,
                    "discount": None,
                }
            ],
            "address": None,
            "phone_number": None,
            "logo": None,
            "taxId": None,
            "currency": "usdc",
            "discount": None,
        },
        "created_at": created["created_at"],
        "updated_at": created["created_at"],
    }
    fetched = await client.get(f"{URL}/{created['id']}", headers=DEMO_HEADERS)
    assert fetched.status_code == 200
    assert fetched.json() == created


async def test_anchor_day_defaults_to_the_start_date(client: httpx.AsyncClient) -> None:
    body = schedule(interval="WEEKLY")
    del body["anchor_day"]
    response = await client.post(URL, json=body, headers=DEMO_HEADERS)
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["anchor_day"] == TODAY.isoweekday()
    assert created["next_run_at"] == f"{TODAY.isoformat()}T00:00:00.000Z"


async def test_list_is_newest_first_and_filters_by_status(client: httpx.AsyncClient) -> None:
    first = await create(client)
    second = await create(client, interval="YEARLY")
    await client.post(f"{URL}/{first['id']}/pause", headers=DEMO_HEADERS)
    listed = await client.get(URL, headers=DEMO_HEADERS)
    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()] == [second["id"], first["id"]]
    paused = await client.get(URL, params={"status": "PAUSED"}, headers=DEMO_HEADERS)
    assert [row["id"] for row in paused.json()] == [first["id"]]
    page = await client.get(URL, params={"skip": 1, "take": 1}, headers=DEMO_HEADERS)
    assert [row["id"] for row in page.json()] == [first["id"]]
    bad = await client.get(URL, params={"status": "asleep"}, headers=DEMO_HEADERS)
    bad_request(
        bad, ["status must be one of the following values: ACTIVE, PAUSED, CANCELLED, COMPLETED"]
    )


async def test_create_is_idempotent_per_key(gateway: tuple[httpx.AsyncClient, Runtime]) -> None:
    client, runtime = gateway
    headers = {**DEMO_HEADERS, "idempotency-key": "f3b5c2a4-6f1e-4d0b-9c52-3f1e8f0a9d11"}
    first = await client.post(URL, json=schedule(), headers=headers)
    again = await client.post(URL, json=schedule(), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert await count_schedules(runtime) == 1
    other = await client.post(URL, json=schedule(count=3), headers=headers)
    assert other.status_code == 422, other.text


async def test_bad_bodies_are_400_with_every_problem(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, runtime = gateway
    response = await client.post(URL, json={"interval": "DAILY"}, headers=DEMO_HEADERS)
    bad_request(
        response,
        [
            "invoice must be an object",
            "interval must be one of the following values: WEEKLY, MONTHLY, YEARLY",
            "start_date should not be empty",
            "start_date must be a valid date in YYYY-MM-DD format",
        ],
    )
    nested = schedule(invoice=template(items=[{"product_id": "prod_123456789", "quantity": 0}]))
    response = await client.post(URL, json=nested, headers=DEMO_HEADERS)
    bad_request(response, ["invoice.items.0.quantity must be a positive number"])
    yesterday = (TODAY - timedelta(days=1)).isoformat()
    response = await client.post(URL, json=schedule(start_date=yesterday), headers=DEMO_HEADERS)
    bad_request(response, ["start_date must not be in the past"])
    response = await client.post(
        URL, json=schedule(interval="WEEKLY", anchor_day=8), headers=DEMO_HEADERS
    )
    bad_request(response, ["anchor_day must not be greater than 7"])
    response = await client.post(URL, json=schedule(anchor_day=32), headers=DEMO_HEADERS)
    bad_request(response, ["anchor_day must not be greater than 31"])
    response = await client.post(URL, json=schedule(end_date=yesterday), headers=DEMO_HEADERS)
    bad_request(response, ["end_date must not be before start_date"])
    response = await client.post(
        URL, json=schedule(count=0, days_until_due=-1), headers=DEMO_HEADERS
    )
    bad_request(
        response, ["count must not be less than 1", "days_until_due must not be less than 0"]
    )
    missing = schedule(invoice=template(customer_id="7d8e4a5b-1c2d-4e3f-9a8b-0c1d2e3f4a5b"))
    response = await client.post(URL, json=missing, headers=DEMO_HEADERS)
    assert response.status_code == 404, response.text
    assert response.json()["message"] == "Customer not found"
    assert await count_schedules(runtime) == 0


async def test_refused_state_changes_are_400_with_the_reason(client: httpx.AsyncClient) -> None:
    created = await create(client)
    one = f"{URL}/{created['id']}"

    async def post(action: str) -> httpx.Response:
        return await client.post(f"{one}/{action}", headers=DEMO_HEADERS)

    bad_request(await post("resume"), "Cannot resume this recurring invoice: it is active")
    paused = await post("pause")
    assert paused.status_code == 200, paused.text
    assert paused.json()["status"] == "PAUSED" and paused.json()["next_run_at"] is None
    bad_request(await post("pause"), "Cannot pause this recurring invoice: it is already paused")
    resumed = await post("resume")
    assert resumed.status_code == 200, resumed.text
    assert resumed.json()["status"] == "ACTIVE"
    assert resumed.json()["next_run_at"] == created["next_run_at"]
    cancelled = await post("cancel")
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "CANCELLED" and cancelled.json()["next_run_at"] is None
    bad_request(await post("resume"), "Cannot resume this recurring invoice: it is cancelled")
    bad_request(await post("pause"), "Cannot pause this recurring invoice: it is cancelled")
    bad_request(
        await post("cancel"), "Cannot cancel this recurring invoice: it is already cancelled"
    )
    update = await client.patch(one, json={"count": 3}, headers=DEMO_HEADERS)
    bad_request(update, "Cannot update this recurring invoice: it is cancelled")


async def test_update_changes_the_template_and_limits(client: httpx.AsyncClient) -> None:
    created = await create(client)
    one = f"{URL}/{created['id']}"
    changed = await client.patch(
        one,
        json={"invoice": template(name="New retainer"), "count": None, "days_until_due": 7},
        headers=DEMO_HEADERS,
    )
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert body["invoice"]["name"] == "New retainer"
    assert body["count"] is None and body["days_until_due"] == 7
    assert body["next_run_at"] == created["next_run_at"]
    fixed = await client.patch(one, json={"interval": "WEEKLY"}, headers=DEMO_HEADERS)
    bad_request(fixed, ["interval cannot be changed; create another recurring invoice"])
    early = (TODAY - timedelta(days=1)).isoformat()
    before = await client.patch(one, json={"end_date": early}, headers=DEMO_HEADERS)
    bad_request(before, ["end_date must not be before start_date"])


async def test_another_apps_schedule_is_not_found(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, runtime = gateway
    created = await create(client)
    other = await create_app_with_credential(runtime, "Other Business")
    headers = {
        "x-client-key": other.credential.client_key,
        "x-client-secret": other.credential.client_secret,
    }
    one = f"{URL}/{created['id']}"
    not_found = {"statusCode": 404, "message": "Recurring invoice not found", "error": "Not Found"}
    for response in (
        await client.get(one, headers=headers),
        await client.patch(one, json={"count": 2}, headers=headers),
        await client.post(f"{one}/pause", headers=headers),
        await client.post(f"{one}/cancel", headers=headers),
    ):
        assert response.status_code == 404, response.text
        assert response.json() == not_found
    assert (await client.get(URL, headers=headers)).json() == []


async def test_each_change_queues_its_event(gateway: tuple[httpx.AsyncClient, Runtime]) -> None:
    client, runtime = gateway
    await add_webhook_endpoint(runtime, DEMO_APP_ID, "https://93.184.216.34/recurring")
    created = await create(client)
    one = f"{URL}/{created['id']}"
    await client.patch(one, json={"count": 2}, headers=DEMO_HEADERS)
    for action in ("pause", "resume", "cancel"):
        await client.post(f"{one}/{action}", headers=DEMO_HEADERS)
    async with runtime.sessions() as session:
        stmt = (
            select(OutboxMessage)
            .where(col(OutboxMessage.resource_id) == created["id"])
            .order_by(col(OutboxMessage.created_at))
        )
        messages = list((await session.exec(stmt)).all())
    assert [message.event_type for message in messages] == [
        "recurring_invoice.created",
        "recurring_invoice.updated",
        "recurring_invoice.paused",
        "recurring_invoice.resumed",
        "recurring_invoice.cancelled",
    ]
    assert {message.resource_type for message in messages} == {"recurring_invoice"}
    last = loads(messages[-1].payload)
    assert last["data"]["status"] == "CANCELLED" and last["data"]["count"] == 2


async def test_a_list_parameter_given_twice_is_a_400(client: httpx.AsyncClient) -> None:
    response = await client.get(f"{URL}?take=1&take=x&status=ACTIVE", headers=DEMO_HEADERS)
    bad_request(response, ["take must be given once"])


DISCOUNTED_ITEMS = [
    {"product_id": "prod_123456789", "quantity": 1, "discount": {"type": "FIXED", "value": 50}},
    {
        "description": "Garden care",
        "unit_price": 200,
        "quantity": 1.5,
        "discount": {"type": "PERCENTAGE", "value": 12.5},
    },
]


async def test_a_template_keeps_its_discounts_and_free_form_lines(
    client: httpx.AsyncClient,
) -> None:
    discounted = template(items=DISCOUNTED_ITEMS, discount={"type": "PERCENTAGE", "value": 10})
    created = await create(client, invoice=discounted)
    assert created["invoice"]["items"] == [
        {
            "product_id": "prod_123456789",
            "quantity": 1,
            "description": None,
            "unit_price": None,
            "discount": {"type": "FIXED", "value": 50},
        },
        {
            "product_id": None,
            "quantity": 1.5,
            "description": "Garden care",
            "unit_price": 200.00,
            "discount": {"type": "PERCENTAGE", "value": 12.5},
        },
    ]
    assert created["invoice"]["discount"] == {"type": "PERCENTAGE", "value": 10}
    one = f"{URL}/{created['id']}"
    fetched = await client.get(one, headers=DEMO_HEADERS)
    assert fetched.json()["invoice"] == created["invoice"]
    # The template as rendered, sent back, is the same template.
    again = await client.patch(one, json={"invoice": created["invoice"]}, headers=DEMO_HEADERS)
    assert again.status_code == 200, again.text
    assert again.json()["invoice"] == created["invoice"]
    # An update without discounts drops them.
    plain = await client.patch(one, json={"invoice": template()}, headers=DEMO_HEADERS)
    assert plain.status_code == 200, plain.text
    assert plain.json()["invoice"]["discount"] is None
    assert [item["discount"] for item in plain.json()["invoice"]["items"]] == [None]


async def test_a_bad_discount_in_a_template_is_a_400_at_its_path(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, runtime = gateway
    over = template(items=DISCOUNTED_ITEMS, discount={"type": "PERCENTAGE", "value": 150})
    response = await client.post(URL, json=schedule(invoice=over), headers=DEMO_HEADERS)
    bad_request(response, ["invoice.discount.value must not be greater than 100"])
    line = {"description": "Garden care", "quantity": 1}  # no unit_price
    response = await client.post(
        URL, json=schedule(invoice=template(items=[line])), headers=DEMO_HEADERS
    )
    bad_request(
        response,
        [
            "invoice.items.0.unit_price should not be empty",
            "invoice.items.0.unit_price must be a number conforming to the specified constraints",
        ],
    )
    # Priced when stored: a fixed discount past what the lines come to is refused now.
    past = template(items=DISCOUNTED_ITEMS, discount={"type": "FIXED", "value": 100000})
    response = await client.post(URL, json=schedule(invoice=past), headers=DEMO_HEADERS)
    assert response.status_code == 400, response.text
    assert "discount" in response.text, response.text
    assert await count_schedules(runtime) == 0
