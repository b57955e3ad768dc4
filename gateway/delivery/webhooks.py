"""One attempt to deliver a webhook outbox message, signed per Standard Webhooks.

    2xx                                  -> delivered
    410 Gone                             -> endpoint disabled, DeliveryFailed(retryable=False)
    endpoint disabled or gone            -> DeliveryFailed(retryable=False)
    other status, timeout, network error,
    host now resolving to a private address -> DeliveryFailed(retryable=True)

Every attempt that gets as far as the endpoint's address is logged as a
WebhookAttempt row, so an app can see what we sent and what its server answered.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime

import httpx
from standardwebhooks import Webhook

from gateway.db import webhook_endpoints as endpoints_db
from gateway.db.tables import OutboxMessage, WebhookAttempt, WebhookEndpoint
from gateway.delivery.errors import DeliveryFailed
from gateway.domain.errors import InvalidWebhookUrl
from gateway.runtime import Runtime
from gateway.services.webhook_endpoints import WebhookTarget, parse_webhook_url, public_address

log = logging.getLogger("gateway.delivery.webhooks")

GONE_REASON = "410 Gone"
_MAX_ERROR = 1000


def signed_headers(secret: str, message_id: str, payload: str, sent_at: datetime) -> dict[str, str]:
    timestamp = sent_at.astimezone(UTC)
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(timestamp.timestamp())),
        "webhook-signature": Webhook(secret).sign(message_id, timestamp, payload),
        "content-type": "application/json",
    }


async def deliver_webhook(
    runtime: Runtime, message: OutboxMessage, client: httpx.AsyncClient
) -> None:
    """POSTs the message's payload, exactly as stored, to its endpoint.

    `client` should follow no redirects and trust no proxy settings from the
    environment (a proxy would bypass the address check); its timeout applies.
    """
    endpoint = await _endpoint(runtime, message)
    attempt = message.attempts + 1
    started = time.monotonic()
    try:
        # One deadline for the whole exchange: httpx's timeouts are per phase, so a
        # server dripping bytes could otherwise hold the attempt open for much longer.
        async with asyncio.timeout(runtime.settings.webhook_timeout_seconds):
            request = await _request(runtime, endpoint, message, client)
            # Streamed and closed unread: only the status matters, whatever the body's size.
            response = await client.send(request, follow_redirects=False, stream=True)
            await response.aclose()
    except (httpx.HTTPError, InvalidWebhookUrl, TimeoutError) as exc:
        error = _describe(exc)
        await _record(runtime, message, endpoint, attempt, started, None, error)
        raise DeliveryFailed(error, retryable=True) from exc
    status = response.status_code
    gone = status == 410
    await _record(runtime, message, endpoint, attempt, started, status, None, disable=gone)
    if gone:
        raise DeliveryFailed(f"endpoint answered {GONE_REASON}; disabled", retryable=False)
    if not response.is_success:
        raise DeliveryFailed(f"endpoint answered HTTP {status}", retryable=True)


async def _endpoint(runtime: Runtime, message: OutboxMessage) -> WebhookEndpoint:
    if message.endpoint_id is None:
        raise DeliveryFailed("webhook message has no endpoint", retryable=False)
    async with runtime.sessions() as session:
        endpoint = await endpoints_db.webhook_endpoint(session, message.app_id, message.endpoint_id)
    if endpoint is None:
        raise DeliveryFailed("endpoint not found", retryable=False)
    if not endpoint.enabled:
        raise DeliveryFailed("endpoint disabled", retryable=False)
    return endpoint


async def _request(
    runtime: Runtime, endpoint: WebhookEndpoint, message: OutboxMessage, client: httpx.AsyncClient
) -> httpx.Request:
    target = parse_webhook_url(endpoint.url)
    # The signature's timestamp is wall-clock time on purpose (not runtime.clock): the
    # receiver compares it with its own clock to refuse replays.
    headers = signed_headers(endpoint.secret, message.id, message.payload, datetime.now(UTC))
    url = httpx.URL(endpoint.url)
    extensions: dict[str, str] = {}
    if not runtime.settings.allow_private_webhook_urls:
        url, extensions = await _pinned(target, url)
        headers["host"] = _host_header(target)
        # The client pools connections by address, not by name: a kept-alive connection
        # made (and its certificate checked) for one name must not carry another name's
        # request to the same address.
        headers["connection"] = "close"
    return client.build_request(
        "POST", url, content=message.payload.encode(), headers=headers, extensions=extensions
    )


async def _pinned(target: WebhookTarget, url: httpx.URL) -> tuple[httpx.URL, dict[str, str]]:
    """The URL with its host replaced by the address just checked.

    Connecting to that address, rather than letting the client resolve the name again,
    closes the window in which DNS could switch it to a private one (rebinding). TLS
    still verifies the certificate for the original name (sni_hostname).
    """
    address = await public_address(target)
    return url.copy_with(host=str(address)), {"sni_hostname": target.host}


def _host_header(target: WebhookTarget) -> str:
    host = f"[{target.host}]" if ":" in target.host else target.host
    default_port = 443 if target.scheme == "https" else 80
    return host if target.port == default_port else f"{host}:{target.port}"


def _describe(exc: Exception) -> str:
    if isinstance(exc, httpx.TimeoutException | TimeoutError):
        return f"timeout ({type(exc).__name__})"
    if isinstance(exc, InvalidWebhookUrl):
        return f"refused: {exc.message}"
    detail = str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {detail}"


async def _record(
    runtime: Runtime,
    message: OutboxMessage,
    endpoint: WebhookEndpoint,
    attempt: int,
    started: float,
    status_code: int | None,
    error: str | None,
    *,
    disable: bool = False,
) -> None:
    duration_ms = round((time.monotonic() - started) * 1000)
    log.info(
        "webhook %s attempt %d to %s: %s (%d ms)",
        message.id,
        attempt,
        endpoint.id,
        status_code if error is None else error,
        duration_ms,
    )
    async with runtime.sessions() as session:
        if disable:
            await endpoints_db.disable_webhook_endpoint(
                session, endpoint.app_id, endpoint.id, GONE_REASON
            )
        session.add(
            WebhookAttempt(
                app_id=message.app_id,
                message_id=message.id,
                endpoint_id=endpoint.id,
                attempt=attempt,
                status_code=status_code,
                error=None if error is None else error[:_MAX_ERROR],
                duration_ms=duration_ms,
                created_at=runtime.clock(),
            )
        )
        await session.commit()
