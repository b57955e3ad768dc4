"""deliver_email against a real SMTP server (aiosmtpd on 127.0.0.1), on SQLite and PostgreSQL."""

from __future__ import annotations

import contextlib
import dataclasses
import email
import email.policy
import io
import logging
from collections.abc import AsyncIterator, Iterator
from email.message import EmailMessage
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, Session
from pypdf import PdfReader
from sqlmodel import select

from gateway.db.tables import Invoice, OutboxMessage
from gateway.delivery.email import deliver_email, parse_smtp_url
from gateway.delivery.email_message import sender_domain
from gateway.delivery.errors import DeliveryFailed
from gateway.delivery.worker import run_once
from gateway.runtime import Runtime
from gateway.settings import Settings
from tests.apptest import DEMO_HEADERS, basic_invoice, seeded_gateway
from tests.servers import LOCALHOST, free_port
from tests.spec_examples import SPEC_EXAMPLES

BASE_URL = "https://pay.example"


class Collecting:
    """Accepts every message and keeps it (envelope + parsed message)."""

    def __init__(self) -> None:
        self.received: list[tuple[Envelope, EmailMessage]] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append((envelope, parsed))
        return "250 Message accepted for delivery"


class Refusing(Collecting):
    """Answers RCPT TO with a fixed reply."""

    def __init__(self, reply: str) -> None:
        super().__init__()
        self.reply = reply

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        return self.reply


class RefusingData(Collecting):
    """Accepts the recipient, then answers DATA with a fixed reply."""

    def __init__(self, reply: str) -> None:
        super().__init__()
        self.reply = reply

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        return self.reply


@contextlib.contextmanager
def smtp_server(handler: Any) -> Iterator[str]:
    controller = Controller(handler, hostname=LOCALHOST, port=free_port())
    controller.start()
    try:
        yield f"smtp://{LOCALHOST}:{controller.port}"
    finally:
        controller.stop()


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


async def create_and_find_email(
    gateway: tuple[httpx.AsyncClient, Runtime], body: dict[str, Any]
) -> tuple[dict[str, Any], OutboxMessage]:
    client, runtime = gateway
    response = await client.post("/api/v0/invoices", json=body, headers=DEMO_HEADERS)
    assert response.status_code == 201, response.text
    created = response.json()
    async with runtime.sessions() as session:
        stmt = select(OutboxMessage).where(
            OutboxMessage.invoice_id == created["id"], OutboxMessage.channel == "email"
        )
        rows = (await session.exec(stmt)).all()
    assert len(rows) == 1
    return created, rows[0]


def with_smtp(runtime: Runtime, smtp_url: str | None) -> Runtime:
    return dataclasses.replace(
        runtime, settings=dataclasses.replace(runtime.settings, smtp_url=smtp_url)
    )


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize(
    ("example", "total"), [("curl-basic", "2,500.00"), ("curl-comprehensive", "17,414.25")]
)
async def test_invoice_email_reaches_the_smtp_server(
    gateway: tuple[httpx.AsyncClient, Runtime], collecting: Collecting, example: str, total: str
) -> None:
    _client, runtime = gateway
    created, outbox = await create_and_find_email(gateway, SPEC_EXAMPLES[example])

    await deliver_email(runtime, outbox)

    assert len(collecting.received) == 1
    envelope, message = collecting.received[0]
    assert envelope.rcpt_tos == [created["email"]]
    assert envelope.mail_from == "invoices@pay.example"
    assert message["To"] == created["email"]
    assert message["Subject"] == "Invoice INV-000001 from My Business App"
    assert message["Message-ID"] == f"<{outbox.id}@pay.example>"

    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    async with runtime.sessions() as session:
        invoice = await session.get(Invoice, created["id"])
        assert invoice is not None
        token = invoice.tracking_token
    assert token
    plain = text.get_content()
    assert total in plain
    assert f"{BASE_URL}/t/c/{token}" in plain
    page = html.get_content()
    assert f'<img src="{BASE_URL}/t/o/{token}.gif" width="1" height="1" alt="">' in page
    assert f'href="{BASE_URL}/t/c/{token}"' in page

    attachments = list(message.iter_attachments())
    assert len(attachments) == 1
    (attachment,) = attachments
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == "invoice-INV-000001.pdf"
    content = attachment.get_content()
    assert isinstance(content, bytes)
    extracted = pdf_text(content)
    assert "INV-000001" in extracted
    assert total in extracted
    assert created["payment_link_url"] in extracted.replace("\n", "")


