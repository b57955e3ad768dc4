"""One attempt to deliver a webhook outbox message, signed per Standard Webhooks.

    2xx                                  -> delivered
    410 Gone                             -> endpoint disabled, DeliveryFailed(retryable=False)
    endpoint disabled or gone            -> DeliveryFailed(retryable=False)
    other status, timeout, network error,
    host now resolving to a non-public address -> DeliveryFailed(retryable=True)

The host is resolved at send time and every address it resolves to is checked
(`destination_addresses`); the request then goes to those checked addresses, never
to the name, so DNS cannot switch it to a private address between the check and the
connection (rebinding). A refused address is retried like a network error: a name's
answers may change back (a mistaken record fixed, a split-horizon answer), retries
are bounded (OUTBOX_MAX_ATTEMPTS) and each one is checked again, so retrying costs a
few refused attempts and never sends anything to a non-public address.

Every attempt that gets as far as the endpoint's address is logged as a
WebhookAttempt row, so an app can see what we sent and what its server answered.
Neither the log nor the row holds the URL's path or query (which may carry a token)
or the signing secret: the endpoint's id, and for a refusal its host and address.
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
from gateway.secret_box import UnreadableSecret
from gateway.services.endpoint_health import disable_if_failing
from gateway.services.webhook_endpoints import (
    Resolver,
    WebhookTarget,
    destination_addresses,
    parse_webhook_url,
)

log = logging.getLogger("gateway.delivery.webhooks")

GONE_REASON = "410 Gone"
_MAX_ERROR = 1000


def signed_headers(
    secret: str, message_id: str, payload: str, sent_at: datetime, *also: str
) -> dict[str, str]:
    """Standard Webhooks headers; `also`: more secrets to sign with (a rotation's
    previous one), each signature space-separated in webhook-signature, newest first."""
    timestamp = sent_at.astimezone(UTC)
    signatures = [Webhook(key).sign(message_id, timestamp, payload) for key in (secret, *also)]
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(timestamp.timestamp())),
        "webhook-signature": " ".join(signatures),
        "content-type": "application/json",
    }


async def deliver_webhook(
    runtime: Runtime,
    message: OutboxMessage,
    client: httpx.AsyncClient,
    *,
    resolver: Resolver | None = None,
) -> None:
    """POSTs the message's payload, exactly as stored, to its endpoint.

    `client` should follow no redirects and trust no proxy settings from the
    environment (a proxy would bypass the address check); its timeout applies.
    `resolver` replaces the system's name resolution (tests).
    """
    endpoint = await _endpoint(runtime, message)
    secrets = _signing_secrets(runtime, endpoint)
    attempt = message.attempts + 1
    started = time.monotonic()
    try:
        # One deadline for the whole exchange: httpx's timeouts are per phase, so a
        # server dripping bytes could otherwise hold the attempt open for much longer.
        async with asyncio.timeout(runtime.settings.webhook_timeout_seconds):
            requests = await _requests(runtime, endpoint, secrets, message, client, resolver)
            response = await _send(client, requests)
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


def _signing_secrets(runtime: Runtime, endpoint: WebhookEndpoint) -> list[str]:
    """The endpoint's secret, then the one it replaced while their overlap lasts."""
    stored = [endpoint.secret]
    until = endpoint.previous_secret_until
    if endpoint.previous_secret is not None and until is not None and runtime.clock() < until:
        stored.append(endpoint.previous_secret)
    try:
        return [runtime.webhook_secrets.open(secret) for secret in stored]
    except UnreadableSecret as exc:
        # A configuration mistake (a key dropped from WEBHOOK_SECRET_KEYS too early):
        # once the key is back, the same message goes out, so keep it.
        raise DeliveryFailed(f"endpoint {endpoint.id}: {exc}", retryable=True) from None


async def _requests(
    runtime: Runtime,
    endpoint: WebhookEndpoint,
    secrets: list[str],
    message: OutboxMessage,
    client: httpx.AsyncClient,
    resolver: Resolver | None,
) -> list[httpx.Request]:
    """The request, once per address the endpoint's host resolves to now (checked
    unless private addresses are allowed), in the resolver's order of preference.

    Each goes to its address, rather than letting the client resolve the name again;
    the Host header and TLS (SNI, certificate check: `sni_hostname`) keep the name.
    """
    target = parse_webhook_url(endpoint.url)
    allow_private = runtime.settings.allow_private_webhook_urls
    addresses = await destination_addresses(target, allow_private=allow_private, resolver=resolver)
    # The signature's timestamp is wall-clock time on purpose (not runtime.clock): the
    # receiver compares it with its own clock to refuse replays.
    webhook_id = message.webhook_id or message.id
    headers = signed_headers(
        secrets[0], webhook_id, message.payload, datetime.now(UTC), *secrets[1:]
    )
    headers["host"] = _host_header(target)
    # The client pools connections by address, not by name: a kept-alive connection
    # made (and its certificate checked) for one name must not carry another name's
    # request to the same address.
    headers["connection"] = "close"
    url = httpx.URL(endpoint.url)
    content = message.payload.encode()
    return [
        client.build_request(
            "POST",
            url.copy_with(host=str(address)),
            content=content,
            headers=headers,
            extensions={"sni_hostname": target.host},
        )
        for address in addresses
    ]


async def _send(client: httpx.AsyncClient, requests: list[httpx.Request]) -> httpx.Response:
    """The response from the first address that accepts a connection (as a client
    connecting by name would: an IPv6 address first, say, from a host without IPv6)."""
    *others, last = requests
    for request in others:
        try:
            # Streamed and closed unread: only the status matters, whatever the body's size.
            return await client.send(request, follow_redirects=False, stream=True)
        except httpx.ConnectError:
            continue  # nothing was sent; the next checked address may answer
    return await client.send(last, follow_redirects=False, stream=True)


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
    failed = error is not None or status_code is None or not 200 <= status_code < 300
    now = runtime.clock()
    async with runtime.sessions() as session:
        if disable:
            await endpoints_db.disable_webhook_endpoint(
                session, endpoint.app_id, endpoint.id, GONE_REASON
            )
        since = await endpoints_db.failing_since(session, endpoint.id, now, failed=failed)
        if not disable and since is not None:
            await disable_if_failing(runtime, session, endpoint, since, now)
        session.add(
            WebhookAttempt(
                app_id=message.app_id,
                message_id=message.id,
                endpoint_id=endpoint.id,
                attempt=attempt,
                status_code=status_code,
                error=None if error is None else error[:_MAX_ERROR],
                duration_ms=duration_ms,
                created_at=now,
            )
        )
        await session.commit()
