"""Customer, product, tax and wallet events from the API through the real worker to a
receiver that verifies every signature: each body's data is the resource as v0 showed
it at that moment, only enabled endpoints of the resource's app get it, and a failed
delivery is retried as an invoice event is."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from gateway.runtime import Runtime
from gateway.services.demo import DEMO_APP_ID
from gateway.services.tenants import create_app_with_credential
from gateway.services.webhook_endpoints import add_webhook_endpoint, disable_webhook_endpoint
from tests.apptest import DEMO_HEADERS, basic_invoice
from tests.delivery.harness import Receiver, add_endpoint, attempts_of, outbox, settled, work_until
from tests.graphql.helpers import gql
from tests.graphql.wallets import CREATE_WALLET, USDC_ETHEREUM, delete_wallet

Gateway = tuple[httpx.AsyncClient, Runtime]
Delivered = tuple[str, str, Any]
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


async def call(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    body: Any = None,
    status: int = 200,
    headers: dict[str, str] = DEMO_HEADERS,
) -> Any:
    response = await client.request(method, url, json=body, headers=headers)
    assert response.status_code == status, response.text
    return response.json()


async def delivered(runtime: Runtime, receiver: Receiver) -> list[Delivered]:
    """Runs the worker until the outbox is settled; what the receiver accepted since the
    last call, as (endpoint name, event type, data) in that order."""
    await work_until(runtime, lambda: settled(runtime))
    assert receiver.bad_signatures == []
    for delivery in receiver.accepted:
        assert set(delivery.body) == {"type", "timestamp", "data"}
        assert ISO.match(delivery.body["timestamp"])
    got = [(d.path, d.event, d.body["data"]) for d in receiver.accepted]
    receiver.accepted.clear()
    return sorted(got, key=lambda item: (item[0], item[1]))


async def webhook_rows(runtime: Runtime) -> list[tuple[Any, ...]]:
    """Every webhook message as (endpoint, type, resource, invoice, status, attempts)."""
    return sorted(
        (
            m.endpoint_id,
            m.event_type,
            m.resource_type,
            m.resource_id,
            m.invoice_id,
            m.status,
            m.attempts,
        )
        for m in await outbox(runtime, channel="webhook")
    )


async def listening(runtime: Runtime, receiver: Receiver) -> str:
    """Endpoint "a", enabled, and "off", added then disabled; the id of "a"."""
    endpoint = await add_endpoint(runtime, receiver, "a")
    off = await add_endpoint(runtime, receiver, "off")
    await disable_webhook_endpoint(runtime, DEMO_APP_ID, off.id)
    return endpoint.id


def nothing_for_the_disabled_endpoint(receiver: Receiver) -> None:
    assert [d for d in receiver.requests if d.path == "off"] == []


async def test_customer_events_carry_the_v0_customer(gateway: Gateway, receiver: Receiver) -> None:
    client, runtime = gateway
    endpoint = await listening(runtime, receiver)
    body = {
        "first_name": "Jane",
        "last_name": "Doe",
        "phone_number": "+15551234567",
        "email": "jane@example.com",
    }
    customer = await call(client, "POST", "/api/v0/customers", body, status=201)
    assert await delivered(runtime, receiver) == [("a", "customer.created", customer)]

    url = f"/api/v0/customers/{customer['id']}"
    changed = await call(client, "PATCH", url, {"last_name": "Roe", "status": "DEACTIVATED"})
    assert (changed["last_name"], changed["status"]) == ("Roe", "DEACTIVATED")
    assert await delivered(runtime, receiver) == [("a", "customer.updated", changed)]

    # Removed (no invoice names it): the event shows it as it last was.
    await call(client, "DELETE", url)
    await call(client, "GET", url, status=404)
    assert await delivered(runtime, receiver) == [("a", "customer.deleted", changed)]

    nothing_for_the_disabled_endpoint(receiver)
    assert {d.webhook_id for d in receiver.requests} == {
        m.id for m in await outbox(runtime, channel="webhook")
    }
    assert await webhook_rows(runtime) == [
        (endpoint, f"customer.{action}", "customer", customer["id"], None, "delivered", 1)
        for action in ("created", "deleted", "updated")
    ]


async def test_an_archived_customer_is_deleted_with_status_deleted(
    gateway: Gateway, receiver: Receiver
) -> None:
    client, runtime = gateway
    await listening(runtime, receiver)
    body = {
        "first_name": "Ann",
        "last_name": "Lee",
        "phone_number": "+15551234568",
        "email": "ann@example.com",
    }
    customer = await call(client, "POST", "/api/v0/customers", body, status=201)
    invoice_body = basic_invoice(customer_id=customer["id"], status="DRAFT")
    invoice = await call(client, "POST", "/api/v0/invoices", invoice_body, status=201)
    # Invoice and customer events go out through the same pass.
    assert await delivered(runtime, receiver) == [
        ("a", "customer.created", customer),
        ("a", "invoice.created", invoice),
    ]

    url = f"/api/v0/customers/{customer['id']}"
    await call(client, "DELETE", url)
    archived = await call(client, "GET", url)
    assert archived["status"] == "DELETED"
    assert await delivered(runtime, receiver) == [("a", "customer.deleted", archived)]
    nothing_for_the_disabled_endpoint(receiver)


async def test_product_events_carry_the_v0_product(gateway: Gateway, receiver: Receiver) -> None:
    client, runtime = gateway
    endpoint = await listening(runtime, receiver)
    body = {"name": "Consulting", "description": "One hour.", "price": 299.99}
    product = await call(client, "POST", "/api/v0/products", body, status=201)
    assert await delivered(runtime, receiver) == [("a", "product.created", product)]

    url = f"/api/v0/products/{product['id']}"
    changed = await call(client, "PUT", url, {"name": "Advice", "price": 120.5})
    assert await delivered(runtime, receiver) == [("a", "product.updated", changed)]

    await call(client, "DELETE", url)
    assert await delivered(runtime, receiver) == [("a", "product.deleted", changed)]

    # Archived when an invoice uses it: the event shows it INACTIVE.
    used = await call(client, "POST", "/api/v0/products", {**body, "price": 40}, status=201)
    items = [{"product_id": used["id"], "quantity": 2}]
    await call(client, "POST", "/api/v0/invoices", basic_invoice(items=items), status=201)
    await delivered(runtime, receiver)
    used_url = f"/api/v0/products/{used['id']}"
    await call(client, "DELETE", used_url)
    archived = await call(client, "GET", used_url)
    assert archived["status"] == "INACTIVE"
    assert await delivered(runtime, receiver) == [("a", "product.deleted", archived)]

    nothing_for_the_disabled_endpoint(receiver)
    rows = [row for row in await webhook_rows(runtime) if row[3] == product["id"]]
    assert rows == [
        (endpoint, f"product.{action}", "product", product["id"], None, "delivered", 1)
        for action in ("created", "deleted", "updated")
    ]


async def test_tax_events_carry_the_v0_tax(gateway: Gateway, receiver: Receiver) -> None:
    client, runtime = gateway
    endpoint = await listening(runtime, receiver)
    body = {"name": "VAT", "percentage": 20, "description": "Value added tax"}
    tax = await call(client, "POST", "/api/v0/taxes", body, status=201)
    assert await delivered(runtime, receiver) == [("a", "tax.created", tax)]

    url = f"/api/v0/taxes/{tax['id']}"
    changed = await call(client, "PATCH", url, {"percentage": 7.5, "active": False})
    assert await delivered(runtime, receiver) == [("a", "tax.updated", changed)]

    removed = await call(client, "DELETE", url)
    assert removed == changed
    assert await delivered(runtime, receiver) == [("a", "tax.deleted", changed)]

    nothing_for_the_disabled_endpoint(receiver)
    assert await webhook_rows(runtime) == [
        (endpoint, f"tax.{action}", "tax", tax["id"], None, "delivered", 1)
        for action in ("created", "deleted", "updated")
    ]


async def test_wallet_events_carry_the_v0_wallet(gateway: Gateway, receiver: Receiver) -> None:
    client, runtime = gateway
    endpoint = await listening(runtime, receiver)
    variables = {"input": {"address": USDC_ETHEREUM, "chain": "ETHEREUM"}}
    response = await gql(client, CREATE_WALLET, variables)
    payload = response.json()["data"]["createWallet"]
    assert payload["userErrors"] == []
    wallet_id = payload["wallet"]["id"]
    listed = (await call(client, "GET", "/api/v0/wallets"))["data"]
    [wallet] = [w for w in listed if w["id"] == wallet_id]
    assert await delivered(runtime, receiver) == [("a", "wallet.created", wallet)]

    assert (await delete_wallet(client, wallet_id))["userErrors"] == []
    assert await delivered(runtime, receiver) == [("a", "wallet.deleted", wallet)]

    nothing_for_the_disabled_endpoint(receiver)
    assert await webhook_rows(runtime) == [
        (endpoint, f"wallet.{action}", "wallet", wallet_id, None, "delivered", 1)
        for action in ("created", "deleted")
    ]


async def test_an_app_gets_only_its_own_events(gateway: Gateway, receiver: Receiver) -> None:
    client, runtime = gateway
    mine = await add_endpoint(runtime, receiver, "a")
    other = await create_app_with_credential(runtime, "Other Business")
    theirs = await add_webhook_endpoint(runtime, other.app_id, receiver.url("b"))
    receiver.expect("b", theirs.secret)
    other_headers = {
        "x-client-key": other.credential.client_key,
        "x-client-secret": other.credential.client_secret,
    }
    person = {
        "first_name": "Jane",
        "last_name": "Doe",
        "phone_number": "+15551234567",
        "email": "jane@example.com",
    }
    customer = await call(client, "POST", "/api/v0/customers", person, status=201)
    vat = {"name": "VAT", "percentage": 20}
    tax = await call(client, "POST", "/api/v0/taxes", vat, status=201)
    product = await call(
        client,
        "POST",
        "/api/v0/products",
        {"name": "P", "description": "D", "price": 1},
        status=201,
    )
    their_customer = await call(
        client, "POST", "/api/v0/customers", person, status=201, headers=other_headers
    )

    assert await delivered(runtime, receiver) == [
        ("a", "customer.created", customer),
        ("a", "product.created", product),
        ("a", "tax.created", tax),
        ("b", "customer.created", their_customer),
    ]
    by_endpoint = {(m.endpoint_id, m.app_id) for m in await outbox(runtime, channel="webhook")}
    assert by_endpoint == {(mine.id, DEMO_APP_ID), (theirs.id, other.app_id)}


@pytest.mark.parametrize("kind", ["customers", "taxes"])
async def test_a_failed_delivery_is_retried_with_the_same_webhook_id(
    gateway: Gateway, receiver: Receiver, kind: str
) -> None:
    client, runtime = gateway
    await add_endpoint(runtime, receiver, "flaky")
    receiver.answer("flaky", 500, 500)
    body = (
        {"first_name": "Jane", "last_name": "Doe", "phone_number": "+15551234567"}
        if kind == "customers"
        else {"name": "VAT", "percentage": 20}
    )
    resource = await call(client, "POST", f"/api/v0/{kind}", body, status=201)
    await work_until(runtime, lambda: settled(runtime))

    [message] = await outbox(runtime, channel="webhook")
    assert [d.webhook_id for d in receiver.requests] == [message.id] * 3
    assert [d.body["data"] for d in receiver.accepted] == [resource]
    assert (message.status, message.attempts, message.locked_until) == ("delivered", 3, None)
    log = await attempts_of(runtime, message.id)
    assert [(a.attempt, a.status_code, a.error) for a in log] == [
        (1, 500, None),
        (2, 500, None),
        (3, 200, None),
    ]


async def test_a_resource_event_ends_dead_like_an_invoice_event(
    gateway: Gateway, receiver: Receiver
) -> None:
    client, runtime = gateway
    await add_endpoint(runtime, receiver, "down")
    receiver.answer("down", *[500] * runtime.settings.outbox_max_attempts)
    await call(client, "POST", "/api/v0/taxes", {"name": "VAT", "percentage": 20}, status=201)
    await work_until(runtime, lambda: settled(runtime))

    [message] = await outbox(runtime, channel="webhook")
    assert (message.status, message.attempts) == ("dead", runtime.settings.outbox_max_attempts)
    assert message.last_error == "endpoint answered HTTP 500"
    assert receiver.accepted == []
