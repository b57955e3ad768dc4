"""An app's webhook endpoints: add (URL checked, secret issued), list, disable.

Webhooks are sent from inside our network, so a URL that reaches a private,
loopback or link-local address would let an app probe it (SSRF). Such URLs are
refused when added, and the worker checks the resolved address again before
each send (see `public_address`), because a name can resolve elsewhere later.
"""

from __future__ import annotations

import asyncio
import base64
import ipaddress
import secrets
import socket
import uuid
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

from gateway.db import reads
from gateway.db import webhook_endpoints as endpoints_db
from gateway.db.tables import WebhookEndpoint
from gateway.domain.errors import AppNotFound, InvalidWebhookUrl, WebhookEndpointNotFound
from gateway.runtime import Runtime

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

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


def is_public_address(address: IPAddress) -> bool:
    # An IPv4-mapped IPv6 address (::ffff:127.0.0.1) reaches the IPv4 address.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


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


async def public_address(target: WebhookTarget) -> IPAddress:
    """One address of the target's host, after checking that every address it resolves
    to is public: a name with one private address among public ones is refused too."""
    addresses = await resolve(target.host, target.port)
    for address in addresses:
        if not is_public_address(address):
            raise InvalidWebhookUrl(
                f"Webhook host {target.host!r} resolves to a non-public address ({address})"
            )
    return addresses[0]


async def check_webhook_url(url: str, *, allow_private: bool) -> WebhookTarget:
    target = parse_webhook_url(url)
    if not allow_private:
        await public_address(target)
    return target


async def add_webhook_endpoint(runtime: Runtime, app_id: str, url: str) -> WebhookEndpoint:
    """The new endpoint; its `secret` is what the app verifies signatures with."""
    await check_webhook_url(url, allow_private=runtime.settings.allow_private_webhook_urls)
    endpoint = WebhookEndpoint(
        id=f"whep_{uuid.uuid4().hex}",
        app_id=app_id,
        url=url,
        secret=new_secret(),
        created_at=runtime.clock(),
    )
    async with runtime.sessions() as session:
        if await reads.app_row(session, app_id) is None:
            raise AppNotFound(app_id)
        session.add(endpoint)
        await session.commit()
    return endpoint


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
