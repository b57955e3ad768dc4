"""createTax, updateTax and deleteTax: the same service and rules as /api/v0/taxes, their
errors as userErrors, tenancy and idempotency."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import func
from sqlmodel import select

from gateway.db.tables import Tax
from gateway.runtime import Runtime
from gateway.services.demo import DEMO_APP_ID
from gateway.services.tenants import create_app_with_credential
from tests.apptest import DEMO_HEADERS, basic_invoice
from tests.graphql.helpers import data, gql

DEMO_TAXES = 5
TAX_FIELDS = "id name description percentage rate type inclusive active createdAt updatedAt"
CREATE = f"""
mutation Create($input: CreateTaxInput!, $key: String) {{
  createTax(input: $input, idempotencyKey: $key) {{
    tax {{ {TAX_FIELDS} }}
    userErrors {{ field message code }}
  }}
}}
"""
UPDATE = f"""
mutation Update($id: ID!, $input: UpdateTaxInput!) {{
  updateTax(id: $id, input: $input) {{
    tax {{ {TAX_FIELDS} }}
    userErrors {{ field message code }}
  }}
}}
"""
DELETE = f"""
mutation Delete($id: ID!) {{
  deleteTax(id: $id) {{
    tax {{ {TAX_FIELDS} }}
    archived
    userErrors {{ field message code }}
  }}
}}
"""
NOT_FOUND = [{"field": ["id"], "message": "Tax not found", "code": "TAX_NOT_FOUND"}]


async def count_taxes(runtime: Runtime) -> int:
    async with runtime.sessions() as session:
        return int((await session.exec(select(func.count()).select_from(Tax))).one())


async def create(client: httpx.AsyncClient, key: str | None = None, **fields: Any) -> Any:
    variables = {"input": fields or {"name": "VAT", "percentage": "20"}, "key": key}
    return (await data(client, CREATE, variables))["createTax"]


async def test_create_update_delete(client: httpx.AsyncClient) -> None:
    payload = await create(client, name="VAT", percentage="20.5", description="Value added")
    assert payload["userErrors"] == []
    tax = payload["tax"]
    assert tax == {
        "id": tax["id"],
        "name": "VAT",
        "description": "Value added",
        "percentage": "20.5",
        "rate": "20.5000",
        "type": "PERCENTAGE",
        "inclusive": False,
        "active": True,
        "createdAt": tax["createdAt"],
        "updatedAt": tax["createdAt"],
    }
    rest = await client.get(f"/api/v0/taxes/{tax['id']}", headers=DEMO_HEADERS)
    assert (rest.json()["percentage"], rest.json()["description"]) == (20.5, "Value added")

    variables = {"id": tax["id"], "input": {"percentage": 7, "active": False}}
    updated = (await data(client, UPDATE, variables))["updateTax"]
    assert updated["userErrors"] == []
    assert updated["tax"] == {
        **tax,
        "percentage": "7",
        "rate": "7.0000",
        "active": False,
        "updatedAt": updated["tax"]["updatedAt"],
    }

    deleted = (await data(client, DELETE, {"id": tax["id"]}))["deleteTax"]
    assert deleted == {"tax": updated["tax"], "archived": False, "userErrors": []}
    gone = await client.get(f"/api/v0/taxes/{tax['id']}", headers=DEMO_HEADERS)
    assert gone.status_code == 404


async def test_delete_archives_a_tax_an_invoice_uses(client: httpx.AsyncClient) -> None:
    tax = (await create(client))["tax"]
    body = basic_invoice(taxId=tax["id"])
    invoice = await client.post("/api/v0/invoices", json=body, headers=DEMO_HEADERS)
    assert invoice.status_code == 201, invoice.text
    deleted = (await data(client, DELETE, {"id": tax["id"]}))["deleteTax"]
    assert deleted["archived"] is True
    assert deleted["tax"]["active"] is False
    kept = await client.get(f"/api/v0/taxes/{tax['id']}", headers=DEMO_HEADERS)
    assert kept.json()["active"] is False


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        (
            {"name": "", "percentage": "101"},
            [
                (["input", "name"], "name should not be empty", "INVALID_INPUT"),
                (
                    ["input", "percentage"],
                    "percentage must not be greater than 100",
                    "INVALID_INPUT",
                ),
            ],
        ),
        (
            {"name": "n" * 101, "percentage": "-1"},
            [
                (
                    ["input", "name"],
                    "name must be shorter than or equal to 100 characters",
                    "INVALID_INPUT",
                ),
                (["input", "percentage"], "percentage must not be less than 0", "INVALID_INPUT"),
            ],
        ),
        (
            {"name": "T", "percentage": "1.00001", "description": "a\u0000"},
            [
                (
                    ["input", "percentage"],
                    "percentage must have at most 4 decimal places",
                    "INVALID_INPUT",
                ),
                (
                    ["input", "description"],
                    "description must not contain null or surrogate characters",
                    "INVALID_INPUT",
                ),
            ],
        ),
        (
            {"name": "T", "percentage": "1", "appIds": [DEMO_APP_ID, "app_other"]},
            [
                (
                    ["input", "appIds"],
                    f"appIds may name only the app making the request ({DEMO_APP_ID}),"
                    " not app_other",
                    "FOREIGN_APP_ID",
                ),
            ],
        ),
    ],
)
async def test_create_reports_user_errors_and_writes_nothing(
    gateway: tuple[httpx.AsyncClient, Runtime],
    fields: dict[str, Any],
    errors: list[tuple[list[str], str, str]],
) -> None:
    client, runtime = gateway
    payload = await create(client, **fields)
    assert payload["tax"] is None
    assert payload["userErrors"] == [
        {"field": field, "message": message, "code": code} for field, message, code in errors
    ]
    assert await count_taxes(runtime) == DEMO_TAXES


async def test_create_with_the_own_app_id(client: httpx.AsyncClient) -> None:
    payload = await create(client, name="Mine", percentage=0, appIds=[DEMO_APP_ID])
    assert payload["userErrors"] == []
    assert payload["tax"]["percentage"] == "0"


async def test_create_once_per_idempotency_key(gateway: tuple[httpx.AsyncClient, Runtime]) -> None:
    client, runtime = gateway
    first = await create(client, "gql-tax-1", name="VAT", percentage="20")
    again = await create(client, "gql-tax-1", name="VAT", percentage="20")
    assert again == first
    other = await create(client, "gql-tax-1", name="GST", percentage="5")
    assert other["tax"] is None
    assert [error["code"] for error in other["userErrors"]] == ["IDEMPOTENCY_KEY_REUSED"]
    bad_key = await create(client, "", name="VAT", percentage="20")
    assert bad_key["userErrors"] == [
        {
            "field": ["idempotencyKey"],
            "message": "idempotencyKey must be 1 to 255 printable characters",
            "code": "INVALID_INPUT",
        }
    ]
    assert await count_taxes(runtime) == DEMO_TAXES + 1


async def test_update_errors(client: httpx.AsyncClient) -> None:
    tax = (await create(client))["tax"]
    bad = (await data(client, UPDATE, {"id": tax["id"], "input": {"name": ""}}))["updateTax"]
    assert bad == {
        "tax": None,
        "userErrors": [
            {
                "field": ["input", "name"],
                "message": "name should not be empty",
                "code": "INVALID_INPUT",
            }
        ],
    }
    fixed = await data(client, UPDATE, {"id": "tax_fixed_handling", "input": {"percentage": 3}})
    assert fixed["updateTax"]["userErrors"] == [
        {
            "field": ["input", "percentage"],
            "message": (
                "percentage can be changed only on a tax of one percentage; this tax is FIXED"
            ),
            "code": "TAX_RATE_FIXED",
        }
    ]
    missing = await data(client, UPDATE, {"id": "tax_missing", "input": {"name": "x"}})
    assert missing["updateTax"] == {"tax": None, "userErrors": NOT_FOUND}
    nul = await data(client, DELETE, {"id": "a\u0000b"})
    assert nul["deleteTax"] == {"tax": None, "archived": False, "userErrors": NOT_FOUND}


async def test_another_app_cannot_change_or_delete(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, runtime = gateway
    tax = (await create(client))["tax"]
    other = await create_app_with_credential(runtime, "Other Business")
    theirs = {
        "x-client-key": other.credential.client_key,
        "x-client-secret": other.credential.client_secret,
    }
    for query, variables, field in [
        (UPDATE, {"id": tax["id"], "input": {"name": "Stolen"}}, "updateTax"),
        (DELETE, {"id": tax["id"]}, "deleteTax"),
    ]:
        response = await gql(client, query, variables, headers=theirs)
        payload = response.json()["data"][field]
        assert payload["tax"] is None and payload["userErrors"] == NOT_FOUND
    still = await client.get(f"/api/v0/taxes/{tax['id']}", headers=DEMO_HEADERS)
    assert still.json()["name"] == "VAT"
