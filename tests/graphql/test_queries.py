"""Reading through GraphQL: by id, connections, filters, nesting and tenancy."""

from __future__ import annotations

import httpx
import pytest

from gateway.runtime import Runtime
from gateway.services.demo import CUSTOMER_ID, WALLET_ID
from gateway.services.tenants import create_app_with_credential
from tests.apptest import DEMO_HEADERS, basic_invoice, future
from tests.graphql.helpers import create, data, gql
from tests.spec_examples import SPEC_EXAMPLES

PAGE = """
query Page($first: Int, $after: String, $status: InvoiceStatus, $customerId: ID,
           $dueFrom: Date, $dueTo: Date) {
  invoices(first: $first, after: $after, status: $status, customerId: $customerId,
           dueFrom: $dueFrom, dueTo: $dueTo) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id name status } }
  }
}
"""


async def test_invoice_by_id_with_nested_fields(client: httpx.AsyncClient) -> None:
    created = (await create(client, **SPEC_EXAMPLES["curl-comprehensive"]))["invoice"]
    query = """
    query One($id: ID!) {
      invoice(id: $id) {
        id invoiceNumber status delivery paymentMethods dueDate sendDate dateCreated
        subtotal taxAmount total amountPaid amountDue currency
        app { id name }
        customer { id name email status }
        wallet { id address blockchain type }
        tax { id name rate type inclusive }
        items { position productId quantity unitPrice lineTotal product { name price } }
        transactions { id }
      }
    }
    """
    invoice = (await data(client, query, {"id": created["id"]}))["invoice"]
    body = SPEC_EXAMPLES["curl-comprehensive"]
    assert invoice["id"] == created["id"]
    assert invoice["paymentMethods"] == body["payment_methods"]
    assert invoice["dueDate"] == body["due_date"]
    assert invoice["dateCreated"].endswith("+00:00")
    assert (invoice["total"], invoice["amountPaid"], invoice["amountDue"]) == (
        "17414.25",
        "0.00",
        "17414.25",
    )
    assert invoice["app"] == {"id": "app_123456789", "name": "My Business App"}
    assert invoice["customer"] == {
        "id": CUSTOMER_ID,
        "name": "John Doe",
        "email": "client@example.com",
        "status": "ACTIVE",
    }
    assert invoice["wallet"]["id"] == WALLET_ID
    assert invoice["tax"] == {
        "id": "tax_550e8400-e29b-41d4-a716-446655440123",
        "name": "Standard Sales Tax",
        "rate": "8.5000",
        "type": "PERCENTAGE",
        "inclusive": False,
    }
    assert [item["product"]["name"] for item in invoice["items"]] == [
        "Consulting (per hour)",
        "Software Development (per hour)",
        "Monthly Maintenance",
    ]
    assert invoice["items"][0]["quantity"] == "40"
    assert invoice["items"][0]["unitPrice"] == "150.00"
    assert invoice["transactions"] == []


async def test_an_invoice_created_through_rest_is_visible_here(client: httpx.AsyncClient) -> None:
    rest = await client.post("/api/v0/invoices", json=basic_invoice(), headers=DEMO_HEADERS)
    created = rest.json()
    query = "query($id: ID!) { invoice(id: $id) { invoiceNumber paymentLinkUrl total } }"
    invoice = (await data(client, query, {"id": created["id"]}))["invoice"]
    assert invoice == {
        "invoiceNumber": created["invoice_number"],
        "paymentLinkUrl": created["payment_link_url"],
        "total": "2500.00",
    }


async def test_missing_ids_are_null(client: httpx.AsyncClient) -> None:
    query = """{
      invoice(id: "inv_missing") { id } customer(id: "nope") { id } product(id: "nope") { id }
      tax(id: "nope") { id } wallet(id: "nope") { id }
    }"""
    assert await data(client, query) == {
        "invoice": None,
        "customer": None,
        "product": None,
        "tax": None,
        "wallet": None,
    }


async def test_invoices_page_through_with_cursors(client: httpx.AsyncClient) -> None:
    ids = [(await create(client, name=f"Invoice {n}"))["invoice"]["id"] for n in range(5)]
    newest_first = list(reversed(ids))
    seen: list[str] = []
    after = None
    for expected_next in (True, True, False):
        page = (await data(client, PAGE, {"first": 2, "after": after}))["invoices"]
        assert page["totalCount"] == 5
        assert page["pageInfo"]["hasNextPage"] is expected_next
        assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
        seen += [edge["node"]["id"] for edge in page["edges"]]
        assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]
        after = page["pageInfo"]["endCursor"]
    assert seen == newest_first


async def test_invoice_filters(client: httpx.AsyncClient) -> None:
    draft = (await create(client, **SPEC_EXAMPLES["curl-draft"]))["invoice"]
    soon = (await create(client, due_date=future(5)))["invoice"]
    later = (await create(client, due_date=future(50)))["invoice"]

    async def ids(**variables: object) -> list[str]:
        page = (await data(client, PAGE, variables))["invoices"]
        return [edge["node"]["id"] for edge in page["edges"]]

    assert await ids(status="DRAFT") == [draft["id"]]
    assert await ids(status="OPEN") == [later["id"], soon["id"]]
    assert await ids(dueTo=future(10)) == [soon["id"]]
    assert await ids(dueFrom=future(46), dueTo=future(60)) == [later["id"]]
    assert len(await ids(customerId=CUSTOMER_ID.upper())) == 3
    assert await ids(customerId="11111111-2222-3333-4444-555555555555") == []


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"first": 101}, "first must not be greater than 100"),
        ({"first": 0}, "first must not be less than 1"),
        ({"after": "bm90LWEtY3Vyc29y"}, "after must be a cursor returned by this connection"),
        ({"after": "%%%"}, "after must be a cursor returned by this connection"),
        ({"customerId": "not-a-uuid"}, "customerId must be a valid UUID"),
    ],
)
async def test_bad_page_arguments_are_clear_errors(
    client: httpx.AsyncClient, variables: dict[str, object], message: str
) -> None:
    body = (await gql(client, PAGE, variables)).json()
    assert body["data"] is None
    assert [(e["message"], e["extensions"]["code"]) for e in body["errors"]] == [
        (message, "INVALID_INPUT")
    ]


