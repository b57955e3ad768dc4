"""Webhook signing secrets at rest: sealed with WEBHOOK_SECRET_KEYS (Fernet), opened by
the worker to sign, readable across a key rotation; plaintext rows from before keep
working. Deliveries go to a receiver that verifies every signature."""

from __future__ import annotations

import dataclasses

import httpx
import pytest
from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import text

from gateway.delivery.errors import DeliveryFailed
from gateway.delivery.webhooks import deliver_webhook
from gateway.runtime import Runtime
from gateway.secret_box import DEVELOPMENT_KEY, PREFIX
from gateway.services.webhook_endpoints import seal_webhook_secrets
from gateway.settings import Settings, SettingsError
from tests.apptest import DEMO_HEADERS, basic_invoice
from tests.delivery.harness import Receiver, add_endpoint, outbox, settled, work_until

Gateway = tuple[httpx.AsyncClient, Runtime]
KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()


def with_keys(runtime: Runtime, *keys: str) -> Runtime:
    settings = dataclasses.replace(runtime.settings, webhook_secret_keys=keys)
    return dataclasses.replace(runtime, settings=settings)


async def stored_secret(runtime: Runtime, endpoint_id: str) -> str:
    async with runtime.engine.connect() as conn:
        result = await conn.execute(
            text("SELECT secret FROM webhook_endpoint WHERE id = :id"), {"id": endpoint_id}
        )
        return str(result.scalar_one())


async def create_draft(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v0/invoices", json=basic_invoice(status="DRAFT"), headers=DEMO_HEADERS
    )
    assert response.status_code == 201, response.text


def opened_with(key: str, stored: str) -> str:
    return Fernet(key.encode()).decrypt(stored.removeprefix(PREFIX).encode()).decode()


async def test_the_row_holds_the_secret_sealed_and_deliveries_verify(
    gateway: Gateway, receiver: Receiver
) -> None:
    client, runtime = gateway
    keyed = with_keys(runtime, KEY_A)
    endpoint = await add_endpoint(keyed, receiver, "a")  # the receiver verifies with this
    assert endpoint.secret.startswith("whsec_")

    stored = await stored_secret(runtime, endpoint.id)
    assert stored.startswith(PREFIX) and endpoint.secret not in stored
    assert opened_with(KEY_A, stored) == endpoint.secret

    await create_draft(client)
    await work_until(keyed, lambda: settled(keyed))
    assert receiver.bad_signatures == []
    assert [d.event for d in receiver.accepted] == ["invoice.created"]


async def test_rotation_old_rows_readable_new_rows_under_the_new_key(
    gateway: Gateway, receiver: Receiver
) -> None:
    client, runtime = gateway
    old = await add_endpoint(with_keys(runtime, KEY_A), receiver, "old")
    rotated = with_keys(runtime, KEY_B, KEY_A)
    new = await add_endpoint(rotated, receiver, "new")

    stored_new = await stored_secret(runtime, new.id)
    assert opened_with(KEY_B, stored_new) == new.secret
    with pytest.raises(InvalidToken):
        opened_with(KEY_A, stored_new)

    await create_draft(client)
    await work_until(rotated, lambda: settled(rotated))
    assert receiver.bad_signatures == []
    assert sorted(d.path for d in receiver.accepted) == ["new", "old"]

    # Sealing again moves the old row under B: A can then be dropped.

    assert await seal_webhook_secrets(rotated) == 2
    assert opened_with(KEY_B, await stored_secret(runtime, old.id)) == old.secret
    only_b = with_keys(runtime, KEY_B)
    await create_draft(client)
    await work_until(only_b, lambda: settled(only_b))
    assert receiver.bad_signatures == []
    assert sorted(d.path for d in receiver.accepted) == ["new", "new", "old", "old"]


async def test_a_plaintext_row_from_before_keeps_working_and_can_be_sealed(
    gateway: Gateway, receiver: Receiver
) -> None:
    client, runtime = gateway
    endpoint = await add_endpoint(runtime, receiver, "legacy")
    async with runtime.engine.begin() as conn:
        await conn.execute(
            text("UPDATE webhook_endpoint SET secret = :secret WHERE id = :id"),
            {"secret": endpoint.secret, "id": endpoint.id},
        )
    await create_draft(client)
    await work_until(runtime, lambda: settled(runtime))
    assert receiver.bad_signatures == [] and len(receiver.accepted) == 1

    await seal_webhook_secrets(with_keys(runtime, KEY_A))
    assert opened_with(KEY_A, await stored_secret(runtime, endpoint.id)) == endpoint.secret


async def test_without_keys_the_development_key_seals_and_stays_readable_after(
    gateway: Gateway, receiver: Receiver
) -> None:
    client, runtime = gateway
    assert runtime.settings.webhook_secret_keys == ()
    endpoint = await add_endpoint(runtime, receiver, "dev")
    assert opened_with(DEVELOPMENT_KEY, await stored_secret(runtime, endpoint.id)) == (
        endpoint.secret
    )
    keyed = with_keys(runtime, KEY_A)  # a key configured later
    await create_draft(client)
    await work_until(keyed, lambda: settled(keyed))
    assert receiver.bad_signatures == [] and len(receiver.accepted) == 1


async def test_a_secret_no_key_opens_is_retried_and_nothing_is_sent(
    gateway: Gateway, receiver: Receiver
) -> None:
    client, runtime = gateway
    await add_endpoint(with_keys(runtime, KEY_A), receiver, "a")
    await create_draft(client)
    [message] = await outbox(runtime, channel="webhook")
    async with httpx.AsyncClient(trust_env=False) as http:
        with pytest.raises(DeliveryFailed) as failed:
            await deliver_webhook(with_keys(runtime, KEY_B), message, http)
    assert failed.value.retryable
    assert "WEBHOOK_SECRET_KEYS" in failed.value.reason
    assert receiver.requests == []


def test_keys_setting() -> None:
    env = {"WEBHOOK_SECRET_KEYS": f" {KEY_B} , {KEY_A},"}
    assert Settings.from_env(env).webhook_secret_keys == (KEY_B, KEY_A)
    assert Settings.from_env({}).webhook_secret_keys == ()
    with pytest.raises(SettingsError) as refused:
        Settings.from_env({"WEBHOOK_SECRET_KEYS": f"{KEY_A},not-a-key-but-private"})
    assert "key 2" in str(refused.value) and "not-a-key" not in str(refused.value)
