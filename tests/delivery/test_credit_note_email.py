"""The credit note email: queued with the credit note for an invoice delivered by email,
sent with its PDF to a real SMTP server, in the customer's words."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from sqlmodel import select

from gateway.db.tables import OutboxMessage
from gateway.delivery.email import deliver_email
from gateway.runtime import Runtime
from gateway.settings import Settings
from tests.apptest import DEMO_HEADERS, basic_invoice, seeded_gateway
from tests.delivery.test_email_delivery import Collecting, pdf_text, smtp_server

BASE_URL = "https://pay.example"


@pytest.fixture
def collecting() -> Collecting:
    return Collecting()


@pytest.fixture
def smtp_url(collecting: Collecting) -> Iterator[str]:
    with smtp_server(collecting) as url:
        yield url


@pytest.fixture
async def gateway(
    migrated_database_url: str, smtp_url: str
) -> AsyncIterator[tuple[httpx.AsyncClient, Runtime]]:
    settings = Settings(
        database_url=migrated_database_url, public_base_url=BASE_URL, smtp_url=smtp_url
    )
    async with seeded_gateway(settings) as pair:
        yield pair


async def test_credit_note_email_carries_its_pdf(
    gateway: tuple[httpx.AsyncClient, Runtime], collecting: Collecting
) -> None:
    client, runtime = gateway
    created = await client.post("/api/v0/invoices", json=basic_invoice(), headers=DEMO_HEADERS)
    invoice = created.json()
    response = await client.post(
        f"/api/v0/invoices/{invoice['id']}/credit_notes",
        json={"amount": "250.00", "reason": "order_change", "memo": "Two days less"},
        headers=DEMO_HEADERS,
    )
    assert response.status_code == 201, response.text
    async with runtime.sessions() as session:
        stmt = select(OutboxMessage).where(
            OutboxMessage.invoice_id == invoice["id"], OutboxMessage.event_type == "credit_note"
        )
        (outbox,) = (await session.exec(stmt)).all()

    await deliver_email(runtime, outbox)

    (envelope, message) = collecting.received[0]
    assert envelope.rcpt_tos == [invoice["email"]]
    assert message["Subject"] == "Credit note CN-000001 from My Business App"
    assert message["Message-ID"] == f"<{outbox.id}@pay.example>"
    text = message.get_body(("plain",))
    assert text is not None
    plain = text.get_content()
    assert "credit note CN-000001 for invoice INV-000001" in plain
    assert "250.00" in plain and "2,250.00" in plain  # credited, then still due
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == "credit-note-CN-000001.pdf"
    extracted = pdf_text(attachment.get_content())
    assert "Credit note CN-000001" in extracted
    assert "Order change" in extracted and "Two days less" in extracted
    assert "Amount due 2,250.00" in extracted
