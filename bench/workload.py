"""The requests the benchmark sends: one template per scenario and server.

A template is written to a small text file that both load generators read (bench/wrk.lua
and bench/fixed_rate.py): the method, the path, header lines, a blank line, the body.
Every occurrence of KEY is replaced per request by a unique idempotency key, so each
create is a real, distinct create.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import orjson

from gateway.services.demo import CUSTOMER_ID, DEMO_CLIENT_KEY, DEMO_CLIENT_SECRET, WALLET_ID

KEY = "@@KEY@@"
TAX_ID = "tax_550e8400-e29b-41d4-a716-446655440123"
ITEMS = (("prod_123456789", 1), ("prod_consulting_001", 3), ("prod_hosting_001", 2))
AUTH = {"x-client-key": DEMO_CLIENT_KEY, "x-client-secret": DEMO_CLIENT_SECRET}
JSON = {"content-type": "application/json"}
GATEWAY_CREATE_PATH = "/api/v0/invoices"
BARE_CREATE_PATH = "/bare/invoices"
PAGE_SIZE = 20

CREATE_MUTATION = """mutation Create($input: CreateInvoiceInput!, $key: String) {
  createInvoice(input: $input, idempotencyKey: $key) {
    replayed
    userErrors { field message code }
    invoice {
      id invoiceNumber name email status dueDate dateCreated currency
      subtotal taxAmount total amountDue paymentLinkUrl
      customer { id name email status }
      wallet { id address blockchain type }
      tax { id name rate type inclusive }
      items { position productId quantity unitPrice lineTotal product { id name price currency } }
    }
  }
}"""

# The nested page: customer, wallet, tax, items -> product (no totalCount, no transactions).
INVOICES_QUERY = """query Page($first: Int!) {
  invoices(first: $first) {
    pageInfo { hasNextPage endCursor }
    edges {
      node {
        id invoiceNumber name email status dueDate dateCreated currency
        subtotal taxAmount total amountDue paymentLinkUrl
        customer { id name email status }
        wallet { id address blockchain type }
        tax { id name rate type inclusive }
        items { position productId quantity unitPrice lineTotal product { id name price currency } }
      }
    }
  }
}"""


@dataclass(frozen=True)
class RequestTemplate:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes = b""

    def render(self) -> str:
        head = [self.method, self.path, *(f"{k}: {v}" for k, v in self.headers.items())]
        return "\n".join(head) + "\n\n" + self.body.decode()

    def write(self, path: Path) -> Path:
        path.write_text(self.render(), encoding="utf-8")
        return path


def due_date() -> str:
    return (date.today() + timedelta(days=30)).isoformat()


def v0_body() -> dict[str, Any]:
    """An OPEN, e-mailed invoice with a payment link, three products and a tax."""
    return {
        "name": "Benchmark Services",
        "email": "client@example.com",
        "customer_id": CUSTOMER_ID,
        "walletId": WALLET_ID,
        "items": [{"product_id": pid, "quantity": qty} for pid, qty in ITEMS],
        "due_date": due_date(),
        "delivery": "EMAIL",
        "payment_link": True,
        "payment_methods": ["CRYPTO", "BANK_TRANSFER"],
        "status": "OPEN",
        "partial_payment": False,
        "taxId": TAX_ID,
    }


def graphql_input() -> dict[str, Any]:
    return {
        "name": "Benchmark Services",
        "email": "client@example.com",
        "customerId": CUSTOMER_ID,
        "walletId": WALLET_ID,
        "items": [{"productId": pid, "quantity": str(qty)} for pid, qty in ITEMS],
        "dueDate": due_date(),
        "delivery": "EMAIL",
        "paymentLink": True,
        "paymentMethods": ["CRYPTO", "BANK_TRANSFER"],
        "status": "OPEN",
        "partialPayment": False,
        "taxId": TAX_ID,
    }


def rest_create(path: str = GATEWAY_CREATE_PATH) -> RequestTemplate:
    headers = {**AUTH, **JSON, "x-idempotency-key": KEY}
    return RequestTemplate("POST", path, headers, orjson.dumps(v0_body()))


def graphql_create() -> RequestTemplate:
    body = {"query": CREATE_MUTATION, "variables": {"input": graphql_input(), "key": KEY}}
    return RequestTemplate("POST", "/graphql", {**AUTH, **JSON}, orjson.dumps(body))


def graphql_invoices(first: int = PAGE_SIZE, auth: dict[str, str] = AUTH) -> RequestTemplate:
    body = {"query": INVOICES_QUERY, "variables": {"first": first}}
    return RequestTemplate("POST", "/graphql", {**auth, **JSON}, orjson.dumps(body))


def bare_invoices(first: int = PAGE_SIZE, auth: dict[str, str] = AUTH) -> RequestTemplate:
    return RequestTemplate("GET", f"/bare/invoices?first={first}", dict(auth))
