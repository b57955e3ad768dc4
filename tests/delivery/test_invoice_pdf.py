"""The invoice PDF: rendering (no I/O) and GET /api/v0/invoices/{id}/pdf."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from decimal import Decimal

import httpx
import pytest
from pypdf import PdfReader

from gateway.db.invoice_views import InvoiceView, ItemView
from gateway.db.rows import (
    CustomerRow,
    InvoiceRow,
    ItemRow,
    ProductRow,
    TaxRow,
    WalletRow,
    row_of,
)
from gateway.db.tables import Customer, Invoice, InvoiceItem, Product, Tax, Wallet
from gateway.delivery.fonts import find_pdf_fonts
from gateway.delivery.pdf import invoice_pdf_filename, printable, render_invoice_pdf
from gateway.runtime import Runtime
from gateway.services.tenants import create_app_with_credential
from gateway.settings import Settings
from tests.apptest import DEMO_HEADERS, basic_invoice, seeded_gateway
from tests.spec_examples import SPEC_EXAMPLES

URL = "/api/v0/invoices"


def pdf_text(data: bytes) -> str:
    """The text pypdf extracts, less the NULs it adds: it reads the codes of a CID-keyed
    CFF font with an embedded CMap (as fpdf2 writes Noto Sans CJK) one byte at a time
    and puts a NUL before each CJK character. Poppler and browsers read them right."""
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return text.replace("\x00", "")


def render(view: InvoiceView, payment_url: str | None, *, app_logo: str | None = None) -> bytes:
    return render_invoice_pdf(view, payment_url, find_pdf_fonts(None), app_logo=app_logo)


def a_view(
    name: str = "Website Development Services",
    product_name: str = "Web dev",
    *,
    customer_name: str = "John Doe",
    locale: str | None = None,
    address: str = "Straße 1, Berlin",
    logo: str | None = None,
    tax_name: str = "Standard Sales Tax",
) -> InvoiceView:
    invoice = Invoice(
        id="inv_1",
        app_id="app_1",
        invoice_number="INV-000042",
        name=name,
        email="client@example.com",
        address=address,
        logo=logo,
        customer_id="cus_1",
        wallet_id="wal_1",
        tax_id="tax_1",
        due_date=date(2030, 1, 31),
        send_date=date(2030, 1, 2),
        date_created=datetime(2030, 1, 1, 12, tzinfo=UTC),
        status="OPEN",
        payment_methods=["CRYPTO", "BANK_TRANSFER"],
        delivery="EMAIL",
        subtotal=Decimal("2500.00"),
        tax_amount=Decimal("212.50"),
        total=Decimal("2712.50"),
        amount_paid=Decimal("700.00"),
        currency="USDC",
    )
    item = InvoiceItem(
        app_id="app_1",
        invoice_id="inv_1",
        position=0,
        product_id="prod_1",
        quantity=Decimal("2.0000"),
        unit_price=Decimal("1250.00"),
        line_total=Decimal("2500.00"),
    )
    product = Product(id="prod_1", app_id="app_1", name=product_name, price=Decimal("1250.00"))
    customer = Customer(
        id="cus_1", app_id="app_1", email="c@example.com", name=customer_name, locale=locale
    )
    wallet = Wallet(id="wal_1", app_id="app_1", address="0x742d35Cc", blockchain="ETHEREUM")
    tax = Tax(id="tax_1", app_id="app_1", name=tax_name, rate=Decimal("8.5"))
    return InvoiceView(
        invoice=row_of(InvoiceRow, invoice),
        app_name="Zoë's Studio",
        customer=row_of(CustomerRow, customer),
        wallet=row_of(WalletRow, wallet),
        tax=row_of(TaxRow, tax),
        items=(ItemView(row_of(ItemRow, item), row_of(ProductRow, product)),),
        transactions=(),
    )


def test_the_pdf_shows_the_invoice() -> None:
    text = pdf_text(render(a_view(), "https://pay.example/pay/tok"))
    lines = text.splitlines()
    for expected in (
        "Zoë's Studio",
        "Invoice INV-000042",
        "Website Development Services",
        "Created: January 1, 2030",
        "Due date: January 31, 2030",
        "Send date: January 2, 2030",
        "Status: Open",
        "John Doe",
        "client@example.com",
        "Product Qty Unit price Amount",
        "Web dev 2 1,250.00 2,500.00",
        "Subtotal 2,500.00 USDC",
        "Standard Sales Tax 8.5% 212.50 USDC",
        "Total 2,712.50 USDC",
        "Amount paid 700.00 USDC",
        "Amount due 2,012.50 USDC",
        "Accepted payment methods: Cryptocurrency, Bank transfer / ACH",
        "Currency: USDC",
        "Wallet (ETHEREUM): 0x742d35Cc",
        "https://pay.example/pay/tok",
    ):
        assert expected in lines, (expected, lines)


def test_the_same_view_renders_the_same_bytes() -> None:
    assert render(a_view(), None) == render(a_view(), None)


@pytest.mark.parametrize(
    "hostile",
    [
        "Emoji 🚀 and CJK 請求書",
        "Smart “quotes” \u2013 dashes … €",
        "Line\nbreaks\tand\x00control\x1bchars",
        "W" * 2000,  # one word far wider than any cell
        "",
    ],
)
def test_any_customer_text_renders(hostile: str) -> None:
    data = render(a_view(name=hostile, product_name=hostile), "https://x.test/" + hostile)
    assert "INV-000042" in pdf_text(data)


def test_control_characters_become_spaces() -> None:
    assert printable("Line\nbreaks\tand\x00control\x1b\x9fchars") == "Line breaks and control chars"
    assert printable("Zoë “x” €5 請求書") == "Zoë “x” €5 請求書"


def test_pdf_filename_is_header_safe() -> None:
    assert invoice_pdf_filename("INV-000001") == "invoice-INV-000001.pdf"
    assert invoice_pdf_filename('A/"B"\r\n1') == "invoice-A-B-1.pdf"


# --------------------------------------------------------------------------- the endpoint


@pytest.fixture
async def gateway(migrated_database_url: str) -> AsyncIterator[tuple[httpx.AsyncClient, Runtime]]:
    settings = Settings(database_url=migrated_database_url, public_base_url="https://pay.example")
    async with seeded_gateway(settings) as pair:
        yield pair


async def test_download_the_pdf(gateway: tuple[httpx.AsyncClient, Runtime]) -> None:
    client, _runtime = gateway
    body = SPEC_EXAMPLES["curl-comprehensive"]
    created = (await client.post(URL, json=body, headers=DEMO_HEADERS)).json()

    response = await client.get(f"{URL}/{created['id']}/pdf", headers=DEMO_HEADERS)

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert (
        response.headers["content-disposition"] == 'attachment; filename="invoice-INV-000001.pdf"'
    )
    text = pdf_text(response.content)
    for expected in ("INV-000001", "Q1 2024 Services Invoice", "17,414.25", "Standard Sales Tax"):
        assert expected in text, expected
    assert created["payment_link_url"] in text.replace("\n", "")


async def test_compound_tax_lists_each_component(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, _runtime = gateway
    body = basic_invoice(taxId="tax_compound_gst_pst")
    created = (await client.post(URL, json=body, headers=DEMO_HEADERS)).json()
    text = pdf_text((await client.get(f"{URL}/{created['id']}/pdf", headers=DEMO_HEADERS)).content)
    # 2500.00: GST 5% = 125.00, PST 9.975% on 2625.00 = 261.84.
    lines = text.splitlines()
    assert "GST 5% 125.00 USDC" in lines
    assert "PST 9.975% 261.84 USDC" in lines
    assert created["total"] == 2886.84
    assert "Total 2,886.84 USDC" in lines


async def test_another_apps_invoice_is_not_found(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, runtime = gateway
    mine = (await client.post(URL, json=basic_invoice(), headers=DEMO_HEADERS)).json()
    other = await create_app_with_credential(runtime, "Other Business")
    other_headers = {
        "x-client-key": other.credential.client_key,
        "x-client-secret": other.credential.client_secret,
    }
    not_found = {"statusCode": 404, "message": "Invoice not found", "error": "Not Found"}
    response = await client.get(f"{URL}/{mine['id']}/pdf", headers=other_headers)
    assert (response.status_code, response.json()) == (404, not_found)
    unknown = await client.get(f"{URL}/inv_unknown/pdf", headers=DEMO_HEADERS)
    assert (unknown.status_code, unknown.json()) == (404, not_found)


async def test_credentials_are_required(gateway: tuple[httpx.AsyncClient, Runtime]) -> None:
    client, _runtime = gateway
    mine = (await client.post(URL, json=basic_invoice(), headers=DEMO_HEADERS)).json()
    response = await client.get(f"{URL}/{mine['id']}/pdf")
    assert response.status_code == 401
    assert response.json()["statusCode"] == 401


async def test_a_void_invoice_says_so_and_offers_no_payment(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, _runtime = gateway
    created = (await client.post(URL, json=basic_invoice(), headers=DEMO_HEADERS)).json()
    voided = await client.post(
        f"{URL}/{created['id']}/void", json={"reason": "Issued twice"}, headers=DEMO_HEADERS
    )
    assert voided.status_code == 200, voided.text
    response = await client.get(f"{URL}/{created['id']}/pdf", headers=DEMO_HEADERS)
    lines = pdf_text(response.content).splitlines()
    today = datetime.now(UTC).date()
    assert "Status: Void" in lines
    assert f"VOID: cancelled on {today:%B} {today.day}, {today.year}, nothing is due" in lines
    assert "Reason: Issued twice" in lines
    assert "Total 2,500.00 USDC" in lines and "Amount due 0.00 USDC" in lines
    assert created["payment_link_url"] not in "".join(lines)


async def test_an_uncollectible_invoice_is_still_payable(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, _runtime = gateway
    created = (await client.post(URL, json=basic_invoice(), headers=DEMO_HEADERS)).json()
    path = f"{URL}/{created['id']}/mark_uncollectible"
    assert (await client.post(path, headers=DEMO_HEADERS)).status_code == 200
    text = pdf_text((await client.get(f"{URL}/{created['id']}/pdf", headers=DEMO_HEADERS)).content)
    lines = text.splitlines()
    assert "Status: Uncollectible" in lines and "Amount due 2,500.00 USDC" in lines
    assert not any(line.startswith(("VOID", "Reason")) for line in lines)
    assert created["payment_link_url"] in text.replace("\n", "")
