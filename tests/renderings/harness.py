"""Reading one invoice through its four public renderings, as flat comparable records.

Every rendering becomes a `Reading`: a dict from a field path ("items[0].quantity",
"subtotal", ...) to what that rendering shows. Money is a Decimal (compared by value:
"150.00" == "150.0"); a quantity is its text exactly as written ("1.5", "2", "1.5000"),
so a rendering that pads or trims it differently disagrees. JSON is parsed with
Decimal for every number, never float.

    REST      GET /api/v0/invoices/{id}
    GraphQL   invoice(id:) { items { quantity unitPrice lineTotal } subtotal ... }
    PDF       GET /api/v0/invoices/{id}/pdf, text extracted with pypdf
    webhook   the JSON `data` of a signed delivery the worker POSTs to a receiver

Only public surfaces are used, plus the worker's entry point (what `invoice-gateway
worker --once` runs), wrapped in `run_worker_once` below.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import httpx
from pypdf import PdfReader
from standardwebhooks import Webhook, WebhookVerificationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gateway.db.tables import Product
from gateway.runtime import Runtime
from gateway.services.demo import DEMO_APP_ID
from tests.apptest import DEMO_HEADERS
from tests.delivery.harness import serving

REST_URL = "/api/v0/invoices"
GRAPHQL_URL = "/graphql"

Reading = dict[str, Any]

MONEY_FIELDS = ("subtotal", "discount_amount", "tax_amount", "total", "amount_paid", "amount_due")
# The fields an event keeps from creation on: a payment changes only what is paid and due.
ITEM_AND_TOTAL_FIELDS = ("subtotal", "discount_amount", "tax_amount", "total")
ZERO = Decimal("0.00")


def decimal_json(text: str | bytes) -> Any:
    """JSON with every number as an exact Decimal, its digits as written."""
    return json.loads(text, parse_float=Decimal, parse_int=Decimal)


def quantity_text(value: Decimal | str) -> str:
    """A quantity as the rendering wrote it: Decimal keeps the written digits."""
    return value if isinstance(value, str) else format(value, "f")


def canonical_quantity(value: Decimal) -> str:
    """The one way a quantity should read everywhere: no trailing zeros, no exponent."""
    return format(value.normalize(), "f")


def json_with_numbers(value: Any) -> str:
    """JSON text in which every Decimal is written as the JSON number it spells."""
    marker = "\x00num:"

    def mark(node: Any) -> Any:
        if isinstance(node, Decimal):
            return f"{marker}{format(node, 'f')}"
        if isinstance(node, dict):
            return {key: mark(item) for key, item in node.items()}
        if isinstance(node, list):
            return [mark(item) for item in node]
        return node

    text = json.dumps(mark(value))
    return re.sub(r'"\\u0000num:(-?[0-9.]+)"', r"\1", text)


# --------------------------------------------------------------------------- the readings


def v0_reading(invoice: dict[str, Any], fields: tuple[str, ...] = MONEY_FIELDS) -> Reading:
    """The v0 JSON (REST response or webhook `data`), parsed by `decimal_json`."""
    reading: Reading = {"items": len(invoice["items"])}
    for n, item in enumerate(invoice["items"]):
        # The product's name when priced, or a free-form line's description.
        reading[f"items[{n}].name"] = item["name"]
        reading[f"items[{n}].quantity"] = quantity_text(item["quantity"])
        reading[f"items[{n}].unit_price"] = item["unit_price"]
        reading[f"items[{n}].line_total"] = item["line_total"]
        reading[f"items[{n}].discount_amount"] = item["discount_amount"]
    for name in fields:
        reading[name] = invoice[name]
    return reading


async def rest_invoice(client: httpx.AsyncClient, invoice_id: str) -> dict[str, Any]:
    response = await client.get(f"{REST_URL}/{invoice_id}", headers=DEMO_HEADERS)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = decimal_json(response.content)
    return body


GRAPHQL_INVOICE = """
query Invoice($id: ID!) {
  invoice(id: $id) {
    items { name quantity unitPrice lineTotal discountAmount }
    subtotal discountAmount taxAmount total amountPaid amountDue
  }
}
"""

_GRAPHQL_MONEY = {
    "subtotal": "subtotal",
    "discount_amount": "discountAmount",
    "tax_amount": "taxAmount",
    "total": "total",
    "amount_paid": "amountPaid",
    "amount_due": "amountDue",
}


async def graphql_reading(client: httpx.AsyncClient, invoice_id: str) -> Reading:
    """Decimal fields travel as strings ("1.5", "2500.00") in GraphQL."""
    response = await client.post(
        GRAPHQL_URL,
        json={"query": GRAPHQL_INVOICE, "variables": {"id": invoice_id}},
        headers=DEMO_HEADERS,
    )
    assert response.status_code == 200, response.text
    body = decimal_json(response.content)
    assert "errors" not in body, body
    invoice = body["data"]["invoice"]
    assert invoice is not None, body
    reading: Reading = {"items": len(invoice["items"])}
    for n, item in enumerate(invoice["items"]):
        reading[f"items[{n}].name"] = item["name"]
        reading[f"items[{n}].quantity"] = quantity_text(item["quantity"])
        reading[f"items[{n}].unit_price"] = Decimal(item["unitPrice"])
        reading[f"items[{n}].line_total"] = Decimal(item["lineTotal"])
        reading[f"items[{n}].discount_amount"] = Decimal(item["discountAmount"])
    for v0_name, graphql_name in _GRAPHQL_MONEY.items():
        reading[v0_name] = Decimal(invoice[graphql_name])
    return reading


async def pdf_text(client: httpx.AsyncClient, invoice_id: str) -> str:
    response = await client.get(f"{REST_URL}/{invoice_id}/pdf", headers=DEMO_HEADERS)
    assert response.status_code == 200, response.text
    pages = PdfReader(io.BytesIO(response.content)).pages
    return "\n".join(page.extract_text() for page in pages)


_ITEMS_HEADING = "Product Qty Unit price Amount"
# The PDF writes numbers as its reader's locale does; these invoices' customers have
# none, so English: "1,234.50", quantities "1,000.5"; amount rows end in the currency.
_NUMBER = r"[0-9]{1,3}(?:,[0-9]{3})*(?:\.[0-9]+)?"
_MONEY = r"-?[0-9]{1,3}(?:,[0-9]{3})*\.[0-9]{2}"
_ITEM_ROW = re.compile(
    rf"^(?P<name>.+?) (?P<qty>{_NUMBER}) (?P<unit>{_MONEY}) (?P<amount>{_MONEY})$"
)
_AMOUNT_ROW = re.compile(rf"^(?P<label>.+?) (?P<amount>{_MONEY}) (?P<currency>[A-Z]+)$")
# A discount: "Discount 12.5%" (a percentage) or "Discount" (a fixed amount). In the lines
# table, a row under the line it comes off ("Discount 10% -500.00"); in the summary, the
# invoice's own, after "Line discounts" (the lines' own together), both before the tax.
_DISCOUNT_LABEL = rf"Discount(?: {_NUMBER}%)?"
_LINE_DISCOUNT_ROW = re.compile(rf"^{_DISCOUNT_LABEL} (?P<amount>{_MONEY})$")
_SUMMARY_DISCOUNT = re.compile(rf"^(?:{_DISCOUNT_LABEL}|Line discounts)$")


_CREDIT_ROWS = {"Amount credited": "amount_credited", "Credit applied": "credit_applied"}


def _english_number(text: str) -> str:
    """ "1,234.50" -> "1234.50": the digits as the JSON renderings write them."""
    return text.replace(",", "")


def pdf_reading(text: str) -> Reading:
    """The item table and the amount rows under it.

    A line's own discount is the row under it ("Discount 10% -500.00"); a line without
    one took 0.00. The summary shows the discounts as negative rows between "Subtotal"
    and the tax ("Line discounts -550.00 USDC", "Discount 5% -112.50 USDC"): together
    they are the invoice's discount amount. The PDF shows a tax as one row per component
    ("GST 5% 18.75 USDC", "PST 9.975% 39.28 USDC"), every other row before "Total": their
    sum is the invoice's tax amount.
    """
    lines = [line.strip() for line in text.splitlines()]
    assert _ITEMS_HEADING in lines, text
    start = lines.index(_ITEMS_HEADING) + 1
    end = next(n for n in range(start, len(lines)) if lines[n].startswith("Subtotal "))
    reading: Reading = {}
    n = -1
    for at, line in enumerate(lines[start:end]):
        discount = _LINE_DISCOUNT_ROW.match(line)
        if discount is not None:
            key = f"items[{n}].discount_amount"
            assert reading.get(key) == ZERO, f"a discount row under no line: {line!r}\n{text}"
            reading[key] = -Decimal(_english_number(discount["amount"]))
            continue
        row = _ITEM_ROW.match(line)
        assert row is not None, f"row {at} of the PDF's lines does not parse: {line!r}\n{text}"
        n += 1
        reading[f"items[{n}].name"] = row["name"]
        reading[f"items[{n}].quantity"] = _english_number(row["qty"])
        reading[f"items[{n}].unit_price"] = Decimal(_english_number(row["unit"]))
        reading[f"items[{n}].line_total"] = Decimal(_english_number(row["amount"]))
        reading[f"items[{n}].discount_amount"] = ZERO
    reading["items"] = n + 1
    amounts: list[tuple[str, Decimal]] = []
    for line in lines[end:]:
        row = _AMOUNT_ROW.match(line)
        if row is None:
            break
        amounts.append((row["label"], Decimal(_english_number(row["amount"]))))
    labels = [label for label, _ in amounts]
    assert labels[0] == "Subtotal", text
    total_at = labels.index("Total")
    assert labels[total_at + 1] == "Amount paid", text
    # Credit notes and a consumed credit balance add their rows between what was paid and
    # what is due, when there are any.
    due_at = total_at + 2
    for label, name in _CREDIT_ROWS.items():
        if labels[due_at] == label:
            reading[name] = amounts[due_at][1]
            due_at += 1
    assert labels[due_at] == "Amount due", text
    between = amounts[1:total_at]
    discounts = [amount for label, amount in between if _SUMMARY_DISCOUNT.match(label)]
    taxes = [amount for label, amount in between if not _SUMMARY_DISCOUNT.match(label)]
    assert all(amount <= 0 for amount in discounts), text
    reading["subtotal"] = amounts[0][1]
    reading["discount_amount"] = -sum(discounts, ZERO)
    reading["tax_amount"] = sum(taxes, ZERO)
    reading["total"] = amounts[total_at][1]
    reading["amount_paid"] = amounts[total_at + 1][1]
    reading["amount_due"] = amounts[due_at][1]
    return reading


def disagreements(reading: Reading, reference: Reading) -> dict[str, tuple[Any, Any]]:
    """{field: (this rendering's value, the reference's value)} where the two differ."""
    return {
        key: (reading.get(key, "<missing>"), reference.get(key, "<missing>"))
        for key in sorted(set(reading) | set(reference))
        if reading.get(key, "<missing>") != reference.get(key, "<missing>")
    }


# --------------------------------------------------------------------------- webhooks


@dataclass(frozen=True)
class Delivery:
    event: str
    data: dict[str, Any]


@dataclass
class Receiver:
    """An app's webhook endpoint: checks each signature, keeps the Decimal-parsed body."""

    base_url: str
    secret: str | None = None
    deliveries: list[Delivery] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"{self.base_url}/hooks/invoices"

    def of(self, invoice_id: str) -> list[Delivery]:
        return [d for d in self.deliveries if d.data.get("id") == invoice_id]

    async def handle(self, request: Request) -> Response:
        body = await request.body()
        if self.secret is None:
            self.refused.append("a delivery before the endpoint was registered")
            return Response(status_code=400)
        try:
            Webhook(self.secret).verify(body, dict(request.headers))
        except WebhookVerificationError as exc:  # recorded: the test fails on it
            self.refused.append(repr(exc))
            return Response(status_code=400)
        message = decimal_json(body)
        self.deliveries.append(Delivery(message["type"], message["data"]))
        return Response(status_code=204)


