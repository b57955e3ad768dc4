"""A new app's first minute on a real gateway process (PostgreSQL + Redis): the app made
with `invoice-gateway create-app`, then through the API alone, once over REST (app A)
and once over GraphQL (app B), its customer, product, tax and wallet, an invoice on
them, the product deleted (archived): no new invoice with it, the old one as issued.
Neither app sees or uses the other's customer."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from tests.e2e.gateway_process import cli, gateway_processes

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

Headers = dict[str, str]

DUE_DATE = (date.today() + timedelta(days=30)).isoformat()
# 2 x 1250.50 = 2501.00; 8.25 % of it is 206.3325, 206.33 to the cent.
PRICE, QUANTITY, PERCENTAGE = "1250.50", 2, "8.25"
SUBTOTAL, TAX_AMOUNT, TOTAL = "2501.00", "206.33", "2707.33"
ETHEREUM_ADDRESS = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48"
TRON_ADDRESS = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"


@pytest.fixture
def gateway(postgres_url: str, redis_url: str) -> Iterator[tuple[str, Headers, Headers]]:
    """One gateway process; the credentials of two apps made by the CLI."""
    env = {"DATABASE_URL": postgres_url, "REDIS_URL": redis_url}
    assert cli(env, "migrate").strip() == "database migrated to head"
    apps = [json.loads(cli(env, "create-app", name, "--json")) for name in ("Shop A", "Shop B")]
    app_a, app_b = (
        {"x-client-key": app["client_key"], "x-client-secret": app["client_secret"]} for app in apps
    )
    with gateway_processes(env, 1) as [url]:
        yield url, app_a, app_b


def created(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def v0_invoice_body(
    customer_id: str, wallet_id: str, product_id: str, tax_id: str | None = None
) -> Any:
    body = {
        "name": "Design sprint, March",
        "email": "ada@example.com",
        "customer_id": customer_id,
        "walletId": wallet_id,
        "currency": "usdc",
        "items": [{"product_id": product_id, "quantity": QUANTITY}],
        "due_date": DUE_DATE,
        "delivery": "MANUALLY",
        "payment_link": False,
        "payment_methods": ["CRYPTO"],
        "status": "OPEN",
        "partial_payment": False,
    }
    return body if tax_id is None else {**body, "taxId": tax_id}


def rest_first_minute(client: httpx.Client, headers: Headers) -> str:
    """App A's rows and invoice over REST; the id of its customer."""
    customer = created(
        client.post(
            "/api/v0/customers",
            json={
                "first_name": "Ada",
                "last_name": "Lovelace",
                "phone_number": "+14155550100",
                "email": "ada@example.com",
            },
            headers=headers,
        )
    )
    product_body = {"name": "Design sprint", "description": "Five days", "price": 1250.50}
    product = created(
        client.post("/api/v0/products", json={**product_body, "currency": "USD"}, headers=headers)
    )
    tax_body = {"name": "Sales tax", "percentage": 8.25}
    tax = created(client.post("/api/v0/taxes", json=tax_body, headers=headers))
    wallet_body = {"address": ETHEREUM_ADDRESS, "chain": "ethereum"}
    wallet = created(client.post("/api/v0/wallets", json=wallet_body, headers=headers))
    assert (wallet["address"], wallet["chain"]) == (ETHEREUM_ADDRESS, "ethereum")

    body = v0_invoice_body(customer["id"], wallet["id"], product["id"], tax["id"])
    invoice = created(client.post("/api/v0/invoices", json=body, headers=headers))
    totals = ("subtotal", "tax_amount", "total", "amount_due")
    assert [invoice[name] for name in totals] == [2501.00, 206.33, 2707.33, 2707.33]
    assert (invoice["currency"], invoice["invoice_number"]) == ("USDC", "INV-000001")
    assert (invoice["customer_id"], invoice["walletId"], invoice["taxId"]) == (
        customer["id"],
        wallet["id"],
        tax["id"],
    )
    [line] = invoice["items"]
    assert (line["productId"], line["name"], line["quantity"]) == (
        product["id"],
        "Design sprint",
        2,
    )
    assert (line["unit_price"], line["line_total"]) == (1250.50, 2501.00)

    deleted = client.delete(f"/api/v0/products/{product['id']}", headers=headers)
    assert deleted.status_code == 200, deleted.text
    assert deleted.json() == {
        "message": "The product has been successfully deleted.",
        "archived": True,
    }
    refused = client.post("/api/v0/invoices", json=body, headers=headers)
    assert refused.status_code == 400, refused.text
    assert refused.json() == {
        "statusCode": 400,
        "message": f"Product 'Design sprint' ({product['id']}) at items.0 is INACTIVE "
        "and cannot be invoiced",
        "error": "Bad Request",
    }
    fetched = client.get(f"/api/v0/invoices/{invoice['id']}", headers=headers)
    assert fetched.status_code == 200, fetched.text
    assert fetched.json() == invoice
    listed = client.get("/api/v0/invoices", headers=headers).json()
    assert [each["id"] for each in listed] == [invoice["id"]]
    customer_id: str = customer["id"]
    return customer_id


