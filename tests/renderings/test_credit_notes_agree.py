"""Credit notes against one invoice: amount due = total - paid - credited, never below
zero, to the cent, and the same in REST, GraphQL, the PDFs' text and the webhooks.

Hypothesis picks the invoice (1-3 lines, each a product's or a free-form one, each with
or without its own percentage or fixed discount; a discount off the whole invoice or
none; any demo tax), a partial payment or none, and 1-3 credit notes, each for an amount
or for part of a line, refunded or kept as a customer balance; some ask for a cent more
than is left to credit and must be refused. A model follows what the discounts take off
and what each accepted credit note must do (its tax in proportion, a line's credit from
what the line came to after its discounts, what it applies to the amount due, what goes
past it); then every rendering must agree with it.

Run: `pytest tests/renderings/test_credit_notes_agree.py -k sqlite` (or `-m postgres`);
about 25 invoices each, some ten seconds.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import Any

from hypothesis import HealthCheck, assume, given, note, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from gateway.domain.money import round_money
from gateway.services.demo import PRODUCTS
from tests.apptest import DEMO_HEADERS, basic_invoice
from tests.renderings.harness import (
    EXTRA_PRODUCTS,
    GRAPHQL_URL,
    ITEM_AND_TOTAL_FIELDS,
    MONEY_FIELDS,
    REST_URL,
    Gateway,
    decimal_json,
    disagreements,
    graphql_reading,
    json_with_numbers,
    pdf_reading,
    pdf_text,
    rest_invoice,
    run_worker_once,
    v0_reading,
)
from tests.renderings.test_renderings_agree import PRODUCT_IDS, TAX_IDS

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)
PRICES = {pid: Decimal(price) for pid, _, price in (*PRODUCTS, *EXTRA_PRODUCTS)}
NAMES = {pid: name for pid, name, _ in (*PRODUCTS, *EXTRA_PRODUCTS)}
DESCRIPTIONS = ("Garden care", "Rush fee", "On-site visit", "Travel (flat)")
JSON_HEADERS = {**DEMO_HEADERS, "content-type": "application/json"}
FIELDS = (*MONEY_FIELDS, "amount_credited", "credit_applied")
GRAPHQL_INVOICE = """
query Invoice($id: ID!) {
  invoice(id: $id) {
    subtotal taxAmount total amountPaid amountCredited amountDue
    creditNotes { id total amountApplied refundAmount creditBalanceAmount }
  }
}
"""
_DUE_ROW = re.compile(r"^Amount due (?P<amount>[0-9,]+\.[0-9]{2}) [A-Z]+$", re.MULTILINE)


@dataclass(frozen=True)
class CreditCase:
    by_line: bool
    position: int  # taken modulo the number of lines
    share: int  # of what is left (of the line, or to credit), in 1/10000ths
    over: bool  # an amount a cent past what is left to credit: refused
    to_balance: bool


@dataclass(frozen=True)
class DiscountCase:
    percentage: bool
    share: int  # 1/10000ths: of 100 % (PERCENTAGE), or of what it comes off (FIXED)

    def asked(self, base: Decimal) -> dict[str, Any] | None:
        """The discount as the body asks it, off `base`; None for a fixed one under a cent."""
        if self.percentage:
            return {"type": "PERCENTAGE", "value": Decimal(self.share) / 100}
        value = (base * self.share / 10000).quantize(CENT, ROUND_DOWN)
        return None if value < CENT else {"type": "FIXED", "value": value}


def amount_off(asked: dict[str, Any] | None, base: Decimal) -> Decimal:
    """What a discount asked for takes off `base` (gateway.domain.discounts)."""
    if asked is None:
        return ZERO
    if asked["type"] == "PERCENTAGE":
        return round_money(base * asked["value"] / HUNDRED)
    return Decimal(asked["value"])


@dataclass(frozen=True)
class LineCase:
    product_id: str | None  # None: a free-form line, its description and price its own
    description: str
    unit_price: Decimal
    quantity: Decimal
    discount: DiscountCase | None

    @property
    def amount(self) -> Decimal:
        return round_money(self.quantity * self.unit_price)

    @property
    def asked(self) -> dict[str, Any] | None:
        return None if self.discount is None else self.discount.asked(self.amount)

    def item(self) -> dict[str, Any]:
        item: dict[str, Any] = {"quantity": self.quantity}
        if self.product_id is None:
            item |= {"description": self.description, "unit_price": self.unit_price}
        else:
            item["product_id"] = self.product_id
        if self.asked is not None:
            item["discount"] = self.asked
        return item


@dataclass(frozen=True)
class InvoiceCase:
    lines: tuple[LineCase, ...]
    discount: DiscountCase | None  # off the whole invoice, after the lines' own
    tax_id: str | None
    paid_share: int  # of the total, in 1/10000ths; 0: no payment
    credits: tuple[CreditCase, ...]

    @property
    def own_discounts(self) -> Decimal:
        return sum((amount_off(line.asked, line.amount) for line in self.lines), ZERO)

    @property
    def asked(self) -> dict[str, Any] | None:
        """The invoice's discount, off what the lines come to after their own."""
        base = sum((line.amount for line in self.lines), ZERO) - self.own_discounts
        return None if self.discount is None else self.discount.asked(base)

    @property
    def discount_amount(self) -> Decimal:
        base = sum((line.amount for line in self.lines), ZERO) - self.own_discounts
        return self.own_discounts + amount_off(self.asked, base)

    def body(self) -> str:
        body = basic_invoice(
            items=[line.item() for line in self.lines],
            taxId=self.tax_id,
            partial_payment=True,
            status="OPEN",
            delivery="MANUALLY",
        )
        if self.asked is not None:
            body["discount"] = self.asked
        return json_with_numbers(body)