@contextlib.asynccontextmanager
async def running_receiver() -> AsyncIterator[Receiver]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    receiver = Receiver(f"http://127.0.0.1:{sock.getsockname()[1]}")
    app = Starlette(routes=[Route("/hooks/invoices", receiver.handle, methods=["POST"])])
    async with serving(app, sock):
        yield receiver


ADD_WEBHOOK_ENDPOINT = """
mutation Add($url: String!) {
  addWebhookEndpoint(url: $url) { endpoint { id } secret userErrors { field message } }
}
"""


async def register_endpoint(client: httpx.AsyncClient, receiver: Receiver) -> None:
    """The receiver as the demo app's webhook endpoint, through the GraphQL mutation."""
    response = await client.post(
        GRAPHQL_URL,
        json={"query": ADD_WEBHOOK_ENDPOINT, "variables": {"url": receiver.url}},
        headers=DEMO_HEADERS,
    )
    assert response.status_code == 200, response.text
    payload = response.json()["data"]["addWebhookEndpoint"]
    assert payload["userErrors"] == [], payload
    receiver.secret = payload["secret"]


async def run_worker_once(runtime: Runtime) -> None:
    """One worker pass, as `invoice-gateway worker --once` runs it."""
    from gateway.delivery.worker import run_worker

    await run_worker(runtime, once=True)


