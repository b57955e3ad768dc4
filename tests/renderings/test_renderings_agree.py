"""One invoice, four renderings, the same numbers.

Hypothesis picks the lines (1-5 products, quantities with 1-4 decimal places), the tax
(none, or any demo tax: exclusive, inclusive, compound, fixed) and a partial payment.
The invoice is created and paid over REST; then the REST JSON, the GraphQL invoice, the
PDF's text and the webhook deliveries must show the same quantities (written the same
way: "1.5" everywhere, never "1.5000") and the same amounts.

REST is the reference: it is checked against the request first (the quantities as
sent, in their canonical form; the payment), then every other rendering against it,
GraphQL last: an example reaches it only once the webhooks and the PDF agree, so a
GraphQL disagreement does not hide one in the other renderings. Quantities reach the
API's limit (1,000,000 with 4 places), which the PDF's quantity column must fit.

Run: `pytest tests/renderings -k sqlite` (or `-m postgres`); about 25 invoices each.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from hypothesis import HealthCheck, assume, given, note, settings
from hypothesis import strategies as st

from gateway.services.demo import PRODUCTS
from tests.apptest import DEMO_HEADERS, basic_invoice
from tests.renderings.harness import (
    EXTRA_PRODUCTS,
    ITEM_AND_TOTAL_FIELDS,
    REST_URL,
    Gateway,
    canonical_quantity,
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

PRODUCT_IDS = [pid for pid, _, _ in PRODUCTS] + [pid for pid, _, _ in EXTRA_PRODUCTS]
TAX_IDS = [
    None,
    "tax_550e8400-e29b-41d4-a716-446655440123",  # Standard Sales Tax, 8.5 %
    "tax_550e8400-e29b-41d4",  # Reduced Sales Tax, 5 %
    "tax_vat_inclusive_20",  # VAT 20 %, included in the prices
    "tax_compound_gst_pst",  # GST 5 % + PST 9.975 % on top of it
    "tax_fixed_handling",  # a fixed 15.00
]
PAYMENT_METHODS = ["CRYPTO", "BANK_TRANSFER", "CREDIT_CARD"]
CENT = Decimal("0.01")
JSON_HEADERS = {**DEMO_HEADERS, "content-type": "application/json"}


@dataclass(frozen=True)
class InvoiceCase:
    lines: tuple[tuple[str, Decimal], ...]  # (product id, quantity as written in the body)
    tax_id: str | None
    payment_methods: tuple[str, ...]
    payment_method: str
    paid_share: int  # of the total, in 1/10000ths

    def body(self) -> str:
        items = [{"product_id": pid, "quantity": quantity} for pid, quantity in self.lines]
        body = basic_invoice(
            items=items,
            taxId=self.tax_id,
            payment_methods=list(self.payment_methods),
            partial_payment=True,
            status="OPEN",
            delivery="MANUALLY",  # no email: only webhooks in the outbox
        )
        return json_with_numbers(body)

    def payment(self, total: Decimal) -> Decimal:
        """Less than the total, at least a cent, two places."""
        share = (total * self.paid_share / 10000).quantize(CENT, rounding=ROUND_DOWN)
        return min(max(share, CENT), total - CENT)


# Mostly 0.0001 to 300, sometimes up to the API's 1,000,000; with exactly 1 to 4 places
# as written ("1.5", "1.50", "1.5000").
quantities = st.tuples(
    st.integers(1, 4), st.sampled_from((Decimal(300), Decimal(300), Decimal(1_000_000)))
).flatmap(
    lambda shape: st.decimals(min_value=Decimal("0.0001"), max_value=shape[1], places=shape[0])
)


@st.composite
def invoice_cases(draw: st.DrawFn) -> InvoiceCase:
    lines = draw(
        st.lists(st.tuples(st.sampled_from(PRODUCT_IDS), quantities), min_size=1, max_size=5)
    )
    methods = draw(st.lists(st.sampled_from(PAYMENT_METHODS), min_size=1, max_size=3, unique=True))
    return InvoiceCase(
        lines=tuple(lines),
        tax_id=draw(st.sampled_from(TAX_IDS)),
        payment_methods=tuple(methods),
        payment_method=draw(st.sampled_from(methods)),
        paid_share=draw(st.integers(1, 9999)),
    )


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],  # one gateway, many invoices
)
@given(case=invoice_cases())
async def test_rest_graphql_pdf_and_webhook_show_the_same_numbers(
    gateway: Gateway, case: InvoiceCase
) -> None:
    client, receiver = gateway.client, gateway.receiver

    created = await client.post(REST_URL, content=case.body(), headers=JSON_HEADERS)
    assert created.status_code == 201, created.text
    invoice_id = decimal_json(created.content)["id"]
    note(f"{case!r}: invoice {invoice_id}")
    total = decimal_json(created.content)["total"]
    assume(total >= 2 * CENT)  # a partial payment needs at least two cents to split
    amount = case.payment(total)
    payment = {"amount": amount, "method": case.payment_method}
    paid = await client.post(
        f"{REST_URL}/{invoice_id}/payments",
        content=json_with_numbers(payment),
        headers=JSON_HEADERS,
    )
    assert paid.status_code == 201, paid.text

    # REST, the reference, against the request.
    rest_body = await rest_invoice(client, invoice_id)
    rest = v0_reading(rest_body)
    assert rest_body["status"] == "PARTIALLYPAID"
    assert rest["items"] == len(case.lines)
    sent = {f"items[{n}].quantity": canonical_quantity(q) for n, (_, q) in enumerate(case.lines)}
    assert {key: rest[key] for key in sent} == sent, "REST quantities vs the request"
    assert (rest["amount_paid"], rest["amount_due"]) == (amount, total - amount)
    assert rest["total"] == total

    # Webhooks: one worker pass delivers the invoice's events to the receiver.
    await run_worker_once(gateway.runtime)
    assert receiver.refused == []
    deliveries = receiver.of(invoice_id)
    events = [d.event for d in deliveries]
    assert "invoice.created" in events, events
    assert events.count("invoice.partially_paid") == 1, events
    for delivery in deliveries:
        if delivery.event == "invoice.partially_paid":  # the latest: everything as now
            diff = disagreements(v0_reading(delivery.data), rest)
            assert not diff, f"webhook invoice.partially_paid vs REST: {diff}"
        else:  # before the payment (created, sent): the same lines and totals
            before = v0_reading(delivery.data, ITEM_AND_TOTAL_FIELDS)
            diff = disagreements(before, {key: rest[key] for key in before})
            assert not diff, f"webhook {delivery.event} vs REST: {diff}"

    diff = disagreements(pdf_reading(await pdf_text(client, invoice_id)), rest)
    assert not diff, f"PDF vs REST: {diff}"

    diff = disagreements(await graphql_reading(client, invoice_id), rest)
    assert not diff, f"GraphQL vs REST: {diff}"