credit_cases = st.builds(
    CreditCase,
    by_line=st.booleans(),
    position=st.integers(0, 2),
    share=st.integers(1, 10000),
    over=st.integers(0, 4).map(lambda n: n == 0),
    to_balance=st.booleans(),
)
discount_cases = st.one_of(
    st.none(), st.builds(DiscountCase, percentage=st.booleans(), share=st.integers(1, 10000))
)


@st.composite
def line_cases(draw: st.DrawFn) -> LineCase:
    quantity = draw(st.decimals(min_value=Decimal("0.01"), max_value=Decimal(50), places=2))
    discount = draw(discount_cases)
    if draw(st.booleans()):
        product_id = draw(st.sampled_from(PRODUCT_IDS))
        return LineCase(product_id, "", PRICES[product_id], quantity, discount)
    description = draw(st.sampled_from(DESCRIPTIONS))
    price = draw(st.decimals(min_value=CENT, max_value=Decimal(500), places=2))
    return LineCase(None, description, price, quantity, discount)


invoice_cases = st.builds(
    InvoiceCase,
    lines=st.lists(line_cases(), min_size=1, max_size=3).map(tuple),
    discount=discount_cases,
    tax_id=st.sampled_from(TAX_IDS),
    paid_share=st.integers(0, 9999),
    credits=st.lists(credit_cases, min_size=1, max_size=3).map(tuple),
)


@dataclass
class Model:
    """What the invoice's amounts must be."""

    taxed: Decimal  # what the tax applies to: the subtotal less every discount
    tax_amount: Decimal
    total: Decimal
    # The customer's credit balance the invoice consumed when created: the examples share
    # one customer, so balances earlier examples left are applied to later invoices.
    applied: Decimal = ZERO
    paid: Decimal = ZERO
    credited: Decimal = ZERO

    @property
    def due(self) -> Decimal:
        return max(self.total - self.paid - self.credited - self.applied, ZERO)

    def share_of_tax(self, base: Decimal, whole: Decimal) -> Decimal:
        return ZERO if whole <= 0 else round_money(self.tax_amount * base / whole)


def _credit_body(
    case: CreditCase, model: Model, invoice: dict[str, Any], left: dict[int, Decimal]
) -> dict[str, Any] | None:
    body: dict[str, Any] = {"reason": "order_change"}
    if case.to_balance:
        body["credit_to"] = "customer_balance"
    else:
        body |= {"refund_method": "BANK_TRANSFER", "refund_reference": "ref-1"}
    creditable = model.total - model.credited
    if case.over:
        return body | {"amount": creditable + CENT}
    if case.by_line:
        position = case.position % len(invoice["items"])
        quantity = (left[position] * case.share / 10000).quantize(Decimal("0.0001"), ROUND_DOWN)
        if quantity <= 0:
            return None
        return body | {"lines": [{"position": position, "quantity": quantity}]}
    amount = (creditable * case.share / 10000).quantize(CENT, ROUND_DOWN)
    return None if amount <= 0 else body | {"amount": amount}


