"""What an issued invoice keeps: after its products and tax change, REST, the PDF and
the payment page still show each line's name, price and the tax as it was priced."""

from __future__ import annotations

from decimal import Decimal

import httpx
from sqlmodel import update

from gateway.db.tables import Invoice, InvoiceItem, Product, Tax
from gateway.runtime import Runtime
from tests.apptest import DEMO_HEADERS, basic_invoice
from tests.catalogue import change
from tests.delivery.test_invoice_pdf import pdf_text

URL = "/api/v0/invoices"
TAX_ID = "tax_550e8400-e29b-41d4-a716-446655440123"  # Standard Sales Tax, 8.5 %


async def reprice_catalogue(runtime: Runtime) -> None:
    await change(runtime, Product, "prod_123456789", name="Website Rebuild", price=Decimal("9000"))
    await change(runtime, Tax, TAX_ID, name="New Sales Tax", rate=Decimal("20"))


async def test_rest_shows_the_invoice_as_priced(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, runtime = gateway
    body = basic_invoice(taxId=TAX_ID, items=[{"product_id": "prod_123456789", "quantity": 2}])
    created = (await client.post(URL, json=body, headers=DEMO_HEADERS)).json()
    await reprice_catalogue(runtime)

    for response in (
        await client.get(f"{URL}/{created['id']}", headers=DEMO_HEADERS),
        (await client.get(URL, headers=DEMO_HEADERS)),
    ):
        data = response.json(parse_float=Decimal)
        invoice = data[0] if isinstance(data, list) else data
        item = invoice["items"][0]
        assert (item["name"], item["unit_price"], item["line_total"]) == (
            "Website Development",
            Decimal("2500.00"),
            Decimal("5000.00"),
        )
        # The product itself is shown as it is now.
        assert (item["product"]["name"], item["product"]["price"]) == (
            "Website Rebuild",
            Decimal("9000.00"),
        )
        assert invoice["tax"] == {
            "id": TAX_ID,
            "name": "Standard Sales Tax",
            "rate": Decimal("8.5"),
            "type": "PERCENTAGE",
            "inclusive": False,
        }
        assert (invoice["subtotal"], invoice["tax_amount"], invoice["total"]) == (
            Decimal("5000.00"),
            Decimal("425.00"),
            Decimal("5425.00"),
        )


async def test_the_pdf_and_payment_page_show_the_invoice_as_priced(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, runtime = gateway
    body = basic_invoice(taxId=TAX_ID, payment_link=True)
    created = (await client.post(URL, json=body, headers=DEMO_HEADERS)).json()
    await reprice_catalogue(runtime)

    pdf = await client.get(f"{URL}/{created['id']}/pdf", headers=DEMO_HEADERS)
    text = pdf_text(pdf.content)
    lines = text.splitlines()
    for expected in (
        "Website Development 1 2,500.00 2,500.00",
        "Standard Sales Tax 8.5% 212.50 USDC",
        "Total 2,712.50 USDC",
    ):
        assert expected in lines, "\n".join(lines)
    for changed in ("Website Rebuild", "9000", "New Sales Tax"):
        assert changed not in text, changed

    page = (await client.get(created["payment_link_url"].removeprefix("https://pay.example"))).text
    assert "<tr><td>Website Development<br>" in page
    assert '<th scope="row">Standard Sales Tax (8.5%)</th><td class="n">212.50 USDC</td>' in page
    assert "Website Rebuild" not in page and "New Sales Tax" not in page


async def test_a_draft_is_priced_again_when_edited(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, runtime = gateway
    draft = (
        await client.post(
            URL, json=basic_invoice(status="DRAFT", taxId=TAX_ID), headers=DEMO_HEADERS
        )
    ).json()
    await reprice_catalogue(runtime)
    edited = await client.put(f"{URL}/{draft['id']}", json={"name": "Edited"}, headers=DEMO_HEADERS)
    invoice = edited.json(parse_float=Decimal)
    assert invoice["items"][0]["name"] == "Website Rebuild"
    assert (invoice["tax"]["name"], invoice["tax"]["rate"]) == ("New Sales Tax", Decimal("20"))
    assert (invoice["subtotal"], invoice["tax_amount"], invoice["total"]) == (
        Decimal("9000.00"),
        Decimal("1800.00"),
        Decimal("10800.00"),
    )


async def test_invoices_from_before_show_the_rows_as_they_are(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    """An invoice priced before its lines' names and tax were kept shows the rows as
    they are now."""
    client, runtime = gateway
    body = basic_invoice(taxId=TAX_ID)
    created = (await client.post(URL, json=body, headers=DEMO_HEADERS)).json()
    async with runtime.sessions() as session:
        await session.exec(update(Invoice).values(tax_snapshot=None))
        await session.exec(update(InvoiceItem).values(name=None))
        await session.commit()
    await change(runtime, Product, "prod_123456789", name="Website Rebuild")
    await change(runtime, Tax, TAX_ID, name="New Sales Tax")

    invoice = (await client.get(f"{URL}/{created['id']}", headers=DEMO_HEADERS)).json()
    assert invoice["items"][0]["name"] == "Website Rebuild"
    assert invoice["tax"]["name"] == "New Sales Tax"
    assert invoice["total"] == created["total"]
