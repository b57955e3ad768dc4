"""GET /api/v0/events and GraphQL `events` on SQLite and PostgreSQL: the same items for the
same range, filters, paging by the sequence, tenancy, refused parameters, and the
retention rule (an expired cursor is an error naming where to restart, never an empty
page)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from gateway.db.tables import Event
from gateway.delivery.worker import run_scheduler
from gateway.runtime import Runtime
from gateway.services.tenants import create_app_with_credential
from gateway.settings import Settings
from tests.apptest import DEMO_HEADERS
from tests.events.feed import (
    create_invoice,
    graphql_all,
    graphql_page,
    pay,
    rest_all,
    rest_page,
)

Gateway = tuple[httpx.AsyncClient, Runtime]


async def some_events(client: httpx.AsyncClient) -> list[str]:
    """Two invoices (created, sent, paid) and a customer: 7 events; the invoice ids."""
    first = await create_invoice(client)
    second = await create_invoice(client, partial_payment=True)
    assert (await pay(client, first["id"], "2500.00")).status_code == 201
    assert (await pay(client, second["id"], "100.10")).status_code == 201
    customer = await client.post(
        "/api/v0/customers",
        json={
            "first_name": "Ada",
            "last_name": "Lovelace",
            "email": "ada@example.com",
            "phone_number": "+442079460000",
        },
        headers=DEMO_HEADERS,
    )
    assert customer.status_code == 201, customer.text
    return [first["id"], second["id"]]


def as_graphql(item: dict[str, Any]) -> dict[str, Any]:
    """A REST item with GraphQL's names; createdAt compared as a time."""
    return {
        "id": item["id"],
        "sequence": item["sequence"],
        "cursor": item["cursor"],
        "type": item["type"],
        "createdAt": datetime.fromisoformat(item["created_at"]),
        "resourceType": item["resource_type"],
        "resourceId": item["resource_id"],
        "invoiceId": item["invoice_id"],
        "data": item["data"],
    }


def graphql_node(node: dict[str, Any]) -> dict[str, Any]:
    created = datetime.fromisoformat(node["createdAt"])
    # REST writes milliseconds, as every v0 time.
    created = created.replace(microsecond=created.microsecond // 1000 * 1000)
    return {**node, "createdAt": created}


async def test_rest_and_graphql_give_the_same_items_in_sequence_order(gateway: Gateway) -> None:
    client, _runtime = gateway
    first, second = await some_events(client)
    rest = await rest_all(client, take=3)
    nodes = await graphql_all(client, first=2)
    assert [item["sequence"] for item in rest] == list(range(1, 8))
    assert [as_graphql(item) for item in rest] == [graphql_node(node) for node in nodes]
    assert [(item["type"], item["invoice_id"]) for item in rest] == [
        ("invoice.created", first),
        ("invoice.sent", first),
        ("invoice.created", second),
        ("invoice.sent", second),
        ("invoice.paid", first),
        ("invoice.partially_paid", second),
        ("customer.created", None),
    ]
    # Exact numbers, as the webhook body has them.
    partially = rest[5]["data"]
    assert partially["amount_paid"] == 100.10 and partially["id"] == second
    raw = (await rest_page(client, after=5, take=1)).text
    assert '"amount_paid":100.10' in raw
    graph = await client.post(
        "/graphql",
        json={"query": '{ events(after: "5", first: 1) { edges { node { data } } } }'},
        headers=DEMO_HEADERS,
    )
    assert '"amount_paid":100.10' in graph.text


async def test_filters_and_paging(gateway: Gateway) -> None:
    client, _runtime = gateway
    first, second = await some_events(client)
    paid = await rest_all(client, take=10, types="invoice.paid,invoice.partially_paid")
    assert [(item["sequence"], item["invoice_id"]) for item in paid] == [(5, first), (6, second)]
    nodes = await graphql_all(client, first=10, types=["invoice.paid", "invoice.partially_paid"])
    assert [node["sequence"] for node in nodes] == [5, 6]
    about_second = await rest_all(client, take=1, invoice_id=second)
    assert [item["sequence"] for item in about_second] == [3, 4, 6]
    assert [n["sequence"] for n in await graphql_all(client, 1, invoiceId=second)] == [3, 4, 6]

    page = (await rest_page(client, after=2, take=2)).json()
    assert [item["sequence"] for item in page["data"]] == [3, 4]
    assert (page["take"], page["has_more"], page["next_after"]) == (2, True, "4")
    last = (await rest_page(client, after=7)).json()
    # Nothing new yet: read again from the same cursor later.
    assert (last["data"], last["has_more"], last["next_after"]) == ([], False, "7")

    graph = (await graphql_page(client, first=2, after="2"))["data"]["events"]
    assert [edge["cursor"] for edge in graph["edges"]] == ["3", "4"]
    assert graph["pageInfo"] == {
        "hasNextPage": True,
        "hasPreviousPage": True,
        "startCursor": "3",
        "endCursor": "4",
    }
    assert graph["totalCount"] == 5


async def test_each_app_reads_only_its_own_events(gateway: Gateway) -> None:
    client, runtime = gateway
    first, _second = await some_events(client)
    other = await create_app_with_credential(runtime, "Other")
    headers = {
        "x-client-key": other.credential.client_key,
        "x-client-secret": other.credential.client_secret,
    }
    response = await rest_page(client, headers=headers)
    assert response.json()["data"] == []
    assert (await rest_page(client, headers=headers, invoice_id=first)).json()["data"] == []
    graph = await graphql_page(client, headers=headers, first=10)
    assert graph["data"]["events"]["edges"] == []


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"skip": "1"},
            ["skip is not an accepted query parameter; accepted: after, types, invoice_id, take"],
        ),
        ({"after": "x"}, ["after must be the cursor of an event (its sequence)"]),
        ({"after": "-1"}, ["after must be the cursor of an event (its sequence)"]),
        ({"after": "9" * 17}, ["after must be the cursor of an event (its sequence)"]),
        (
            {"types": "paid"},
            ['types must be event types such as "invoice.paid" or "customer.created"'],
        ),
        (
            {"types": "invoice.paid,"},
            ['types must be event types such as "invoice.paid" or "customer.created"'],
        ),
        ({"take": "0"}, ["take must not be less than 1"]),
        ({"take": "101"}, ["take must not be greater than 100"]),
    ],
)
async def test_refused_parameters(
    gateway: Gateway, params: dict[str, str], message: list[str]
) -> None:
    client, _runtime = gateway
    response = await rest_page(client, **params)
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["message"] in (message, message[0]), body


