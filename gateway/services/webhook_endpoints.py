"""An app's webhook endpoints: add (URL checked, secret issued), list, disable.

Webhooks are sent from inside our network, so a URL that reaches a non-public
address (`gateway.domain.addresses`) would let an app probe it (SSRF). Such URLs
are refused when added, and the worker resolves and checks the host again before
each send (`destination_addresses`), because a name can resolve elsewhere later.
"""

from __future__ import annotations

import asyncio
import base64
import ipaddress
import secrets
import socket
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

from gateway.db import reads
from gateway.db import webhook_endpoints as endpoints_db
from gateway.db.tables import WebhookEndpoint
from gateway.domain.addresses import IPAddress, embedded_ipv4, is_public_destination
from gateway.domain.errors import AppNotFound, InvalidWebhookUrl, WebhookEndpointNotFound
from gateway.runtime import Runtime

# Resolves (host, port) to addresses; the delivery tests pass their own.
Resolver = Callable[[str, int], Awaitable[list[IPAddress]]]

MAX_URL_LENGTH = 2048
_SCHEMES = {"http": 80, "https": 443}


@dataclass(frozen=True)
class WebhookTarget:
    """Where a webhook URL points: its parts, as the checks and the sender need them."""

    url: str
    scheme: str
    host: str
    port: int


def new_secret() -> str:
    """A Standard Webhooks signing secret: "whsec_" + base64 of 24 random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def parse_webhook_url(url: str) -> WebhookTarget:
    """The URL's parts if it is an absolute http(s) URL; InvalidWebhookUrl otherwise."""
    if len(url) > MAX_URL_LENGTH:
        raise InvalidWebhookUrl(f"Webhook URL must be at most {MAX_URL_LENGTH} characters")
    if any(char.isspace() or ord(char) < 32 for char in url):
        raise InvalidWebhookUrl("Webhook URL must not contain whitespace or control characters")
    try:
        parts: SplitResult = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise InvalidWebhookUrl(f"Webhook URL is not valid: {exc}") from exc
    scheme = parts.scheme.lower()
    if scheme not in _SCHEMES:
        raise InvalidWebhookUrl("Webhook URL must use http or https")
    if not parts.hostname:
        raise InvalidWebhookUrl("Webhook URL must name a host")
    if parts.username is not None or parts.password is not None:
        raise InvalidWebhookUrl("Webhook URL must not contain credentials")
    return WebhookTarget(url, scheme, parts.hostname, port or _SCHEMES[scheme])


async def resolve(host: str, port: int) -> list[IPAddress]:
    """The addresses `host` stands for (itself, if it is an IP literal)."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise InvalidWebhookUrl(f"Webhook host {host!r} does not resolve") from exc
    # The scope ("%eth0") of a link-local IPv6 address is not part of the address.
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    if not addresses:
        raise InvalidWebhookUrl(f"Webhook host {host!r} does not resolve")
    return list(dict.fromkeys(addresses))


async def destination_addresses(
    target: WebhookTarget, *, allow_private: bool, resolver: Resolver | None = None
) -> list[IPAddress]:
    """The addresses of the target's host, in the resolver's order of preference.

    Unless `allow_private`, every one must be a public destination: a name with one
    private address among public ones is refused too (InvalidWebhookUrl).
    """
    addresses = await (resolver or resolve)(target.host, target.port)
    if not addresses:
        raise InvalidWebhookUrl(f"Webhook host {target.host!r} does not resolve")
    if not allow_private:
        for address in addresses:
            if not is_public_destination(address):
                raise InvalidWebhookUrl(
                    f"Webhook host {target.host!r} resolves to a non-public address "
                    f"({_described(address)})"
                )
    return addresses


def _described(address: IPAddress) -> str:
    embedded = embedded_ipv4(address) if isinstance(address, ipaddress.IPv6Address) else ()
    if not embedded:
        return str(address)
    return f"{address}, which reaches {' and '.join(map(str, embedded))}"


async def check_webhook_url(
    url: str, *, allow_private: bool, resolver: Resolver | None = None
) -> WebhookTarget:
    target = parse_webhook_url(url)
    if not allow_private:
        await destination_addresses(target, allow_private=False, resolver=resolver)
    return target


async def add_webhook_endpoint(
    runtime: Runtime, app_id: str, url: str, *, resolver: Resolver | None = None
) -> WebhookEndpoint:
    """The new endpoint; its `secret` is what the app verifies signatures with, shown
    this once: the row stores it sealed (WEBHOOK_SECRET_KEYS)."""
    allow_private = runtime.settings.allow_private_webhook_urls
    await check_webhook_url(url, allow_private=allow_private, resolver=resolver)
    secret = new_secret()
    stored = WebhookEndpoint(
        id=f"whep_{uuid.uuid4().hex}",
        app_id=app_id,
        url=url,
        secret=runtime.webhook_secrets.seal(secret),
        created_at=runtime.clock(),
    )
    async with runtime.sessions() as session:
        if await reads.app_row(session, app_id) is None:
            raise AppNotFound(app_id)
        session.add(stored)
        await session.commit()
    # A copy bound to no session, so the plaintext can never be flushed to the row.
    return WebhookEndpoint(
        id=stored.id,
        app_id=stored.app_id,
        url=stored.url,
        secret=secret,
        enabled=stored.enabled,
        disabled_reason=stored.disabled_reason,
        created_at=stored.created_at,
    )


async def seal_webhook_secrets(runtime: Runtime) -> int:
    """Seals every endpoint's secret under the first key of WEBHOOK_SECRET_KEYS (plaintext
    rows from before encryption, and rows sealed under an older key); returns how many
    rows it rewrote. Run after putting a new key first, before dropping the old one."""
    box = runtime.webhook_secrets
    async with runtime.sessions() as session:
        stored = await endpoints_db.all_webhook_secrets(session)
        sealed = {endpoint_id: box.reseal(secret) for endpoint_id, secret in stored.items()}
        await endpoints_db.set_webhook_secrets(session, sealed)
        await session.commit()
    return len(sealed)


async def list_webhook_endpoints(runtime: Runtime, app_id: str) -> list[WebhookEndpoint]:
    """The app's endpoints, oldest first; AppNotFound rather than an empty list for an
    app that does not exist (a mistyped id must not look like an app without webhooks)."""
    async with runtime.sessions() as session:
        if await reads.app_row(session, app_id) is None:
            raise AppNotFound(app_id)
        return await endpoints_db.webhook_endpoints(session, app_id)


async def disable_webhook_endpoint(
    runtime: Runtime, app_id: str, endpoint_id: str, reason: str = "disabled by operator"
) -> WebhookEndpoint:
    """Stops deliveries to the endpoint; messages already queued for it end dead.

    Disabling a disabled endpoint changes nothing. Another app's endpoint is not found.
    """
    async with runtime.sessions() as session:
        await endpoints_db.disable_webhook_endpoint(session, app_id, endpoint_id, reason)
        endpoint = await endpoints_db.webhook_endpoint(session, app_id, endpoint_id)
        if endpoint is None:
            raise WebhookEndpointNotFound()
        await session.commit()
    return endpoint
