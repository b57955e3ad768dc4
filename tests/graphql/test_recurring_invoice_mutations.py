"""createRecurringInvoice, updateRecurringInvoice, pause-, resume- and
cancelRecurringInvoice, recurringInvoice(id) and recurringInvoices: the same service and
rules as /api/v0/recurring_invoices, refusals as userErrors, tenancy and idempotency."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx
from sqlalchemy import func
from sqlmodel import select

from gateway.db.tables import RecurringInvoice
from gateway.runtime import Runtime
from gateway.services.tenants import create_app_with_credential
from tests.apptest import DEMO_HEADERS, basic_invoice
from tests.graphql.helpers import data, gql, to_input

TODAY = date.today()
FIELDS = """
  id status interval anchorDay startDate endDate count daysUntilDue nextRunAt
  invoicesGenerated lastInvoiceId pausedReason
  invoice { name customerId walletId items { productId quantity } status currency taxId }
"""
CREATE = f"""
mutation Create($input: CreateRecurringInvoiceInput!, $key: String) {{
  createRecurringInvoice(input: $input, idempotencyKey: $key) {{
    recurringInvoice {{ {FIELDS} }}
    userErrors {{ field message code }}
  }}
}}
"""
UPDATE = f"""
mutation Update($id: ID!, $input: UpdateRecurringInvoiceInput!) {{
  updateRecurringInvoice(id: $id, input: $input) {{
    recurringInvoice {{ {FIELDS} }}
    userErrors {{ field message code }}
  }}
}}
"""
ACTION = """
mutation Act($id: ID!) {{
  {name}(id: $id) {{
    recurringInvoice {{ id status nextRunAt }}
    userErrors {{ field message code }}
  }}
}}
"""
ONE = f"query One($id: ID!) {{ recurringInvoice(id: $id) {{ {FIELDS} }} }}"
LIST = """
query List($status: RecurringInvoiceStatus, $after: String) {
  recurringInvoices(first: 2, status: $status, after: $after) {
    edges { node { id status } }
    pageInfo { hasNextPage endCursor }
    totalCount
  }
}
"""


def template_input(**overrides: Any) -> dict[str, Any]:
    body = basic_invoice(**overrides)
    for dated in ("due_date", "send_date"):
        body.pop(dated, None)
    return to_input(body)


def schedule_input(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "invoice": template_input(),
        "interval": "MONTHLY",
        "startDate": TODAY.isoformat(),
        "anchorDay": 31,
        "count": 12,
    }
    values.update(overrides)
    return values


async def create(
    client: httpx.AsyncClient, key: str | None = None, **overrides: Any
) -> dict[str, Any]:
    variables = {"input": schedule_input(**overrides), "key": key}
    payload: dict[str, Any] = (await data(client, CREATE, variables))["createRecurringInvoice"]
    return payload


async def act(client: httpx.AsyncClient, name: str, schedule_id: str) -> dict[str, Any]:
    query = ACTION.format(name=name)
    payload: dict[str, Any] = (await data(client, query, {"id": schedule_id}))[name]
    return payload


async def count_schedules(runtime: Runtime) -> int:
    async with runtime.sessions() as session:
        stmt = select(func.count()).select_from(RecurringInvoice)
        return int((await session.exec(stmt)).one())


async def test_create_read_and_list(client: httpx.AsyncClient) -> None:
    payload = await create(client)
    assert payload["userErrors"] == []
    created = payload["recurringInvoice"]
    assert created["status"] == "ACTIVE" and created["interval"] == "MONTHLY"
    assert created["daysUntilDue"] == 30 and created["invoicesGenerated"] == 0
    assert created["invoice"]["items"] == [{"productId": "prod_123456789", "quantity": "1"}]
    assert created["invoice"]["currency"] == "USDC"
    assert created["nextRunAt"].endswith("T00:00:00+00:00")
    fetched = await data(client, ONE, {"id": created["id"]})
    assert fetched["recurringInvoice"] == created
    second = (await create(client, interval="WEEKLY", anchorDay=None))["recurringInvoice"]
    await act(client, "pauseRecurringInvoice", created["id"])
    page = (await data(client, LIST))["recurringInvoices"]
    assert [edge["node"]["id"] for edge in page["edges"]] == [second["id"], created["id"]]
    assert page["totalCount"] == 2
    paused = (await data(client, LIST, {"status": "PAUSED"}))["recurringInvoices"]
    assert [edge["node"]["id"] for edge in paused["edges"]] == [created["id"]]


async def test_create_is_once_per_key(gateway: tuple[httpx.AsyncClient, Runtime]) -> None:
    client, runtime = gateway
    key = "0b0f9a52-8a3c-4d5e-9f6a-1b2c3d4e5f60"
    first = await create(client, key)
    again = await create(client, key)
    assert again["recurringInvoice"]["id"] == first["recurringInvoice"]["id"]
    assert await count_schedules(runtime) == 1
    other = await create(client, key, count=2)
    assert other["recurringInvoice"] is None
    assert [error["code"] for error in other["userErrors"]] == ["IDEMPOTENCY_KEY_REUSED"]


async def test_bad_input_is_user_errors_with_their_fields(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, runtime = gateway
    yesterday = (TODAY - timedelta(days=1)).isoformat()
    bad_item = template_input(items=[{"product_id": "prod_123456789", "quantity": 0}])
    payload = await create(
        client, invoice=bad_item, interval="WEEKLY", anchorDay=9, startDate=yesterday
    )
    assert payload["recurringInvoice"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "invoice", "items", "0", "quantity"], "INVALID_INPUT"),
        (["input", "anchorDay"], "INVALID_INPUT"),
        (["input", "startDate"], "INVALID_INPUT"),
    ]
    assert [e["message"] for e in payload["userErrors"]] == [
        "invoice.items.0.quantity must be a positive number",
        "anchor_day must not be greater than 7",
        "start_date must not be in the past",
    ]
    assert await count_schedules(runtime) == 0


async def test_refused_state_changes_are_user_errors_with_the_reason(
    client: httpx.AsyncClient,
) -> None:
    created = (await create(client))["recurringInvoice"]
    schedule_id = created["id"]

    def refused(payload: dict[str, Any], message: str) -> None:
        assert payload["recurringInvoice"] is None
        assert payload["userErrors"] == [
            {"field": None, "message": message, "code": "INVALID_TRANSITION"}
        ]

    refused(
        await act(client, "resumeRecurringInvoice", schedule_id),
        "Cannot resume this recurring invoice: it is active",
    )
    paused = await act(client, "pauseRecurringInvoice", schedule_id)
    assert paused["recurringInvoice"]["status"] == "PAUSED"
    refused(
        await act(client, "pauseRecurringInvoice", schedule_id),
        "Cannot pause this recurring invoice: it is already paused",
    )
    resumed = await act(client, "resumeRecurringInvoice", schedule_id)
    assert resumed["recurringInvoice"]["nextRunAt"] == created["nextRunAt"]
    cancelled = await act(client, "cancelRecurringInvoice", schedule_id)
    assert cancelled["recurringInvoice"]["status"] == "CANCELLED"
    refused(
        await act(client, "resumeRecurringInvoice", schedule_id),
        "Cannot resume this recurring invoice: it is cancelled",
    )
    refused(
        await act(client, "cancelRecurringInvoice", schedule_id),
        "Cannot cancel this recurring invoice: it is already cancelled",
    )
    update = (await data(client, UPDATE, {"id": schedule_id, "input": {"count": 2}}))[
        "updateRecurringInvoice"
    ]
    refused(update, "Cannot update this recurring invoice: it is cancelled")


async def test_update_changes_what_is_given(client: httpx.AsyncClient) -> None:
    schedule_id = (await create(client))["recurringInvoice"]["id"]
    changes = {"invoice": template_input(name="Renamed"), "count": None, "daysUntilDue": 10}
    payload = (await data(client, UPDATE, {"id": schedule_id, "input": changes}))[
        "updateRecurringInvoice"
    ]
    assert payload["userErrors"] == []
    changed = payload["recurringInvoice"]
    assert changed["invoice"]["name"] == "Renamed"
    assert changed["count"] is None and changed["daysUntilDue"] == 10
    # endDate left out: unchanged; anchorDay and interval are not in the input at all.
    kept = (await data(client, UPDATE, {"id": schedule_id, "input": {"daysUntilDue": 5}}))[
        "updateRecurringInvoice"
    ]["recurringInvoice"]
    assert kept["count"] is None and kept["invoice"]["name"] == "Renamed"


async def test_another_apps_schedule_is_not_found(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, runtime = gateway
    schedule_id = (await create(client))["recurringInvoice"]["id"]
    other = await create_app_with_credential(runtime, "Other Business")
    headers = {
        "x-client-key": other.credential.client_key,
        "x-client-secret": other.credential.client_secret,
    }
    response = await gql(client, ONE, {"id": schedule_id}, headers)
    assert response.json()["data"] == {"recurringInvoice": None}
    response = await gql(
        client, ACTION.format(name="pauseRecurringInvoice"), {"id": schedule_id}, headers
    )
    assert response.json()["data"]["pauseRecurringInvoice"]["userErrors"] == [
        {
            "field": ["id"],
            "message": "Recurring invoice not found",
            "code": "RECURRING_INVOICE_NOT_FOUND",
        }
    ]
    listed = await gql(client, LIST, None, headers)
    assert listed.json()["data"]["recurringInvoices"]["totalCount"] == 0


DISCOUNTED = """
mutation Create($input: CreateRecurringInvoiceInput!) {
  createRecurringInvoice(input: $input) {
    recurringInvoice {
      id
      invoice {
        items { productId quantity description unitPrice discount { type value } }
        discount { type value }
      }
    }
    userErrors { field message code }
  }
}
"""


async def test_a_template_keeps_its_discounts_and_free_form_lines(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, runtime = gateway
    items = [
        {
            "productId": "prod_123456789",
            "quantity": "1",
            "discount": {"type": "FIXED", "value": "50"},
        },
        {
            "description": "Garden care",
            "unitPrice": "200",
            "quantity": "1.5",
            "discount": {"type": "PERCENTAGE", "value": "12.5"},
        },
    ]
    invoice = template_input() | {
        "items": items,
        "discount": {"type": "PERCENTAGE", "value": "10"},
    }
    variables = {"input": schedule_input(invoice=invoice)}
    payload = (await data(client, DISCOUNTED, variables))["createRecurringInvoice"]
    assert payload["userErrors"] == []
    assert payload["recurringInvoice"]["invoice"] == {
        "items": [
            {
                "productId": "prod_123456789",
                "quantity": "1",
                "description": None,
                "unitPrice": None,
                "discount": {"type": "FIXED", "value": "50"},
            },
            {
                "productId": None,
                "quantity": "1.5",
                "description": "Garden care",
                "unitPrice": "200.00",
                "discount": {"type": "PERCENTAGE", "value": "12.5"},
            },
        ],
        "discount": {"type": "PERCENTAGE", "value": "10"},
    }
    # REST reads the same template.
    one = f"/api/v0/recurring_invoices/{payload['recurringInvoice']['id']}"
    rest = (await client.get(one, headers=DEMO_HEADERS)).json()["invoice"]
    assert rest["discount"] == {"type": "PERCENTAGE", "value": 10}
    assert [item["description"] for item in rest["items"]] == [None, "Garden care"]
    over = invoice | {"discount": {"type": "PERCENTAGE", "value": "150"}}
    refused = (await data(client, DISCOUNTED, {"input": schedule_input(invoice=over)}))[
        "createRecurringInvoice"
    ]
    assert refused["recurringInvoice"] is None
    assert [(e["field"], e["message"]) for e in refused["userErrors"]] == [
        (
            ["input", "invoice", "discount", "value"],
            "invoice.discount.value must not be greater than 100",
        )
    ]
    assert await count_schedules(runtime) == 1
