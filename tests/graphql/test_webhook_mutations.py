"""addWebhookEndpoint, disableWebhookEndpoint and webhookEndpoints: per app, the secret
shown once, private URLs refused unless settings.allow_private_webhook_urls."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from sqlmodel import select

from gateway.db.tables import OutboxMessage
from gateway.runtime import Runtime
from gateway.services.tenants import create_app_with_credential
from gateway.settings import Settings
from tests.apptest import seeded_gateway
from tests.graphql.helpers import create, data, gql

PUBLIC_URL = "https://93.184.216.34/hooks"
ENDPOINT = "endpoint { id url enabled disabledReason createdAt }"
ADD = f"""
mutation Add($url: String!) {{
  addWebhookEndpoint(url: $url) {{ {ENDPOINT} secret userErrors {{ field message code }} }}
}}
"""
DISABLE = f"""
mutation Disable($id: ID!) {{
  disableWebhookEndpoint(id: $id) {{ {ENDPOINT} userErrors {{ field message code }} }}
}}
"""
LIST = "{ webhookEndpoints { id url enabled disabledReason createdAt } }"


@pytest.fixture
async def private_urls_allowed(
    migrated_database_url: str,
) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(
        database_url=migrated_database_url,
        public_base_url="https://pay.example",
        allow_private_webhook_urls=True,
    )
    async with seeded_gateway(settings) as (client, _runtime):
        yield client


async def add(
    client: httpx.AsyncClient, url: str, headers: dict[str, str] | None = None
) -> dict[str, Any]:
    response = await gql(client, ADD, {"url": url}, headers)
    body = response.json()
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["addWebhookEndpoint"]
    return payload


async def disable(client: httpx.AsyncClient, endpoint_id: str) -> dict[str, Any]:
    payload: dict[str, Any] = (await data(client, DISABLE, {"id": endpoint_id}))[
        "disableWebhookEndpoint"
    ]
    return payload


async def listed(client: httpx.AsyncClient) -> list[dict[str, Any]]:
    endpoints: list[dict[str, Any]] = (await data(client, LIST))["webhookEndpoints"]
    return endpoints


async def test_add_list_disable(client: httpx.AsyncClient) -> None:
    assert await listed(client) == []

    added = await add(client, PUBLIC_URL)
    assert added["userErrors"] == []
    endpoint = added["endpoint"]
    assert endpoint["id"].startswith("whep_")
    assert (endpoint["url"], endpoint["enabled"], endpoint["disabledReason"]) == (
        PUBLIC_URL,
        True,
        None,
    )
    assert endpoint["createdAt"].endswith("+00:00")
    secret = added["secret"]
    assert secret.startswith("whsec_")

    second = (await add(client, "https://93.184.216.34/other"))["endpoint"]
    assert await listed(client) == [endpoint, second]

    disabled = await disable(client, endpoint["id"])
    assert disabled["userErrors"] == []
    assert disabled["endpoint"] == {
        **endpoint,
        "enabled": False,
        "disabledReason": "disabled by the app",
    }
    # Again: nothing changes.
    assert await disable(client, endpoint["id"]) == disabled
    assert await listed(client) == [disabled["endpoint"], second]


async def test_the_secret_is_shown_once(client: httpx.AsyncClient) -> None:
    secret = (await add(client, PUBLIC_URL))["secret"]
    response = await gql(client, LIST)
    assert response.status_code == 200
    assert secret not in response.text
    # The type has no secret field at all.
    body = (await gql(client, "{ webhookEndpoints { id secret } }")).json()
    [error] = body["errors"]
    assert "secret" in error["message"]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "http://127.0.0.1:9/hook",
            "Webhook host '127.0.0.1' resolves to a non-public address (127.0.0.1)",
        ),
        (
            "http://169.254.169.254/latest/meta-data",
            "Webhook host '169.254.169.254' resolves to a non-public address (169.254.169.254)",
        ),
        ("ftp://93.184.216.34/hook", "Webhook URL must use http or https"),
        ("https://user:pw@93.184.216.34/hook", "Webhook URL must not contain credentials"),
        ("not a url", "Webhook URL must not contain whitespace or control characters"),
    ],
)
async def test_refused_urls(client: httpx.AsyncClient, url: str, message: str) -> None:
    payload = await add(client, url)
    assert payload == {
        "endpoint": None,
        "secret": None,
        "userErrors": [{"field": ["url"], "message": message, "code": "INVALID_WEBHOOK_URL"}],
    }
    assert await listed(client) == []


async def test_addresses_embedding_a_private_ipv4_are_refused(client: httpx.AsyncClient) -> None:
    refused = {
        "http://[::ffff:a9fe:a9fe]/latest/meta-data": (
            "::ffff:a9fe:a9fe, which reaches 169.254.169.254"
        ),
        "http://[2002:7f00:1::1]/hook": "2002:7f00:1::1, which reaches 127.0.0.1",
        "http://[64:ff9b::a00:1]/hook": "64:ff9b::a00:1, which reaches 10.0.0.1",
        "http://[2001:0:5db8:d822::80ff:fffe]/hook": (
            "2001:0:5db8:d822::80ff:fffe, which reaches 93.184.216.34 and 127.0.0.1"
        ),
    }
    for url, address in refused.items():
        message = f"Webhook host {urlsplit(url).hostname!r} resolves to a non-public address"
        assert await add(client, url) == {
            "endpoint": None,
            "secret": None,
            "userErrors": [
                {
                    "field": ["url"],
                    "message": f"{message} ({address})",
                    "code": "INVALID_WEBHOOK_URL",
                }
            ],
        }
    assert await listed(client) == []


async def test_private_urls_when_allowed(private_urls_allowed: httpx.AsyncClient) -> None:
    client = private_urls_allowed
    payload = await add(client, "http://127.0.0.1:9/hook")
    assert payload["userErrors"] == []
    assert payload["endpoint"]["url"] == "http://127.0.0.1:9/hook"
    # The other checks still apply.
    refused = await add(client, "ftp://127.0.0.1/hook")
    assert [error["code"] for error in refused["userErrors"]] == ["INVALID_WEBHOOK_URL"]


async def test_endpoints_belong_to_their_app(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, runtime = gateway
    other = await create_app_with_credential(runtime, "Other Business")
    headers = {
        "x-client-key": other.credential.client_key,
        "x-client-secret": other.credential.client_secret,
    }
    theirs = (await add(client, PUBLIC_URL, headers))["endpoint"]
    assert await listed(client) == []

    for endpoint_id in (theirs["id"], "whep_missing"):
        assert await disable(client, endpoint_id) == {
            "endpoint": None,
            "userErrors": [
                {
                    "field": ["id"],
                    "message": "Webhook endpoint not found",
                    "code": "WEBHOOK_ENDPOINT_NOT_FOUND",
                }
            ],
        }
    mine = (await gql(client, LIST, headers=headers)).json()["data"]["webhookEndpoints"]
    assert mine == [theirs]


async def webhook_events(runtime: Runtime, invoice_id: str) -> list[tuple[str | None, str]]:
    async with runtime.sessions() as session:
        stmt = select(OutboxMessage).where(
            OutboxMessage.invoice_id == invoice_id, OutboxMessage.channel == "webhook"
        )
        messages = (await session.exec(stmt)).all()
    return sorted((message.endpoint_id, message.event_type) for message in messages)


async def test_an_enabled_endpoint_gets_the_events(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, runtime = gateway
    endpoint_id = (await add(client, PUBLIC_URL))["endpoint"]["id"]
    invoice_id = (await create(client, status="DRAFT"))["invoice"]["id"]
    send = "mutation S($id: ID!) { sendInvoice(id: $id) { invoice { status } } }"
    assert (await data(client, send, {"id": invoice_id}))["sendInvoice"]["invoice"] == {
        "status": "OPEN"
    }
    expected = [(endpoint_id, "invoice.created"), (endpoint_id, "invoice.sent")]
    assert await webhook_events(runtime, invoice_id) == expected

    await disable(client, endpoint_id)
    pay = """
    mutation P($id: ID!) {
      recordPayment(input: {invoiceId: $id, amount: "2500", method: CRYPTO}) {
        invoice { status }
      }
    }
    """
    paid = (await data(client, pay, {"id": invoice_id}))["recordPayment"]
    assert paid["invoice"] == {"status": "PAID"}
    assert await webhook_events(runtime, invoice_id) == expected