INVOICE_FIELDS = """
  id invoiceNumber currency customerId walletId taxId subtotal taxAmount total amountDue
  items { productId name quantity unitPrice lineTotal }
"""
FIRST_MINUTE = """
mutation Rows($product: CreateProductInput!, $tax: CreateTaxInput!,
              $wallet: CreateWalletInput!, $customer: CreateCustomerInput!) {
  createCustomer(input: $customer) { customer { id } userErrors { code } }
  createProduct(input: $product) { product { id } userErrors { code } }
  createTax(input: $tax) { tax { id } userErrors { code } }
  createWallet(input: $wallet) { wallet { id address chain } userErrors { code } }
}
"""
CREATE_INVOICE = f"""
mutation Invoice($input: CreateInvoiceInput!) {{
  createInvoice(input: $input) {{
    invoice {{ {INVOICE_FIELDS} }} userErrors {{ field message code }}
  }}
}}
"""
DELETE_PRODUCT = """
mutation Delete($id: ID!) {
  deleteProduct(id: $id) { product { id status } archived userErrors { code } }
}
"""
INVOICE = f"query Invoice($id: ID!) {{ invoice(id: $id) {{ {INVOICE_FIELDS} }} }}"
CUSTOMER = "query Customer($id: ID!) { customer(id: $id) { id } }"


def graphql(client: httpx.Client, headers: Headers, query: str, **variables: Any) -> Any:
    """The `data` of an answer without errors."""
    response = client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def graphql_invoice_input(
    customer_id: str, wallet_id: str, product_id: str, tax_id: str | None = None
) -> Any:
    invoice_input = {
        "name": "Design sprint, March",
        "email": "grace@example.com",
        "customerId": customer_id,
        "walletId": wallet_id,
        "currency": "USDC",
        "items": [{"productId": product_id, "quantity": str(QUANTITY)}],
        "dueDate": DUE_DATE,
        "delivery": "MANUALLY",
        "paymentLink": False,
        "paymentMethods": ["CRYPTO"],
        "status": "OPEN",
        "partialPayment": False,
    }
    return invoice_input if tax_id is None else {**invoice_input, "taxId": tax_id}