# --------------------------------------------------------------------------- the gateway

# (id, name, price): prices whose products with fractional quantities round every which way.
EXTRA_PRODUCTS = [
    ("prod_props_penny", "Props Penny Item", "0.01"),
    ("prod_props_007", "Props Seven Cents", "0.07"),
    ("prod_props_099", "Props Sticker", "0.99"),
    ("prod_props_333", "Props Third", "3.33"),
    ("prod_props_1995", "Props Book", "19.95"),
    ("prod_props_123456", "Props Server Rack", "1234.56"),
]


class Gateway:
    """The app's client and runtime, and the receiver of its webhooks.

    Not a dataclass: Hypothesis prints a failing test's arguments, and would print a
    dataclass field by field (the runtime, every delivery received) instead of this repr.
    """

    def __init__(self, client: httpx.AsyncClient, runtime: Runtime, receiver: Receiver) -> None:
        self.client, self.runtime, self.receiver = client, runtime, receiver

    def __repr__(self) -> str:
        return f"Gateway({self.runtime.settings.database_url.split(':')[0]})"


async def add_extra_products(runtime: Runtime) -> None:
    """No public way to add a product: rows in the app's database, as the demo seed does."""
    async with runtime.sessions() as session:
        for product_id, name, price in EXTRA_PRODUCTS:
            session.add(Product(id=product_id, app_id=DEMO_APP_ID, name=name, price=Decimal(price)))
        await session.commit()