async def test_refused_graphql_arguments(gateway: Gateway) -> None:
    client, _runtime = gateway
    for variables, fragment in (
        ({"first": 10, "after": "abc"}, "after must be the cursor of an event"),
        ({"first": 0}, "first must not be less than 1"),
        ({"first": 10, "types": ["nope"]}, "types must be event types"),
    ):
        body = await graphql_page(client, **variables)
        assert body["data"] is None or body["data"]["events"] is None
        assert fragment in body["errors"][0]["message"], body
        assert body["errors"][0]["extensions"]["code"] == "INVALID_INPUT"


async def age_events(runtime: Runtime, upto_seq: int, days: int) -> None:
    async with runtime.sessions() as session:
        await session.exec(
            update(Event)
            .where(Event.seq <= upto_seq)  # type: ignore[arg-type]
            .values(created_at=datetime.now(UTC) - timedelta(days=days))
        )
        await session.commit()


async def test_a_cursor_older_than_retention_is_an_error_naming_where_to_restart(
    gateway: Gateway,
) -> None:
    client, runtime = gateway
    await some_events(client)
    await age_events(runtime, upto_seq=3, days=31)
    counts = await run_scheduler(runtime)
    assert counts.events_pruned == 3

    for after in (0, 1, 2):
        response = await rest_page(client, after=after)
        assert response.status_code == 410, response.text
        assert response.json() == {
            "statusCode": 410,
            "message": f"The cursor {after} has expired: events before 4 are no longer kept. "
            "Restart from after=3 (the oldest event kept), or without after",
            "error": "Gone",
        }
        graph = await graphql_page(client, first=5, after=str(after))
        assert graph["data"] is None or graph["data"]["events"] is None
        assert graph["errors"][0]["extensions"]["code"] == "CURSOR_EXPIRED"
        assert "Restart from after=3" in graph["errors"][0]["message"]
    # From where the error says, or from the start, the retained events follow.
    assert [i["sequence"] for i in (await rest_page(client, after=3)).json()["data"]] == [
        4,
        5,
        6,
        7,
    ]
    assert [i["sequence"] for i in await rest_all(client, take=2)] == [4, 5, 6, 7]
    # Even when the filter matches nothing after the cursor, an expired cursor is refused.
    expired = await rest_page(client, after=1, types="tax.deleted")
    assert expired.status_code == 410


async def test_a_cursor_is_expired_when_every_event_after_it_was_pruned(gateway: Gateway) -> None:
    client, runtime = gateway
    await some_events(client)
    await age_events(runtime, upto_seq=7, days=40)
    assert (await run_scheduler(runtime)).events_pruned == 7
    assert (await rest_page(client, after=6)).status_code == 410
    # The last one read: nothing was missed, nothing new yet.
    assert (await rest_page(client, after=7)).json()["data"] == []
    assert (await rest_page(client)).json()["data"] == []


async def test_events_younger_than_retention_stay(gateway: Gateway) -> None:
    client, runtime = gateway
    await some_events(client)
    await age_events(runtime, upto_seq=7, days=29)
    assert (await run_scheduler(runtime)).events_pruned == 0
    assert len(await rest_all(client, take=100)) == 7


def test_retention_is_configured_in_days() -> None:
    assert Settings.from_env({}).event_retention_days == 30
    assert Settings.from_env({"EVENT_RETENTION_DAYS": "7"}).event_retention_days == 7
