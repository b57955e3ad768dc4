"""Webhooks from the REST API to a real receiver that verifies every signature."""

from __future__ import annotations

import dataclasses
import ipaddress

import httpx
import pytest
from standardwebhooks import Webhook

from gateway.db.tables import OutboxMessage
from gateway.delivery.errors import DeliveryFailed
from gateway.delivery.webhooks import deliver_webhook
from gateway.runtime import Runtime
from gateway.services import webhook_endpoints
from gateway.services.webhook_endpoints import list_webhook_endpoints
from gateway.settings import Settings
from tests.apptest import DEMO_HEADERS, basic_invoice, seeded_gateway
from tests.delivery.harness import (
    Receiver,
    add_endpoint,
    attempts_of,
    outbox,
    settled,
    work_until,
)

Gateway = tuple[httpx.AsyncClient, Runtime]


async def create_invoice(client: httpx.AsyncClient, **overrides: object) -> dict[str, object]:
    response = await client.post(
        "/api/v0/invoices", json=basic_invoice(**overrides), headers=DEMO_HEADERS
    )
    assert response.status_code == 201, response.text
    body: dict[str, object] = response.json()
    return body


async def test_created_and_sent_arrive_signed_with_the_v0_invoice(
    gateway: Gateway, receiver: Receiver
) -> None:
    client, runtime = gateway
    await add_endpoint(runtime, receiver, "a")
    await add_endpoint(runtime, receiver, "b")

    invoice = await create_invoice(client, status="OPEN")
    await work_until(runtime, lambda: settled(runtime))

    assert receiver.bad_signatures == []
    for name in ("a", "b"):
        got = [d for d in receiver.accepted if d.path == name]
        # Delivered side by side: in no particular order (receivers order by timestamp).
        assert sorted(d.event for d in got) == ["invoice.created", "invoice.sent"]
        assert all(d.body["data"] == invoice for d in got)
        assert len({d.webhook_id for d in got}) == 2
    messages = await outbox(runtime, channel="webhook")
    assert {m.id for m in messages} == {d.webhook_id for d in receiver.accepted}
    assert all(m.status == "delivered" and m.attempts == 1 for m in messages)
    # The email of an OPEN EMAIL invoice went through the same worker (SMTP unset: logged).
    emails = await outbox(runtime, channel="email")
    assert [(m.event_type, m.status) for m in emails] == [("invoice", "delivered")]


async def test_a_draft_emits_only_created(gateway: Gateway, receiver: Receiver) -> None:
    client, runtime = gateway
    await add_endpoint(runtime, receiver, "a")
    invoice = await create_invoice(client, status="DRAFT")
    await work_until(runtime, lambda: settled(runtime))
    assert [(d.event, d.invoice_id) for d in receiver.accepted] == [
        ("invoice.created", invoice["id"])
    ]


async def test_failures_are_retried_with_the_same_webhook_id(
    gateway: Gateway, receiver: Receiver
) -> None:
    client, runtime = gateway
    await add_endpoint(runtime, receiver, "flaky")
    receiver.answer("flaky", 500, 500)

    await create_invoice(client, status="DRAFT")
    await work_until(runtime, lambda: settled(runtime))

    [message] = await outbox(runtime, channel="webhook")
    assert [d.webhook_id for d in receiver.requests] == [message.id] * 3
    assert len(receiver.accepted) == 1
    assert message.status == "delivered"
    assert message.attempts == 3
    assert message.delivered_at is not None
    assert message.locked_until is None
    log = await attempts_of(runtime, message.id)
    assert [(a.attempt, a.status_code, a.error) for a in log] == [
        (1, 500, None),
        (2, 500, None),
        (3, 200, None),
    ]
    assert all(a.duration_ms >= 0 for a in log)


async def test_gone_disables_the_endpoint(gateway: Gateway, receiver: Receiver) -> None:
    client, runtime = gateway
    await add_endpoint(runtime, receiver, "gone")
    receiver.answer("gone", 410)

    await create_invoice(client, status="DRAFT")
    await work_until(runtime, lambda: settled(runtime))

    [message] = await outbox(runtime, channel="webhook")
    assert message.status == "dead"
    assert message.attempts == 1
    assert "410" in (message.last_error or "")
    [endpoint] = await list_webhook_endpoints(runtime, message.app_id)
    assert (endpoint.enabled, endpoint.disabled_reason) == (False, "410 Gone")
    assert [a.status_code for a in await attempts_of(runtime, message.id)] == [410]

    # A disabled endpoint gets no further events.
    await create_invoice(client, status="DRAFT")
    assert len(await outbox(runtime, channel="webhook")) == 1


async def test_timeouts_are_retried(settings: Settings, receiver: Receiver) -> None:
    async with seeded_gateway(dataclasses.replace(settings, webhook_timeout_seconds=0.3)) as (
        client,
        runtime,
    ):
        await add_endpoint(runtime, receiver, "slow")
        receiver.hang("slow")

        await create_invoice(client, status="DRAFT")
        await work_until(runtime, lambda: settled(runtime))

        [message] = await outbox(runtime, channel="webhook")
        first, second = await attempts_of(runtime, message.id)
    assert (message.status, message.attempts) == ("delivered", 2)
    assert [d.webhook_id for d in receiver.requests] == [message.id] * 2
    assert first.status_code is None
    assert first.error is not None and first.error.startswith("timeout")
    assert first.duration_ms < 1000
    assert second.status_code == 200


