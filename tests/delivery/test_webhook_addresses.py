"""The send-time address check against a real receiver: a name that resolved publicly
when added and to a private address now (DNS rebinding) gets nothing, and a delivery
goes to the address resolved and checked for it, with the name as Host and TLS name.

Names here are never looked up in DNS: each test passes its own resolver, a stand-in
for the DNS server (the guard and the connection are the real ones).
"""

from __future__ import annotations

import dataclasses
import logging
import ssl
from collections.abc import AsyncIterator
from ipaddress import ip_address
from urllib.parse import urlsplit

import httpx
import pytest
import trustme

from gateway.db.tables import OutboxMessage
from gateway.delivery.errors import DeliveryFailed
from gateway.delivery.webhooks import deliver_webhook
from gateway.domain.addresses import IPAddress
from gateway.runtime import Runtime
from gateway.services.demo import DEMO_APP_ID
from gateway.services.webhook_endpoints import add_webhook_endpoint
from tests.apptest import DEMO_HEADERS, basic_invoice
from tests.delivery.harness import Receiver, attempts_of, outbox, running_receiver

Gateway = tuple[httpx.AsyncClient, Runtime]

NAME = "hooks.example.com"
PUBLIC = "93.184.216.34"


@dataclasses.dataclass
class Dns:
    """What each name resolves to now; a test changes it between sends."""

    answers: dict[str, list[str]]

    async def __call__(self, host: str, port: int) -> list[IPAddress]:
        return [ip_address(answer) for answer in self.answers[host]]


def strict(runtime: Runtime) -> Runtime:
    settings = dataclasses.replace(runtime.settings, allow_private_webhook_urls=False)
    return dataclasses.replace(runtime, settings=settings)


async def create_draft(gateway: Gateway) -> dict[str | None, OutboxMessage]:
    """Its invoice.created message to each endpoint, by endpoint id."""
    client, runtime = gateway
    response = await client.post(
        "/api/v0/invoices", json=basic_invoice(status="DRAFT"), headers=DEMO_HEADERS
    )
    assert response.status_code == 201, response.text
    return {m.endpoint_id: m for m in await outbox(runtime, channel="webhook")}


def attempt(message: OutboxMessage, number: int) -> OutboxMessage:
    return OutboxMessage.model_validate({**message.model_dump(), "attempts": number - 1})


REBOUND = {
    "loopback": ["127.0.0.1"],
    "one private among public": [PUBLIC, "10.0.0.7"],
    "IPv4-mapped loopback": ["::ffff:127.0.0.1"],
    "6to4 of loopback": ["2002:7f00:1::1"],
    "NAT64 of loopback": ["64:ff9b::7f00:1"],
    "Teredo with a loopback client": ["2001:0:5db8:d822::80ff:fffe"],
}


async def test_a_name_rebound_to_a_private_address_gets_nothing(
    gateway: Gateway, receiver: Receiver, caplog: pytest.LogCaptureFixture
) -> None:
    _client, runtime = gateway
    port = urlsplit(receiver.base_url).port
    dns = Dns({NAME: [PUBLIC]})
    # Public when added, so the worker that refuses private addresses accepts it ...
    url = f"http://{NAME}:{port}/hooks/a?token=not-for-logs"
    endpoint = await add_webhook_endpoint(strict(runtime), DEMO_APP_ID, url, resolver=dns)
    receiver.expect("a", endpoint.secret)
    message = (await create_draft(gateway))[endpoint.id]

    # ... then the name answers with the receiver's own address (127.0.0.1), or an
    # address that reaches it: each send is refused before any connection.
    caplog.set_level(logging.INFO, logger="gateway.delivery.webhooks")
    async with httpx.AsyncClient(trust_env=False) as http:
        for number, (form, answers) in enumerate(REBOUND.items(), start=1):
            dns.answers[NAME] = answers
            with pytest.raises(DeliveryFailed) as failed:
                await deliver_webhook(strict(runtime), attempt(message, number), http, resolver=dns)
            assert failed.value.retryable, form
            assert "resolves to a non-public address" in failed.value.reason, form
    assert receiver.requests == []
    attempts = await attempts_of(runtime, message.id)
    assert [a.attempt for a in attempts] == list(range(1, len(REBOUND) + 1))
    assert all(a.status_code is None and (a.error or "").startswith("refused") for a in attempts)
    assert "(2002:7f00:1::1, which reaches 127.0.0.1)" in (attempts[3].error or "")
    logged = caplog.text
    assert "refused" in logged
    assert endpoint.secret not in logged and "not-for-logs" not in logged

    # The same message, to the same answer, where private addresses are allowed: it
    # arrives, so the refusals above were the check and not an unreachable receiver.
    dns.answers[NAME] = ["127.0.0.1"]
    async with httpx.AsyncClient(trust_env=False) as http:
        await deliver_webhook(runtime, attempt(message, len(REBOUND) + 1), http, resolver=dns)
    [delivered] = receiver.accepted
    assert (delivered.webhook_id, delivered.host) == (message.id, f"{NAME}:{port}")


