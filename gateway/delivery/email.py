"""deliver_email: one outbox row of channel "email" -> one message over SMTP.

SMTP_URL forms (credentials percent-encoded; the port defaults as shown):

    smtp://[user:pass@]host[:25]            plain, no STARTTLS (also not opportunistic)
    smtp+starttls://[user:pass@]host[:587]  STARTTLS required
    smtps://[user:pass@]host[:465]          implicit TLS

Failures map onto DeliveryFailed: a 4xx reply, a refused or dropped connection and a
timeout are retryable; a 5xx reply to the message (sender, recipient, data) is not.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

import aiosmtplib

from gateway.db.invoice_views import InvoiceView
from gateway.db.reads import row_by_id
from gateway.db.rows import InvoiceRow
from gateway.db.tables import OutboxMessage
from gateway.delivery.email_message import build_invoice_email, email_subject
from gateway.delivery.errors import DeliveryFailed
from gateway.domain.status import InvoiceStatus
from gateway.runtime import Runtime
from gateway.services.events import EmailKind
from gateway.services.invoice_pdfs import invoice_pdf
from gateway.services.invoice_queries import view_of_any_app

log = logging.getLogger("gateway.delivery.email")

SMTP_TIMEOUT_SECONDS = 10.0

_DEFAULT_PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}

# Servers often quote the recipient in a refusal ("550 <bob@example.com>: unknown");
# the reason is logged and kept on the outbox row, the address must not be.
_ADDRESS = re.compile(r"[^\s<>()\[\]@\"',;:]+@[^\s<>()\[\]@\"',;:]+")


@dataclass(frozen=True)
class SmtpTarget:
    hostname: str
    port: int
    username: str | None
    password: str | None
    use_tls: bool
    start_tls: bool


def parse_smtp_url(url: str) -> SmtpTarget:
    """Raises ValueError on a URL this module cannot use."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise ValueError(f"SMTP_URL scheme must be one of {', '.join(_DEFAULT_PORTS)}")
    if not parts.hostname:
        raise ValueError("SMTP_URL has no host")
    return SmtpTarget(
        hostname=parts.hostname,
        port=parts.port or _DEFAULT_PORTS[scheme],
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
        use_tls=scheme == "smtps",
        start_tls=scheme == "smtp+starttls",
    )


async def deliver_email(runtime: Runtime, message: OutboxMessage) -> None:
    """Send the email one outbox row stands for; raise DeliveryFailed if it did not go.

    Marking the row delivered, retrying and giving up are the worker's business.
    """
    kind = _kind(message)
    view = await _load_view(runtime, message)
    inv = view.invoice
    if inv.status == InvoiceStatus.VOID:
        # Voided between scheduling and sending (an invoice at its send_date, a reminder):
        # it asks for nothing any more.
        log.info("%s email skipped, invoice %s is void", kind.value, inv.invoice_number)
        return
    if kind is EmailKind.REMINDER and inv.amount_due <= 0:
        # Paid between scheduling and sending: a reminder now would only confuse.
        log.info("reminder skipped, invoice %s has nothing due", inv.invoice_number)
        return
    if kind is EmailKind.REMINDER and inv.status == InvoiceStatus.UNCOLLECTIBLE:
        # Written off as bad debt since: no more chasing.
        log.info("reminder skipped, invoice %s is uncollectible", inv.invoice_number)
        return
    email = build_invoice_email(
        view,
        kind,
        outbox_message_id=message.id,
        public_base_url=runtime.settings.public_base_url,
        pdf=await invoice_pdf(runtime, view),
        now=runtime.clock(),
    )
    smtp_url = runtime.settings.smtp_url
    if smtp_url is None:
        # The outbox message and the invoice identify the email; the address is the
        # customer's personal data and stays out of the log.
        log.info(
            "email logged, not sent (no SMTP_URL): message=%s invoice=%s subject=%r",
            message.id,
            inv.id,
            email_subject(view, kind),
        )
        return
    await send_email(smtp_url, email)
    log.info("email sent: message=%s invoice=%s", message.id, inv.id)


def _kind(message: OutboxMessage) -> EmailKind:
    try:
        return EmailKind(message.event_type)
    except ValueError:
        raise DeliveryFailed(
            f"unknown email kind {message.event_type!r}", retryable=False
        ) from None


async def _load_view(runtime: Runtime, message: OutboxMessage) -> InvoiceView:
    if message.invoice_id is None:
        raise DeliveryFailed(f"email {message.id} names no invoice", retryable=False)
    async with runtime.sessions() as session:
        row = await row_by_id(session, InvoiceRow, message.app_id, message.invoice_id)
        if row is None:
            raise DeliveryFailed(f"invoice {message.invoice_id} not found", retryable=False)
        return await view_of_any_app(session, row)


async def send_email(smtp_url: str, email: EmailMessage) -> None:
    try:
        target = parse_smtp_url(smtp_url)
    except ValueError as exc:
        # A configuration mistake, not the message's fault: once SMTP_URL is fixed the
        # same row goes through, so let the worker keep it (within its retry budget).
        raise DeliveryFailed(str(exc), retryable=True) from None
    try:
        await aiosmtplib.send(
            email,
            hostname=target.hostname,
            port=target.port,
            username=target.username,
            password=target.password,
            use_tls=target.use_tls,
            start_tls=target.start_tls,
            timeout=SMTP_TIMEOUT_SECONDS,
        )
    except aiosmtplib.SMTPRecipientsRefused as exc:
        codes = [refused.code for refused in exc.recipients]
        reason = "; ".join(f"{r.code} {r.message}" for r in exc.recipients)
        raise DeliveryFailed(
            f"recipient refused: {_without_addresses(reason)}",
            retryable=not all(_permanent(c) for c in codes),
        ) from None
    except aiosmtplib.SMTPAuthenticationError as exc:
        # 535 is a 5xx, but it rejects our credentials, not this message.
        raise DeliveryFailed(f"SMTP authentication failed: {exc.code}", retryable=True) from None
    except aiosmtplib.SMTPResponseException as exc:
        raise DeliveryFailed(
            _without_addresses(f"SMTP {exc.code} {exc.message}"), retryable=not _permanent(exc.code)
        ) from None
    except (aiosmtplib.SMTPException, OSError) as exc:
        # Connection refused or dropped, timeouts, TLS handshake, STARTTLS not offered.
        raise DeliveryFailed(
            _without_addresses(f"SMTP unavailable: {exc!r}"), retryable=True
        ) from None


def _without_addresses(text: str) -> str:
    return _ADDRESS.sub("[address]", text)


def _permanent(code: int) -> bool:
    return 500 <= code < 600