async def test_gives_up_after_the_last_attempt(settings: Settings, receiver: Receiver) -> None:
    async with seeded_gateway(dataclasses.replace(settings, outbox_max_attempts=3)) as gateway:
        client, runtime = gateway
        await add_endpoint(runtime, receiver, "down")
        receiver.answer("down", 503, 503, 503, 503)
        await create_invoice(client, status="DRAFT")
        await work_until(runtime, lambda: settled(runtime))
        [message] = await outbox(runtime, channel="webhook")
    assert (message.status, message.attempts) == ("dead", 3)
    assert message.last_error == "endpoint answered HTTP 503"
    assert len(receiver.requests) == 3


async def test_a_disabled_endpoint_is_not_called(gateway: Gateway, receiver: Receiver) -> None:
    client, runtime = gateway
    endpoint = await add_endpoint(runtime, receiver, "off")
    await create_invoice(client, status="DRAFT")
    await webhook_endpoints.disable_webhook_endpoint(runtime, endpoint.app_id, endpoint.id)
    [message] = await outbox(runtime, channel="webhook")

    async with httpx.AsyncClient() as http:
        with pytest.raises(DeliveryFailed) as failed:
            await deliver_webhook(runtime, message, http)
    assert (failed.value.reason, failed.value.retryable) == ("endpoint disabled", False)

    await work_until(runtime, lambda: settled(runtime))
    [message] = await outbox(runtime, channel="webhook")
    assert (message.status, message.last_error) == ("dead", "endpoint disabled")
    assert receiver.requests == []


async def test_send_time_check_refuses_a_host_now_private(
    gateway: Gateway, receiver: Receiver
) -> None:
    # Added while private URLs were allowed, sent by a worker that refuses them: what
    # a name that resolved publicly when added and privately now (rebinding) looks like.
    client, runtime = gateway
    await add_endpoint(runtime, receiver, "inside")
    await create_invoice(client, status="DRAFT")
    strict = dataclasses.replace(
        runtime, settings=dataclasses.replace(runtime.settings, allow_private_webhook_urls=False)
    )
    [message] = await outbox(runtime, channel="webhook")

    async with httpx.AsyncClient() as http:
        with pytest.raises(DeliveryFailed) as failed:
            await deliver_webhook(strict, message, http)

    assert failed.value.retryable
    assert "non-public address (127.0.0.1)" in failed.value.reason
    assert receiver.requests == []
    [attempt] = await attempts_of(runtime, message.id)
    assert attempt.status_code is None
    assert attempt.error is not None and attempt.error.startswith("refused")


async def test_a_public_host_is_called_at_the_address_that_was_checked(
    gateway: Gateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, runtime = gateway
    strict = dataclasses.replace(
        runtime, settings=dataclasses.replace(runtime.settings, allow_private_webhook_urls=False)
    )
    resolved: list[webhook_endpoints.IPAddress] = [ipaddress.ip_address("93.184.216.34")]

    async def fake_resolve(host: str, port: int) -> list[webhook_endpoints.IPAddress]:
        assert (host, port) == ("hooks.example.com", 8443)
        return resolved

    monkeypatch.setattr(webhook_endpoints, "resolve", fake_resolve)
    endpoint = await webhook_endpoints.add_webhook_endpoint(
        strict, "app_123456789", "https://hooks.example.com:8443/in?x=1"
    )
    await create_invoice(client, status="DRAFT")
    [message] = await outbox(runtime, channel="webhook")
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(204)

    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as http:
        await deliver_webhook(strict, message, http)

    [request] = seen
    assert str(request.url) == "https://93.184.216.34:8443/in?x=1"
    assert request.headers["host"] == "hooks.example.com:8443"
    assert request.extensions["sni_hostname"] == "hooks.example.com"
    assert request.headers["connection"] == "close"
    assert request.content == message.payload.encode()
    verified = Webhook(endpoint.secret).verify(request.content, dict(request.headers))
    assert verified["data"]["id"] == message.invoice_id

    # Had the name switched to a private address by now, nothing would have been sent.
    resolved[:] = [ipaddress.ip_address("10.0.0.7")]
    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as http:
        with pytest.raises(DeliveryFailed):
            await deliver_webhook(strict, _next_attempt(message), http)
    assert len(seen) == 1


def _next_attempt(message: OutboxMessage) -> OutboxMessage:
    return OutboxMessage.model_validate({**message.model_dump(), "attempts": message.attempts + 1})


async def test_a_missing_endpoint_gives_up(gateway: Gateway) -> None:
    _client, runtime = gateway
    message = OutboxMessage.model_validate(
        {
            "id": "msg_x",
            "app_id": "app_123456789",
            "invoice_id": "inv_x",
            "channel": "webhook",
            "event_type": "invoice.created",
            "endpoint_id": "whep_missing",
            "payload": "{}",
            "next_attempt_at": runtime.clock(),
            "created_at": runtime.clock(),
        }
    )
    async with httpx.AsyncClient() as http:
        with pytest.raises(DeliveryFailed) as failed:
            await deliver_webhook(runtime, message, http)
    assert not failed.value.retryable