async def test_each_resolved_address_is_tried_in_turn(gateway: Gateway, receiver: Receiver) -> None:
    # Nothing listens on 127.0.0.2 (a host without IPv6 sees its AAAA answer fail the
    # same way): the next address answers, and the request still names the host.
    _client, runtime = gateway
    port = urlsplit(receiver.base_url).port
    dns = Dns({NAME: ["127.0.0.2", "127.0.0.1"]})
    endpoint = await add_webhook_endpoint(
        runtime, DEMO_APP_ID, f"http://{NAME}:{port}/hooks/b", resolver=dns
    )
    receiver.expect("b", endpoint.secret)
    message = (await create_draft(gateway))[endpoint.id]

    async with httpx.AsyncClient(trust_env=False) as http:
        await deliver_webhook(runtime, message, http, resolver=dns)

    [delivered] = receiver.accepted
    assert (delivered.webhook_id, delivered.host) == (message.id, f"{NAME}:{port}")
    [logged] = await attempts_of(runtime, message.id)
    assert (logged.status_code, logged.error) == (200, None)


@pytest.fixture
def authority() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
async def tls_receiver(authority: trustme.CA) -> AsyncIterator[Receiver]:
    certificate = authority.issue_cert(NAME)  # for the name only, not for 127.0.0.1
    with certificate.private_key_and_cert_chain_pem.tempfile() as pem:
        async with running_receiver(pem) as receiver:
            yield receiver


async def test_tls_verifies_the_name_while_connecting_to_the_address(
    gateway: Gateway, tls_receiver: Receiver, authority: trustme.CA
) -> None:
    _client, runtime = gateway
    port = urlsplit(tls_receiver.base_url).port
    dns = Dns({NAME: ["127.0.0.1"], "other.example.org": ["127.0.0.1"]})
    named = await add_webhook_endpoint(
        runtime, DEMO_APP_ID, f"https://{NAME}:{port}/hooks/c", resolver=dns
    )
    tls_receiver.expect("c", named.secret)
    other = await add_webhook_endpoint(
        runtime, DEMO_APP_ID, f"https://other.example.org:{port}/hooks/d", resolver=dns
    )
    messages = await create_draft(gateway)
    first, second = messages[named.id], messages[other.id]
    trusting = ssl.create_default_context()
    authority.configure_trust(trusting)

    async with httpx.AsyncClient(trust_env=False, verify=trusting) as http:
        await deliver_webhook(runtime, first, http, resolver=dns)
        # The same server, called by a name its certificate does not hold: refused.
        with pytest.raises(DeliveryFailed) as failed:
            await deliver_webhook(runtime, second, http, resolver=dns)

    [delivered] = tls_receiver.accepted
    assert (delivered.webhook_id, delivered.host) == (first.id, f"{NAME}:{port}")
    assert "CERTIFICATE_VERIFY_FAILED" in failed.value.reason
    assert len(tls_receiver.requests) == 1
