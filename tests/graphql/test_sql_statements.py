"""The loaders batch: a page of 50 invoices with every nested field costs the same number
of SQL statements as a page of 5, and so does a page of 50 of every other connection."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from gateway.db.statements import count_statements
from gateway.runtime import Runtime
from tests.graphql.helpers import gql
from tests.graphql.resource_rows import at, product, store, tax, wallet
from tests.graphql.seeding import add_customers, create_invoices

EVERYTHING = """
query Page($first: Int!) {
  invoices(first: $first) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges {
      cursor
      node {
        id invoiceNumber name email address phoneNumber logo appId customerId walletId taxId
        dueDate sendDate dateCreated status paymentMethods delivery paymentLink
        partialPayment reminderSent paidAt paymentStatus paymentMetadata currency
        subtotal taxAmount total amountPaid amountDue paymentLinkUrl paymentLinkExpiresAt
        pdfUrl sentAt firstOpenedAt firstClickedAt
        app { id name currency }
        customer {
          id email name status address phoneNumber
          invoices(first: 3) { totalCount pageInfo { hasNextPage } edges { cursor node { id } } }
        }
        wallet { id address blockchain type }
        tax { id name rate type inclusive components { name rate type compound } }
        items {
          invoiceId position productId quantity unitPrice lineTotal
          product { id name price currency }
        }
        transactions { id invoiceId amount method reference createdAt }
      }
    }
  }
}
"""


async def statements_for(client: httpx.AsyncClient, first: int) -> tuple[int, dict[str, object]]:
    with count_statements() as counted:
        response = await gql(client, EVERYTHING, {"first": first})
    assert response.status_code == 200
    body = response.json()
    assert "errors" not in body, body
    return counted.value, body["data"]["invoices"]


async def test_statement_count_does_not_grow_with_the_page(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, runtime = gateway
    await create_invoices(runtime, 50)
    await gql(client, "{ __typename }")  # authenticates: the credential is now cached

    small, five = await statements_for(client, 5)
    large, fifty = await statements_for(client, 50)

    assert len(five["edges"]) == 5 and len(fifty["edges"]) == 50
    assert small == large, (small, large)
    # page, count, app, customers, wallets, taxes, items, products, transactions,
    # customer invoice pages and their counts: eleven, whatever the page size
    assert large <= 11
    nodes = [edge["node"] for edge in fifty["edges"]]
    assert all(node["customer"] and node["wallet"] and node["app"] for node in nodes)
    assert all(item["product"] for node in nodes for item in node["items"])
    assert sum(len(node["transactions"]) for node in nodes) == 17
    assert {node["tax"]["name"] if node["tax"] else None for node in nodes} == {
        None,
        "Standard Sales Tax",
        "GST + PST (compound)",
    }


PAGE_INFO = "totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }"
CONNECTIONS = {
    "customers": """
      id name status
      invoices(first: 3) {
        totalCount pageInfo { hasNextPage endCursor }
        edges { cursor node { id total customer { id } items { product { id } } } }
      }
    """,
    "products": "id name price currency",
    "taxes": "id name rate components { name rate }",
    "wallets": "id address blockchain",
}


@pytest.mark.parametrize("field", list(CONNECTIONS))
async def test_statement_count_of_each_connection_does_not_grow_with_the_page(
    gateway: tuple[httpx.AsyncClient, Runtime], field: str
) -> None:
    client, runtime = gateway
    await add_customers(runtime, 47)  # with the demo customer and create_invoices' two: 50
    await create_invoices(runtime, 12)
    await store(runtime, *(product(f"P{n}", at(n % 3)) for n in range(50)))
    await store(runtime, *(tax(f"T{n}", at(n % 3)) for n in range(50)))
    await store(runtime, *(wallet(at(n % 3)) for n in range(50)))
    query = f"""query Page($first: Int!) {{
      {field}(first: $first) {{ {PAGE_INFO} edges {{ cursor node {{ {CONNECTIONS[field]} }} }} }}
    }}"""

    async def statements(first: int) -> tuple[int, list[dict[str, Any]]]:
        with count_statements() as counted:
            response = await gql(client, query, {"first": first})
        body = response.json()
        assert "errors" not in body, body
        return counted.value, [edge["node"] for edge in body["data"][field]["edges"]]

    await gql(client, "{ __typename }")  # authenticates: the credential is now cached
    small, five = await statements(5)
    large, fifty = await statements(50)
    assert (len(five), len(fifty)) == (5, 50)
    assert small == large, (small, large)
    # page, count; for customers also their invoice pages and counts, the invoices'
    # customers, items and products (8 in all)
    assert large <= (8 if field == "customers" else 2)
    if field == "customers":
        with_invoices = [node for node in fifty if node["invoices"]["totalCount"]]
        assert len(with_invoices) == 3
        assert all(len(node["invoices"]["edges"]) == 3 for node in with_invoices)


async def test_each_query_reads_the_rows_it_names_when_queries_alternate(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    """What a query asks for is kept per document (schema.invoices.Wanted.below): two
    queries taken in turns each read their own rows, every time."""
    client, runtime = gateway
    await create_invoices(runtime, 6)
    bare = "{ invoices(first: 5) { edges { node { id } } } }"
    nested = "{ invoices(first: 5) { edges { node { id customer { name } items { quantity } } } } }"
    counts: dict[str, list[int]] = {bare: [], nested: []}
    await gql(client, bare)  # the credential is read once, then cached
    for query in (bare, nested, bare, nested):
        with count_statements() as counted:
            response = await gql(client, query)
        assert "errors" not in response.json()
        counts[query].append(counted.value)
    assert counts[bare][0] == counts[bare][1]
    assert counts[nested][0] == counts[nested][1] == counts[bare][0] + 2  # customers, items