async def test_a_retried_send_carries_the_same_message_id(
    gateway: tuple[httpx.AsyncClient, Runtime], collecting: Collecting
) -> None:
    _client, runtime = gateway
    _created, outbox = await create_and_find_email(gateway, basic_invoice())
    await deliver_email(runtime, outbox)
    await deliver_email(runtime, outbox)
    ids = [message["Message-ID"] for _envelope, message in collecting.received]
    assert len(ids) == 2
    assert ids[0] == ids[1]


async def test_reminder_subject(
    gateway: tuple[httpx.AsyncClient, Runtime], collecting: Collecting
) -> None:
    _client, runtime = gateway
    _created, outbox = await create_and_find_email(gateway, basic_invoice())
    reminder = outbox.model_copy(update={"event_type": "reminder"})
    await deliver_email(runtime, reminder)
    (_envelope, message), *_ = collecting.received
    assert message["Subject"] == "Reminder: invoice INV-000001 is past due"


async def test_server_down_is_retryable(gateway: tuple[httpx.AsyncClient, Runtime]) -> None:
    _client, runtime = gateway
    _created, outbox = await create_and_find_email(gateway, basic_invoice())
    closed_port = free_port()  # nothing listens there
    with pytest.raises(DeliveryFailed) as failed:
        await deliver_email(with_smtp(runtime, f"smtp://{LOCALHOST}:{closed_port}"), outbox)
    assert failed.value.retryable is True


@pytest.mark.parametrize(
    ("handler_type", "reply", "retryable"),
    [
        (Refusing, "550 5.1.1 No such user", False),
        (Refusing, "451 4.3.0 Try again later", True),
        (RefusingData, "554 5.7.1 Message rejected", False),
        (RefusingData, "452 4.3.1 Insufficient storage", True),
    ],
    ids=["rcpt-550", "rcpt-451", "data-554", "data-452"],
)
async def test_smtp_replies_decide_retryable(
    gateway: tuple[httpx.AsyncClient, Runtime],
    handler_type: type[Refusing | RefusingData],
    reply: str,
    retryable: bool,
) -> None:
    _client, runtime = gateway
    _created, outbox = await create_and_find_email(gateway, basic_invoice())
    handler = handler_type(reply)
    with smtp_server(handler) as url:
        with pytest.raises(DeliveryFailed) as failed:
            await deliver_email(with_smtp(runtime, url), outbox)
        assert failed.value.retryable is retryable
        assert handler.received == []


async def test_missing_invoice_is_permanent(gateway: tuple[httpx.AsyncClient, Runtime]) -> None:
    _client, runtime = gateway
    _created, outbox = await create_and_find_email(gateway, basic_invoice())
    orphan = outbox.model_copy(update={"invoice_id": "inv_does_not_exist"})
    with pytest.raises(DeliveryFailed) as failed:
        await deliver_email(runtime, orphan)
    assert failed.value.retryable is False


