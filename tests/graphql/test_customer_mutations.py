"""createCustomer, updateCustomer, deleteCustomer on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func
from sqlmodel import select

from gateway.db.tables import Customer
from gateway.runtime import Runtime
from gateway.services.demo import CUSTOMER_ID, DEMO_APP_ID
from gateway.services.tenants import create_app_with_credential
from tests.apptest import DEMO_HEADERS
from tests.graphql.helpers import data, gql, invoice_input

Gateway = tuple[httpx.AsyncClient, Runtime]
FIELDS = """
  id firstName lastName name email phoneNumber customerType status lastSpent
  lastPurchaseDate
"""
CREATE = f"""
mutation Create($input: CreateCustomerInput!, $key: String) {{
  createCustomer(input: $input, idempotencyKey: $key) {{
    customer {{ {FIELDS} }}
    userErrors {{ field message code }}
    replayed
  }}
}}
"""
UPDATE = f"""
mutation Update($id: ID!, $input: UpdateCustomerInput!) {{
  updateCustomer(id: $id, input: $input) {{
    customer {{ {FIELDS} }}
    userErrors {{ field message code }}
  }}
}}
"""
DELETE = """
mutation Delete($id: ID!) {
  deleteCustomer(id: $id) {
    deletedId archived customer { id status }
    userErrors { field message code }
  }
}
"""
NEW = {"firstName": "Jane", "lastName": "Doe", "phoneNumber": "+4420123456", "email": "j@d.io"}


async def customer_count(runtime: Runtime) -> int:
    async with runtime.sessions() as session:
        return (await session.exec(select(func.count()).select_from(Customer))).one()


async def create(client: httpx.AsyncClient, key: str | None = None, **fields: Any) -> Any:
    result = await data(client, CREATE, {"input": {**NEW, **fields}, "key": key})
    return result["createCustomer"]


async def test_create_customer(gateway: Gateway) -> None:
    client, runtime = gateway
    payload = await create(client, key="k-1", customerType="NON_PROFIT")
    customer = payload["customer"]
    assert payload == {
        "customer": {
            "id": customer["id"],
            "firstName": "Jane",
            "lastName": "Doe",
            "name": "Jane Doe",
            "email": "j@d.io",
            "phoneNumber": "+4420123456",
            "customerType": "NON_PROFIT",
            "status": "ACTIVE",
            "lastSpent": "0.00",
            "lastPurchaseDate": None,
        },
        "userErrors": [],
        "replayed": False,
    }
    rest = (await client.get(f"/api/v0/customers/{customer['id']}", headers=DEMO_HEADERS)).json()
    assert (rest["customer_type"], rest["app_id"]) == ("Non-Profit", DEMO_APP_ID)
    before = await customer_count(runtime)
    replay = await create(client, key="k-1", customerType="NON_PROFIT")
    assert replay == {**payload, "replayed": True}
    reused = await create(client, key="k-1")
    assert reused["userErrors"][0]["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert await customer_count(runtime) == before


async def test_create_customer_user_errors(gateway: Gateway) -> None:
    client, runtime = gateway
    await create(client)
    before = await customer_count(runtime)
    invalid = await create(client, firstName="", phoneNumber="0", email="J@D.IO")
    assert invalid == {
        "customer": None,
        "userErrors": [
            {
                "field": ["input", "firstName"],
                "message": "first_name should not be empty",
                "code": "INVALID_INPUT",
            },
            {
                "field": ["input", "phoneNumber"],
                "message": r"phone_number must match /^[+]?[1-9]\d{1,14}$/ regular expression",
                "code": "INVALID_INPUT",
            },
        ],
        "replayed": False,
    }
    taken = await create(client, email="J@D.IO")
    assert taken["userErrors"] == [
        {
            "field": ["input", "email"],
            "message": "A customer with this email already exists",
            "code": "CUSTOMER_EMAIL_TAKEN",
        }
    ]
    bad_key = await create(client, key="")
    assert bad_key["userErrors"][0]["field"] == ["idempotencyKey"]
    unknown = await gql(client, CREATE, {"input": {**NEW, "customerType": "Business"}})
    assert "errors" in unknown.json()
    assert await customer_count(runtime) == before


async def test_update_customer(client: httpx.AsyncClient) -> None:
    customer = (await create(client))["customer"]
    changed = await data(
        client,
        UPDATE,
        {"id": customer["id"], "input": {"status": "BLACKLISTED", "email": None, "lastName": None}},
    )
    assert changed["updateCustomer"] == {
        "customer": {**customer, "status": "BLACKLISTED", "email": None},
        "userErrors": [],
    }
    refused = await data(client, UPDATE, {"id": customer["id"], "input": {"lastName": "x" * 101}})
    assert refused["updateCustomer"]["userErrors"] == [
        {
            "field": ["input", "lastName"],
            "message": "last_name must be shorter than or equal to 100 characters",
            "code": "INVALID_INPUT",
        }
    ]
    missing = await data(client, UPDATE, {"id": "nope\u0000", "input": {}})
    assert missing["updateCustomer"] == {
        "customer": None,
        "userErrors": [
            {"field": ["id"], "message": "Customer not found", "code": "CUSTOMER_NOT_FOUND"}
        ],
    }


async def test_another_app_cannot_change_or_delete(gateway: Gateway) -> None:
    client, runtime = gateway
    other = await create_app_with_credential(runtime, "Other Business")
    headers = {
        "x-client-key": other.credential.client_key,
        "x-client-secret": other.credential.client_secret,
    }
    for query, variables in (
        (UPDATE, {"id": CUSTOMER_ID, "input": {"firstName": "X"}}),
        (DELETE, {"id": CUSTOMER_ID}),
    ):
        response = await gql(client, query, variables, headers)
        (payload,) = response.json()["data"].values()
        assert payload["userErrors"][0]["code"] == "CUSTOMER_NOT_FOUND"
    rest = (await client.get(f"/api/v0/customers/{CUSTOMER_ID}", headers=DEMO_HEADERS)).json()
    assert (rest["first_name"], rest["status"]) == ("John", "ACTIVE")


async def test_delete_customer_removes_or_archives(client: httpx.AsyncClient) -> None:
    unused = (await create(client))["customer"]
    removed = await data(client, DELETE, {"id": unused["id"]})
    assert removed["deleteCustomer"] == {
        "deletedId": unused["id"],
        "archived": False,
        "customer": None,
        "userErrors": [],
    }
    used = (await create(client, email="used@d.io"))["customer"]
    made = await data(
        client,
        "mutation($input: CreateInvoiceInput!) "
        "{ createInvoice(input: $input) { userErrors { code } } }",
        {"input": invoice_input(customer_id=used["id"])},
    )
    assert made["createInvoice"]["userErrors"] == []
    archived = await data(client, DELETE, {"id": used["id"]})
    assert archived["deleteCustomer"] == {
        "deletedId": used["id"],
        "archived": True,
        "customer": {"id": used["id"], "status": "DELETED"},
        "userErrors": [],
    }
    again = await data(client, DELETE, {"id": unused["id"]})
    assert again["deleteCustomer"]["userErrors"][0]["code"] == "CUSTOMER_NOT_FOUND"
