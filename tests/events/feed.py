"""Reading the pull feed in tests: every page over REST and over GraphQL."""

from __future__ import annotations

from typing import Any

import httpx

from tests.apptest import DEMO_HEADERS, basic_invoice

EVENTS_URL = "/api/v0/events"
EVENTS_QUERY = """
query Events($first: Int!, $after: String, $types: [String!], $invoiceId: ID) {
  events(first: $first, after: $after, types: $types, invoiceId: $invoiceId) {
    edges {
      cursor
      node {
        id sequence cursor type createdAt resourceType resourceId invoiceId data
      }
    }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    totalCount
  }
}
"""


async def rest_page(
    client: httpx.AsyncClient, headers: dict[str, str] = DEMO_HEADERS, **params: Any
) -> httpx.Response:
    return await client.get(EVENTS_URL, params=params, headers=headers)


async def rest_all(client: httpx.AsyncClient, take: int, **params: Any) -> list[dict[str, Any]]:
    """Every event over REST, `take` a page, following next_after."""
    items: list[dict[str, Any]] = []
    after: str | None = params.pop("after", None)
    while True:
        query = {**params, "take": take, **({} if after is None else {"after": after})}
        response = await rest_page(client, **query)
        assert response.status_code == 200, response.text
        body = response.json()
        items += body["data"]
        assert len(body["data"]) <= take
        if not body["has_more"]:
            return items
        after = body["next_after"]


async def graphql_page(
    client: httpx.AsyncClient, headers: dict[str, str] = DEMO_HEADERS, **variables: Any
) -> dict[str, Any]:
    response = await client.post(
        "/graphql", json={"query": EVENTS_QUERY, "variables": variables}, headers=headers
    )
    body: dict[str, Any] = response.json()
    return body


async def graphql_all(
    client: httpx.AsyncClient, first: int, **variables: Any
) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = []
    after = variables.pop("after", None)
    while True:
        body = await graphql_page(client, first=first, after=after, **variables)
        assert "errors" not in body, body
        events = body["data"]["events"]
        for edge in events["edges"]:
            assert edge["cursor"] == edge["node"]["cursor"]
            nodes.append(edge["node"])
        if not events["pageInfo"]["hasNextPage"]:
            return nodes
        after = events["pageInfo"]["endCursor"]


async def create_invoice(client: httpx.AsyncClient, **overrides: Any) -> dict[str, Any]:
    response = await client.post(
        "/api/v0/invoices", json=basic_invoice(**overrides), headers=DEMO_HEADERS
    )
    assert response.status_code == 201, response.text
    invoice: dict[str, Any] = response.json()
    return invoice


async def pay(client: httpx.AsyncClient, invoice_id: str, amount: str) -> httpx.Response:
    return await client.post(
        f"/api/v0/invoices/{invoice_id}/payments",
        json={"amount": amount, "method": "CRYPTO", "reference": f"tx-{amount}"},
        headers=DEMO_HEADERS,
    )


async def send(client: httpx.AsyncClient, invoice_id: str) -> httpx.Response:
    return await client.post(f"/api/v0/invoices/{invoice_id}/send", headers=DEMO_HEADERS)