def _expected_total(
    model: Model, invoice: dict[str, Any], body: dict[str, Any]
) -> tuple[Decimal, Decimal]:
    """(total, tax) the credit note must have."""
    inclusive = model.tax_amount > 0 and model.total == model.taxed
    if "amount" in body:
        amount = Decimal(body["amount"])
        return amount, model.share_of_tax(amount, model.total)
    line = body["lines"][0]
    item = invoice["items"][line["position"]]
    # What the line came to after its discounts (its own and its share of the invoice's).
    net = round_money(item["net_total"] * line["quantity"] / item["quantity"])
    tax = model.share_of_tax(net, model.taxed)
    return (net if inclusive else net + tax), tax


async def _graphql(gateway: Gateway, invoice_id: str) -> dict[str, Any]:
    response = await gateway.client.post(
        GRAPHQL_URL,
        json={"query": GRAPHQL_INVOICE, "variables": {"id": invoice_id}},
        headers=DEMO_HEADERS,
    )
    body = decimal_json(response.content)
    assert "errors" not in body, body
    invoice: dict[str, Any] = body["data"]["invoice"]
    return invoice


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(case=invoice_cases)
async def test_amount_due_is_total_less_paid_less_credited_everywhere(
    gateway: Gateway, case: InvoiceCase
) -> None:
    client = gateway.client
    created = await client.post(REST_URL, content=case.body(), headers=JSON_HEADERS)
    assert created.status_code == 201, created.text
    invoice = decimal_json(created.content)
    invoice_id = invoice["id"]
    note(f"{case!r}: invoice {invoice_id}")
    # The discounts against the request: each line's own under it, the invoice's after.
    assert invoice["subtotal"] == sum((line.amount for line in case.lines), ZERO)
    assert invoice["discount_amount"] == case.discount_amount, invoice
    for line, item in zip(case.lines, invoice["items"], strict=True):
        assert item["discount_amount"] == amount_off(line.asked, line.amount), item
        assert item["name"] == (
            line.description if line.product_id is None else NAMES[line.product_id]
        )
        assert item["net_total"] == (
            item["line_total"] - item["discount_amount"] - item["invoice_discount_amount"]
        )
    taxed = invoice["subtotal"] - invoice["discount_amount"]
    assert sum((item["net_total"] for item in invoice["items"]), ZERO) == taxed
    model = Model(taxed, invoice["tax_amount"], invoice["total"], invoice["credit_applied"])
    assume(model.total >= 2 * CENT)

    if case.paid_share and model.due >= 2 * CENT:
        amount = (model.due * case.paid_share / 10000).quantize(CENT, ROUND_DOWN)
        amount = min(max(amount, CENT), model.due - CENT)
        paid = await client.post(
            f"{REST_URL}/{invoice_id}/payments",
            content=json_with_numbers({"amount": amount, "method": "CRYPTO"}),
            headers=JSON_HEADERS,
        )
        assert paid.status_code == 201, paid.text
        model.paid = amount

    left = {n: item["quantity"] for n, item in enumerate(invoice["items"])}
    notes: list[dict[str, Any]] = []
    # invoice.paid events: one if the balance earlier examples left paid the invoice in
    # full when it was created (PAID from the start), plus one per credit note that left
    # nothing due on an invoice that had some due.
    assert (invoice["status"] == "PAID") == (model.applied > 0 and model.due == 0), invoice
    settled = 1 if invoice["status"] == "PAID" else 0
    for credit in case.credits:
        body = _credit_body(credit, model, invoice, left)
        if body is None:
            continue
        response = await client.post(
            f"{REST_URL}/{invoice_id}/credit_notes",
            content=json_with_numbers(body),
            headers=JSON_HEADERS,
        )
        total, tax = _expected_total(model, invoice, body)
        if total <= 0:
            assert response.status_code == 400, response.text
            assert "round to 0.00" in response.text, response.text
            continue
        if total > model.total - model.credited:
            assert response.status_code == 400, response.text
            assert "exceeds" in response.text, response.text
            continue
        assert response.status_code == 201, (body, response.text)
        made = decimal_json(response.content)
        due_before = model.due
        assert (made["total"], made["tax_amount"]) == (total, tax), made
        applied = min(total, due_before)
        rest = total - applied
        assert made["amount_applied"] == applied
        expected_refund = ZERO if credit.to_balance else rest
        assert (made["refund_amount"], made["credit_balance_amount"]) == (
            expected_refund,
            rest - expected_refund,
        )
        model.credited += total
        if due_before > 0 and model.due == 0:
            settled += 1
        for line in made["lines"]:
            left[int(line["invoice_line"])] -= line["quantity"]
        assert made["invoice"]["amount_due"] == model.due
        notes.append(made)

    # REST against the model.
    rest_body = await rest_invoice(client, invoice_id)
    rest = v0_reading(rest_body, FIELDS)
    assert rest["discount_amount"] == case.discount_amount
    assert rest["amount_credited"] == model.credited
    assert rest["amount_due"] == model.due >= 0
    assert rest["credit_applied"] == model.applied
    expected = rest["total"] - rest["amount_paid"] - rest["amount_credited"] - model.applied
    assert rest["amount_due"] == max(expected, 0)

    # Webhooks: every credit note's event, and a refund event for each refund.
    await run_worker_once(gateway.runtime)
    receiver = gateway.receiver
    assert receiver.refused == []
    created_events = [
        d.data
        for d in receiver.deliveries
        if d.event == "credit_note.created" and d.data["invoice_id"] == invoice_id
    ]
    # The worker delivers in any order: match them by credit note.
    sent = {event["id"]: event for event in created_events}
    assert len(created_events) == len(sent) == len(notes)
    for made in notes:
        assert sent[made["id"]]["invoice"] == made["invoice"], (sent[made["id"]], made)
    refunds = sorted(
        d.data["amount"]
        for d in receiver.deliveries
        if d.event == "refund.recorded" and d.data["invoice_id"] == invoice_id
    )
    assert refunds == sorted(n["refund_amount"] for n in notes if n["refund_amount"])
    if notes:
        assert sent[notes[-1]["id"]]["invoice"]["amount_due"] == rest["amount_due"]
    # The invoice's own events: the same lines, discounts and totals throughout, and
    # invoice.paid (nothing due) once a credit note settled it.
    invoice_events = receiver.of(invoice_id)
    for delivery in invoice_events:
        before = v0_reading(delivery.data, ITEM_AND_TOTAL_FIELDS)
        diff = disagreements(before, {key: rest[key] for key in before})
        assert not diff, f"webhook {delivery.event} vs REST: {diff}"
    paid_events = [d.data for d in invoice_events if d.event == "invoice.paid"]
    assert len(paid_events) == settled, [d.event for d in invoice_events]
    for data in paid_events:
        assert (data["status"], data["amount_due"]) == ("PAID", ZERO)

    # The invoice PDF, and the last credit note's.
    pdf = pdf_reading(await pdf_text(client, invoice_id))
    pdf.setdefault("amount_credited", ZERO)
    pdf.setdefault("credit_applied", ZERO)
    diff = disagreements(pdf, rest)
    assert not diff, f"PDF vs REST: {diff}"
    if notes:
        response = await client.get(
            f"/api/v0/credit_notes/{notes[-1]['id']}/pdf", headers=DEMO_HEADERS
        )
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
        found = _DUE_ROW.search(text)
        assert found is not None, text
        assert Decimal(found["amount"].replace(",", "")) == rest["amount_due"]

    # GraphQL: every line, discount and total, then the credit notes.
    diff = disagreements(await graphql_reading(client, invoice_id), v0_reading(rest_body))
    assert not diff, f"GraphQL vs REST: {diff}"
    shown = await _graphql(gateway, invoice_id)
    assert Decimal(shown["amountDue"]) == rest["amount_due"]
    assert Decimal(shown["amountCredited"]) == rest["amount_credited"]
    assert Decimal(shown["amountPaid"]) == rest["amount_paid"]
    assert [n["id"] for n in shown["creditNotes"]] == [n["id"] for n in notes]
