"""The webhook management mutations and the delivery log connection, against a real
receiver that verifies every signature with the standardwebhooks library."""

from __future__ import annotations

from typing import Any

import httpx

from gateway.runtime import Runtime
from tests.delivery.harness import Receiver, settled, work_until
from tests.graphql.helpers import create, data

Gateway = tuple[httpx.AsyncClient, Runtime]
ERRORS = "userErrors { field message code }"
ENDPOINT = "endpoint { id name enabled events previousSecretExpiresAt }"
CREATE = f"""
mutation Create($input: CreateWebhookEndpointInput!) {{
  createWebhookEndpoint(input: $input) {{ {ENDPOINT} secret {ERRORS} }}
}}
"""
ROTATE = f"""
mutation Rotate($id: ID!) {{
  rotateWebhookEndpointSecret(id: $id) {{ {ENDPOINT} secret {ERRORS} }}
}}
"""
UPDATE = f"""
mutation Update($id: ID!, $input: UpdateWebhookEndpointInput!) {{
  updateWebhookEndpoint(id: $id, input: $input) {{ {ENDPOINT} {ERRORS} }}
}}
"""
MESSAGES = f"messages {{ messageId webhookId eventType cursor }} hasMore endCursor {ERRORS}"
TEST = f"mutation Test($id: ID!) {{ sendWebhookTestEvent(id: $id) {{ {MESSAGES} }} }}"
REPLAY = f"""
mutation Replay($id: ID!, $after: String!) {{
  replayWebhookEvents(id: $id, after: $after) {{ {MESSAGES} }}
}}
"""
LOG = """
query Log($id: ID!, $first: Int!, $after: String) {
  webhookEndpoint(id: $id) {
    deliveryStats { totalEvents successfulDeliveries failedDeliveries }
    deliveries(first: $first, after: $after) {
      totalCount
      edges { cursor node { attempt statusCode durationMs error eventType succeeded } }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"""


async def create_endpoint(
    client: httpx.AsyncClient, receiver: Receiver, name: str, **fields: Any
) -> dict[str, Any]:
    variables = {"input": {"url": receiver.url(name), "name": f"hook {name}", **fields}}
    payload: dict[str, Any] = (await data(client, CREATE, variables))["createWebhookEndpoint"]
    assert payload["userErrors"] == []
    receiver.expect(name, payload["secret"])
    return payload


async def test_filters_rotation_test_event_log_and_replay_over_graphql(
    gateway: Gateway, receiver: Receiver
) -> None:
    client, runtime = gateway
    refused = await data(
        client, CREATE, {"input": {"url": receiver.url("x"), "name": "x!", "events": ["nope"]}}
    )
    assert refused["createWebhookEndpoint"]["endpoint"] is None
    assert [e["field"] for e in refused["createWebhookEndpoint"]["userErrors"]] == [
        ["input", "name"],
        ["input", "events", "0"],
    ]

    created = await create_endpoint(client, receiver, "g", events=["invoice.created"])
    endpoint_id = created["endpoint"]["id"]
    assert created["endpoint"]["events"] == ["invoice.created"]
    await create(client, status="OPEN")  # created and sent: only created is for "g"
    await work_until(runtime, lambda: settled(runtime))
    assert [d.event for d in receiver.accepted] == ["invoice.created"]

    rotated = (await data(client, ROTATE, {"id": endpoint_id}))["rotateWebhookEndpointSecret"]
    assert rotated["secret"] != created["secret"]
    assert rotated["endpoint"]["previousSecretExpiresAt"] is not None
    sent = (await data(client, TEST, {"id": endpoint_id}))["sendWebhookTestEvent"]
    assert [m["eventType"] for m in sent["messages"]] == ["webhook.test"]
    await work_until(runtime, lambda: settled(runtime))
    test_delivery = receiver.accepted[-1]
    assert test_delivery.event == "webhook.test"
    signatures = dict(test_delivery.headers)["webhook-signature"].split(" ")
    assert len(signatures) == 2  # the receiver verified with the old secret; one is new

    log = (await data(client, LOG, {"id": endpoint_id, "first": 1}))["webhookEndpoint"]
    assert log["deliveryStats"] == {
        "totalEvents": 2,
        "successfulDeliveries": 2,
        "failedDeliveries": 0,
    }
    page = log["deliveries"]
    assert page["totalCount"] == 2 and page["pageInfo"]["hasNextPage"] is True
    assert [e["node"]["eventType"] for e in page["edges"]] == ["webhook.test"]
    rest = await data(
        client, LOG, {"id": endpoint_id, "first": 5, "after": page["pageInfo"]["endCursor"]}
    )
    nodes = [e["node"] for e in rest["webhookEndpoint"]["deliveries"]["edges"]]
    assert [(n["eventType"], n["statusCode"], n["succeeded"]) for n in nodes] == [
        ("invoice.created", 200, True)
    ]

    changed = await data(client, UPDATE, {"id": endpoint_id, "input": {"events": ["invoice.*"]}})
    assert changed["updateWebhookEndpoint"]["endpoint"]["events"] == ["invoice.*"]
    replayed = (await data(client, REPLAY, {"id": endpoint_id, "after": "0"}))[
        "replayWebhookEvents"
    ]
    assert replayed["userErrors"] == []
    assert [m["eventType"] for m in replayed["messages"]] == ["invoice.created", "invoice.sent"]
    cursors = [int(m["cursor"]) for m in replayed["messages"]]
    assert cursors == sorted(cursors) and replayed["endCursor"] is not None
    first_id = receiver.accepted[0].webhook_id
    assert replayed["messages"][0]["webhookId"] == first_id
    await work_until(runtime, lambda: settled(runtime))
    assert receiver.bad_signatures == []
    assert sorted(d.event for d in receiver.accepted[2:]) == ["invoice.created", "invoice.sent"]

    bad = await data(client, REPLAY, {"id": endpoint_id, "after": "soon"})
    assert [e["code"] for e in bad["replayWebhookEvents"]["userErrors"]] == ["INVALID_INPUT"]
    missing = await data(client, TEST, {"id": "whep_nothing"})
    assert missing["sendWebhookTestEvent"]["userErrors"][0]["field"] == ["id"]