async def test_without_smtp_url_the_email_is_logged(
    gateway: tuple[httpx.AsyncClient, Runtime],
    collecting: Collecting,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _client, runtime = gateway
    created, outbox = await create_and_find_email(gateway, basic_invoice())
    with caplog.at_level(logging.INFO, logger="gateway.delivery.email"):
        await deliver_email(with_smtp(runtime, None), outbox)
    assert collecting.received == []
    logged = [r.getMessage() for r in caplog.records if r.name == "gateway.delivery.email"]
    assert any(
        "not sent" in line and outbox.id in line and created["id"] in line and "INV-000001" in line
        for line in logged
    )
    assert created["email"] not in caplog.text  # the customer's address is not for logs


async def test_a_refused_address_stays_out_of_the_log_and_the_outbox(
    gateway: tuple[httpx.AsyncClient, Runtime], caplog: pytest.LogCaptureFixture
) -> None:
    """Servers quote the recipient in a refusal; the worker logs the reason and keeps it."""
    _client, runtime = gateway
    created, outbox = await create_and_find_email(gateway, basic_invoice())
    address = created["email"]
    refusing = Refusing(f"550 5.1.1 <{address}>: Recipient address rejected: User unknown")
    caplog.set_level(logging.DEBUG, logger="gateway")
    with smtp_server(refusing) as url:
        counts = await run_once(with_smtp(runtime, url))
    assert counts.dead == 1
    async with runtime.sessions() as session:
        row = await session.get(OutboxMessage, outbox.id)
    assert row is not None and row.status == "dead"
    assert row.last_error == (
        "recipient refused: 550 5.1.1 <[address]>: Recipient address rejected: User unknown"
    )
    assert "giving up on " + outbox.id in caplog.text
    assert address not in caplog.text


def test_smtp_url_forms() -> None:
    plain = parse_smtp_url("smtp://mail.example")
    assert (plain.hostname, plain.port, plain.use_tls, plain.start_tls) == (
        "mail.example",
        25,
        False,
        False,
    )
    starttls = parse_smtp_url("smtp+starttls://user%40x:p%3Ass@mail.example:2587")
    assert (starttls.port, starttls.start_tls, starttls.use_tls) == (2587, True, False)
    assert (starttls.username, starttls.password) == ("user@x", "p:ss")
    implicit = parse_smtp_url("smtps://mail.example")
    assert (implicit.port, implicit.use_tls, implicit.start_tls) == (465, True, False)
    for bad in ("http://mail.example", "smtp://", "mail.example:25"):
        with pytest.raises(ValueError):
            parse_smtp_url(bad)


class Credentials:
    """An aiosmtpd authenticator that accepts one user and remembers every attempt."""

    def __init__(self, username: str, password: str) -> None:
        self.expected = (username.encode(), password.encode())
        self.attempts: list[tuple[bytes, bytes]] = []

    def __call__(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        attempt = (bytes(data.login), bytes(data.password))
        self.attempts.append(attempt)
        # handled=False: let aiosmtpd answer a failure with 535 itself.
        return AuthResult(success=attempt == self.expected, handled=False)


# aiosmtpd warns that AUTH without TLS is unsafe; this test server is loopback only.
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
@pytest.mark.parametrize(("password", "delivered"), [("s3cr%40t", True), ("wrong", False)])
async def test_smtp_credentials_from_the_url(
    gateway: tuple[httpx.AsyncClient, Runtime], password: str, delivered: bool
) -> None:
    _client, runtime = gateway
    _created, outbox = await create_and_find_email(gateway, basic_invoice())
    handler = Collecting()
    authenticator = Credentials("mailer", "s3cr@t")
    controller = Controller(
        handler,
        hostname=LOCALHOST,
        port=free_port(),
        authenticator=authenticator,
        auth_require_tls=False,
    )
    controller.start()
    try:
        url = f"smtp://mailer:{password}@{LOCALHOST}:{controller.port}"
        if delivered:
            await deliver_email(with_smtp(runtime, url), outbox)
            assert len(handler.received) == 1
        else:
            with pytest.raises(DeliveryFailed) as failed:
                await deliver_email(with_smtp(runtime, url), outbox)
            # Bad credentials are the sender's problem, not the message's: retry.
            assert failed.value.retryable is True
            assert "authentication" in failed.value.reason
            assert handler.received == []
        assert authenticator.attempts[0][0] == b"mailer"
    finally:
        controller.stop()


@pytest.mark.parametrize(
    ("base_url", "domain"),
    [
        ("https://pay.example", "pay.example"),
        ("http://127.0.0.1:8000", "[127.0.0.1]"),
        ("http://[::1]:8000", "[IPv6:::1]"),
    ],
)
def test_sender_domain(base_url: str, domain: str) -> None:
    assert sender_domain(base_url) == domain


async def test_no_reminder_once_nothing_is_due(
    gateway: tuple[httpx.AsyncClient, Runtime], collecting: Collecting
) -> None:
    _client, runtime = gateway
    created, outbox = await create_and_find_email(gateway, basic_invoice())
    async with runtime.sessions() as session:
        invoice = await session.get(Invoice, created["id"])
        assert invoice is not None
        invoice.amount_paid = invoice.total
        session.add(invoice)
        await session.commit()
    await deliver_email(runtime, outbox.model_copy(update={"event_type": "reminder"}))
    assert collecting.received == []