def graphql_first_minute(client: httpx.Client, headers: Headers) -> str:
    """App B's rows and invoice over GraphQL; the id of its wallet."""
    rows = graphql(
        client,
        headers,
        FIRST_MINUTE,
        customer={"firstName": "Grace", "lastName": "Hopper", "phoneNumber": "+14155550101"},
        product={"name": "Design sprint", "description": "Five days", "price": PRICE},
        tax={"name": "Sales tax", "percentage": PERCENTAGE},
        wallet={"address": TRON_ADDRESS, "chain": "TRON"},
    )
    assert [rows[name]["userErrors"] for name in rows] == [[]] * 4
    customer_id = rows["createCustomer"]["customer"]["id"]
    product_id = rows["createProduct"]["product"]["id"]
    tax_id = rows["createTax"]["tax"]["id"]
    wallet = rows["createWallet"]["wallet"]
    assert (wallet["address"], wallet["chain"]) == (TRON_ADDRESS, "tron")

    invoice_input = graphql_invoice_input(customer_id, wallet["id"], product_id, tax_id)
    answer = graphql(client, headers, CREATE_INVOICE, input=invoice_input)["createInvoice"]
    assert answer["userErrors"] == []
    invoice = answer["invoice"]
    assert invoice == {
        "id": invoice["id"],
        "invoiceNumber": "INV-000001",
        "currency": "USDC",
        "customerId": customer_id,
        "walletId": wallet["id"],
        "taxId": tax_id,
        "subtotal": SUBTOTAL,
        "taxAmount": TAX_AMOUNT,
        "total": TOTAL,
        "amountDue": TOTAL,
        "items": [
            {
                "productId": product_id,
                "name": "Design sprint",
                "quantity": "2",
                "unitPrice": PRICE,
                "lineTotal": SUBTOTAL,
            }
        ],
    }

    deleted = graphql(client, headers, DELETE_PRODUCT, id=product_id)["deleteProduct"]
    assert deleted == {
        "product": {"id": product_id, "status": "INACTIVE"},
        "archived": True,
        "userErrors": [],
    }
    refused = graphql(client, headers, CREATE_INVOICE, input=invoice_input)["createInvoice"]
    assert refused == {
        "invoice": None,
        "userErrors": [
            {
                "field": ["input", "items", "0", "productId"],
                "message": f"Product 'Design sprint' ({product_id}) at items.0 is INACTIVE "
                "and cannot be invoiced",
                "code": "PRODUCT_INACTIVE",
            }
        ],
    }
    assert graphql(client, headers, INVOICE, id=invoice["id"])["invoice"] == invoice
    wallet_id: str = wallet["id"]
    return wallet_id


def neither_app_reaches_the_other(
    client: httpx.Client, headers: Headers, foreign_customer_id: str, own_wallet_id: str
) -> None:
    """`headers` (app B) get not-found for app A's customer: read, and in an invoice."""
    fetched = client.get(f"/api/v0/customers/{foreign_customer_id}", headers=headers)
    assert fetched.status_code == 404
    assert fetched.json() == {
        "statusCode": 404,
        "message": "Customer not found",
        "error": "Not Found",
    }
    assert graphql(client, headers, CUSTOMER, id=foreign_customer_id) == {"customer": None}

    # Everything else of the invoice is app B's own, so only the customer can fail.
    product = created(
        client.post(
            "/api/v0/products",
            json={"name": "Audit", "description": "One day", "price": 100},
            headers=headers,
        )
    )
    body = v0_invoice_body(foreign_customer_id, own_wallet_id, product["id"])
    invoiced = client.post("/api/v0/invoices", json=body, headers=headers)
    assert invoiced.status_code == 404, invoiced.text
    assert invoiced.json() == {
        "statusCode": 404,
        "message": "Customer not found",
        "error": "Not Found",
    }
    invoice_input = graphql_invoice_input(foreign_customer_id, own_wallet_id, product["id"])
    answer = graphql(client, headers, CREATE_INVOICE, input=invoice_input)["createInvoice"]
    assert answer == {
        "invoice": None,
        "userErrors": [
            {
                "field": ["input", "customerId"],
                "message": "Customer not found",
                "code": "CUSTOMER_NOT_FOUND",
            }
        ],
    }
    listed = client.get("/api/v0/invoices", headers=headers).json()
    assert [invoice["invoice_number"] for invoice in listed] == ["INV-000001"]


def test_a_new_app_invoices_from_its_first_minute(
    gateway: tuple[str, Headers, Headers],
) -> None:
    url, app_a, app_b = gateway
    with httpx.Client(base_url=url, timeout=10) as client:
        customer_of_a = rest_first_minute(client, app_a)
        wallet_of_b = graphql_first_minute(client, app_b)
        neither_app_reaches_the_other(client, app_b, customer_of_a, wallet_of_b)