async def test_page_size_cap_applies_to_every_connection(client: httpx.AsyncClient) -> None:
    for field in ("customers", "products", "taxes", "wallets"):
        body = (await gql(client, f"{{ {field}(first: 1000) {{ totalCount }} }}")).json()
        assert body["errors"][0]["message"] == "first must not be greater than 100"


async def test_catalog_connections(client: httpx.AsyncClient) -> None:
    query = """{
      customers { totalCount edges { node { id name } } }
      products(first: 3) { totalCount pageInfo { hasNextPage } edges { node { id price } } }
      taxes(first: 100) { totalCount edges { node { id components { name rate compound } } } }
      wallets { totalCount edges { node { id blockchain } } }
      app { id name currency }
    }"""
    result = await data(client, query)
    assert result["customers"]["totalCount"] == 1
    assert result["customers"]["edges"][0]["node"] == {"id": CUSTOMER_ID, "name": "John Doe"}
    assert result["products"]["totalCount"] == 11
    assert result["products"]["pageInfo"]["hasNextPage"] is True
    assert len(result["products"]["edges"]) == 3
    taxes = {edge["node"]["id"]: edge["node"] for edge in result["taxes"]["edges"]}
    assert result["taxes"]["totalCount"] == len(taxes) == 5
    assert taxes["tax_compound_gst_pst"]["components"] == [
        {"name": "GST", "rate": "5", "compound": False},
        {"name": "PST", "rate": "9.975", "compound": True},
    ]
    assert result["wallets"]["edges"][0]["node"] == {"id": WALLET_ID, "blockchain": "ETHEREUM"}
    assert result["app"] == {"id": "app_123456789", "name": "My Business App", "currency": "USDC"}


async def test_customer_invoices_connection(client: httpx.AsyncClient) -> None:
    ids = [(await create(client, name=f"Invoice {n}"))["invoice"]["id"] for n in range(3)]
    query = """
    query($id: ID!, $after: String) {
      customer(id: $id) {
        name
        invoices(first: 2, after: $after) {
          totalCount
          pageInfo { hasNextPage endCursor }
          edges { node { id customer { id } items { product { id } } } }
        }
      }
    }
    """
    first = (await data(client, query, {"id": CUSTOMER_ID}))["customer"]["invoices"]
    assert first["totalCount"] == 3 and first["pageInfo"]["hasNextPage"] is True
    assert [edge["node"]["id"] for edge in first["edges"]] == [ids[2], ids[1]]
    assert first["edges"][0]["node"]["customer"] == {"id": CUSTOMER_ID}
    assert first["edges"][0]["node"]["items"] == [{"product": {"id": "prod_123456789"}}]
    after = first["pageInfo"]["endCursor"]
    rest = (await data(client, query, {"id": CUSTOMER_ID, "after": after}))["customer"]
    assert [edge["node"]["id"] for edge in rest["invoices"]["edges"]] == [ids[0]]


async def test_fragments_and_aliases_get_their_nested_rows(client: httpx.AsyncClient) -> None:
    await create(client, **SPEC_EXAMPLES["curl-comprehensive"])
    query = """
    query {
      invoices(first: 1) { edges { node { ...Parts ... on Invoice { buyer: customer { name } } } } }
    }
    fragment Parts on Invoice {
      tax { name }
      lines: items { product { name } }
      again: items { quantity }
    }
    """
    node = (await data(client, query))["invoices"]["edges"][0]["node"]
    assert node["buyer"] == {"name": "John Doe"}
    assert node["tax"] == {"name": "Standard Sales Tax"}
    assert node["lines"][0]["product"] == {"name": "Consulting (per hour)"}
    assert node["again"][0] == {"quantity": "40"}


async def test_another_app_sees_none_of_it(gateway: tuple[httpx.AsyncClient, Runtime]) -> None:
    client, runtime = gateway
    mine = (await create(client))["invoice"]
    other = await create_app_with_credential(runtime, "Other Business")
    headers = {
        "x-client-key": other.credential.client_key,
        "x-client-secret": other.credential.client_secret,
    }
    query = """query($id: ID!, $customer: ID!) {
      invoice(id: $id) { id }
      customer(id: $customer) { id }
      invoices { totalCount edges { node { id } } }
      customers { totalCount }
      products { totalCount }
      app { name }
    }"""
    response = await gql(client, query, {"id": mine["id"], "customer": CUSTOMER_ID}, headers)
    assert response.json()["data"] == {
        "invoice": None,
        "customer": None,
        "invoices": {"totalCount": 0, "edges": []},
        "customers": {"totalCount": 0},
        "products": {"totalCount": 0},
        "app": {"name": "Other Business"},
    }


@pytest.mark.parametrize(
    ("variables", "fragment"),
    [({"status": "LATE"}, "InvoiceStatus"), ({"dueFrom": "2024"}, "Date")],
)
async def test_filter_values_the_schema_cannot_accept(
    client: httpx.AsyncClient, variables: dict[str, object], fragment: str
) -> None:
    body = (await gql(client, PAGE, variables)).json()
    assert body["data"] is None
    [error] = body["errors"]
    assert fragment in error["message"]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
