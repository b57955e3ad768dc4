"""Managing webhooks over /api/v0/webhooks, each behaviour checked at a real receiver that
verifies signatures with the standardwebhooks library: event filters, secret rotation
(both signatures during the overlap, only the new one after), the test event, the
delivery log, replay of a message and the automatic disabling of a failing endpoint."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from gateway.runtime import Runtime, utc_now
from gateway.settings import Settings
from tests.apptest import DEMO_HEADERS, basic_invoice, seeded_gateway
from tests.delivery.harness import (
    Delivery,
    Receiver,
    delivery_settings,
    outbox,
    settled,
    work_until,
)

Gateway = tuple[httpx.AsyncClient, Runtime]
WEBHOOKS = "/api/v0/webhooks"


class Clock:
    """Real time, moved on by the test."""

    def __init__(self) -> None:
        self.shift = timedelta()

    def __call__(self) -> datetime:
        return utc_now() + self.shift


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def settings(migrated_database_url: str) -> Settings:
    return delivery_settings(
        migrated_database_url,
        webhook_secret_overlap_seconds=3600.0,
        webhook_disable_after_seconds=600.0,
    )


@pytest.fixture
async def gateway(settings: Settings, clock: Clock) -> AsyncIterator[Gateway]:
    async with seeded_gateway(settings, clock=clock) as pair:
        yield pair


async def create_webhook(
    client: httpx.AsyncClient, receiver: Receiver, name: str, **fields: Any
) -> dict[str, Any]:
    body = {"name": f"hook {name}", "url": receiver.url(name), **fields}
    response = await client.post(WEBHOOKS, json=body, headers=DEMO_HEADERS)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    receiver.expect(name, created["signing_secret"])
    return created


async def create_invoice(client: httpx.AsyncClient, **overrides: object) -> dict[str, Any]:
    response = await client.post(
        "/api/v0/invoices", json=basic_invoice(**overrides), headers=DEMO_HEADERS
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def pay(client: httpx.AsyncClient, invoice: dict[str, Any]) -> None:
    response = await client.post(
        f"/api/v0/invoices/{invoice['id']}/payments",
        json={"amount": invoice["total"], "method": "CRYPTO"},
        headers=DEMO_HEADERS,
    )
    assert response.status_code == 201, response.text


def verifies(secret: str, delivery: Delivery) -> bool:
    try:
        Webhook(secret).verify(delivery.raw_body, dict(delivery.headers))
    except WebhookVerificationError:
        return False
    return True


def signatures(delivery: Delivery) -> list[str]:
    return dict(delivery.headers)["webhook-signature"].split(" ")


async def test_create_read_update_list_delete(gateway: Gateway, receiver: Receiver) -> None:
    client, _runtime = gateway
    created = await create_webhook(client, receiver, "a", events=["invoice.*"])
    assert created["signing_secret"].startswith("whsec_")
    assert created["isActive"] is True and created["encrypted"] is False
    assert created["events"] == ["invoice.*"]
    assert created["delivery_stats"] == {
        "total_events": 0,
        "successful_deliveries": 0,
        "failed_deliveries": 0,
        "last_delivery": None,
    }
    one = f"{WEBHOOKS}/{created['id']}"
    fetched = (await client.get(one, headers=DEMO_HEADERS)).json()
    assert "signing_secret" not in fetched
    assert fetched["name"] == "hook a"

    changed = await client.patch(
        one, json={"name": "renamed", "isActive": False, "events": ["*"]}, headers=DEMO_HEADERS
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["name"] == "renamed"
    assert changed.json()["isActive"] is False
    assert changed.json()["disabled_reason"] == "disabled by the app"
    assert changed.json()["events"] == ["*"]
    enabled = await client.post(f"{one}/enable", headers=DEMO_HEADERS)
    assert enabled.json()["isActive"] is True and enabled.json()["disabled_reason"] is None

    listed = (await client.get(WEBHOOKS, headers=DEMO_HEADERS)).json()
    assert [hook["id"] for hook in listed] == [created["id"]]
    deleted = await client.delete(one, headers=DEMO_HEADERS)
    assert deleted.status_code == 200 and deleted.json()["id"] == created["id"]
    assert (await client.get(WEBHOOKS, headers=DEMO_HEADERS)).json() == []
    missing = await client.get(one, headers=DEMO_HEADERS)
    assert missing.status_code == 404
    assert missing.json() == {
        "statusCode": 404,
        "message": "Webhook not found",
        "error": "Not Found",
    }


BAD_BODIES: list[tuple[dict[str, Any], str]] = [
    ({"url": "https://example.com/h"}, "name should not be empty"),
    ({"name": "ab", "url": "https://example.com/h"}, "name must be longer than or equal to 3"),
    ({"name": "abc", "url": "ftp://example.com"}, "url must be a URL address"),
    (
        {"name": "abc", "url": "https://example.com/h", "events": ["invoice.paidd"]},
        "events.0 must be a known event type",
    ),
    (
        {"name": "abc", "url": "https://example.com/h", "events": ["nothing.*"]},
        "events.0 must be a known event type",
    ),
    ({"name": "abc", "url": "https://example.com/h", "events": []}, "events should not be"),
    ({"name": "abc", "url": "http://127.0.0.1/h"}, "non-public address"),
]


async def test_bad_bodies_are_400s_and_write_nothing(migrated_database_url: str) -> None:
    settings = delivery_settings(migrated_database_url, allow_private_webhook_urls=False)
    async with seeded_gateway(settings) as (client, _runtime):
        for body, message in BAD_BODIES:
            response = await client.post(WEBHOOKS, json=body, headers=DEMO_HEADERS)
            assert response.status_code == 400, response.text
            said = response.json()["message"]
            assert message in (said if isinstance(said, str) else " | ".join(said))
        assert (await client.get(WEBHOOKS, headers=DEMO_HEADERS)).json() == []


async def test_an_endpoint_for_invoice_paid_gets_nothing_else(
    gateway: Gateway, receiver: Receiver
) -> None:
    client, runtime = gateway
    await create_webhook(client, receiver, "paid", events=["invoice.paid"])
    await create_webhook(client, receiver, "invoices", events=["invoice.*"])
    await create_webhook(client, receiver, "all")
    invoice = await create_invoice(client, status="OPEN")
    await pay(client, invoice)
    await client.post("/api/v0/taxes", json={"name": "VAT", "percentage": 20}, headers=DEMO_HEADERS)
    await work_until(runtime, lambda: settled(runtime))

    def got(name: str) -> list[str]:
        return sorted(d.event for d in receiver.accepted if d.path == name)

    assert receiver.bad_signatures == []
    assert got("paid") == ["invoice.paid"]
    assert got("invoices") == ["invoice.created", "invoice.paid", "invoice.sent"]
    assert got("all") == ["invoice.created", "invoice.paid", "invoice.sent", "tax.created"]


async def test_rotation_signs_with_both_secrets_during_the_overlap_then_the_new_one(
    gateway: Gateway, receiver: Receiver, clock: Clock
) -> None:
    client, runtime = gateway
    created = await create_webhook(client, receiver, "r")
    old = created["signing_secret"]
    rotated = await client.post(f"{WEBHOOKS}/{created['id']}/rotate_secret", headers=DEMO_HEADERS)
    assert rotated.status_code == 200, rotated.text
    new = rotated.json()["signing_secret"]
    assert (
        new != old
        and "signing_secret"
        not in (await client.get(f"{WEBHOOKS}/{created['id']}", headers=DEMO_HEADERS)).json()
    )

    await create_invoice(client, status="DRAFT")
    await work_until(runtime, lambda: settled(runtime))
    during = receiver.accepted[-1]
    assert len(signatures(during)) == 2
    assert verifies(old, during) and verifies(new, during)

    clock.shift = timedelta(seconds=3601)
    receiver.expect("r", new)
    await create_invoice(client, status="DRAFT")
    await work_until(runtime, lambda: settled(runtime))
    after = receiver.accepted[-1]
    assert after.webhook_id != during.webhook_id
    assert len(signatures(after)) == 1
    assert verifies(new, after) and not verifies(old, after)
    assert receiver.bad_signatures == []


async def test_the_test_event_goes_to_that_endpoint_only_and_is_logged(
    gateway: Gateway, receiver: Receiver
) -> None:
    client, runtime = gateway
    target = await create_webhook(client, receiver, "t", events=["invoice.paid"])
    await create_webhook(client, receiver, "other")
    receiver.answer("t", 500)
    sent = await client.post(f"{WEBHOOKS}/{target['id']}/test", headers=DEMO_HEADERS)
    assert sent.status_code == 202, sent.text
    assert sent.json()["event_type"] == "webhook.test"
    await work_until(runtime, lambda: settled(runtime))

    assert [(d.path, d.event) for d in receiver.accepted] == [("t", "webhook.test")]
    assert receiver.accepted[0].webhook_id == sent.json()["webhook_id"]
    assert receiver.accepted[0].body["data"]["webhook_id"] == target["id"]

    log = await client.get(f"{WEBHOOKS}/{target['id']}/deliveries", headers=DEMO_HEADERS)
    assert log.status_code == 200, log.text
    entries = log.json()["data"]
    # Newest first: the 200 after the 500.
    assert [(e["attempt"], e["status_code"], e["succeeded"]) for e in entries] == [
        (2, 200, True),
        (1, 500, False),
    ]
    assert all(e["event_type"] == "webhook.test" and e["duration_ms"] >= 0 for e in entries)
    assert all(e["webhook_id"] == sent.json()["webhook_id"] for e in entries)
    assert log.json()["next_cursor"] is None
    first_page = await client.get(
        f"{WEBHOOKS}/{target['id']}/deliveries", params={"take": 1}, headers=DEMO_HEADERS
    )
    cursor = first_page.json()["next_cursor"]
    assert [e["attempt"] for e in first_page.json()["data"]] == [2] and cursor is not None
    second = await client.get(
        f"{WEBHOOKS}/{target['id']}/deliveries",
        params={"take": 1, "after": cursor},
        headers=DEMO_HEADERS,
    )
    assert [e["attempt"] for e in second.json()["data"]] == [1]
    assert second.json()["next_cursor"] is None
    stats = (await client.get(f"{WEBHOOKS}/{target['id']}", headers=DEMO_HEADERS)).json()
    assert stats["delivery_stats"]["total_events"] == 1
    assert stats["delivery_stats"]["successful_deliveries"] == 1


async def test_a_replayed_message_arrives_again_with_its_webhook_id(
    gateway: Gateway, receiver: Receiver
) -> None:
    client, runtime = gateway
    hook = await create_webhook(client, receiver, "p")
    other = await create_webhook(client, receiver, "q")
    invoice = await create_invoice(client, status="DRAFT")
    await work_until(runtime, lambda: settled(runtime))
    first = next(d for d in receiver.accepted if d.path == "p")

    replayed = await client.post(
        f"{WEBHOOKS}/{hook['id']}/replay",
        json={"message_id": first.webhook_id},
        headers=DEMO_HEADERS,
    )
    assert replayed.status_code == 202, replayed.text
    [queued] = replayed.json()["data"]
    assert queued["webhook_id"] == first.webhook_id and queued["message_id"] != first.webhook_id
    await work_until(runtime, lambda: settled(runtime))
    again = [d for d in receiver.accepted if d.path == "p"]
    assert len(again) == 2
    assert again[1].webhook_id == first.webhook_id
    assert again[1].body == first.body and again[1].body["data"]["id"] == invoice["id"]
    assert len([d for d in receiver.accepted if d.path == "q"]) == 1

    # A message of another endpoint is not this one's to replay.
    theirs = next(d for d in receiver.accepted if d.path == "q")
    refused = await client.post(
        f"{WEBHOOKS}/{hook['id']}/replay",
        json={"message_id": theirs.webhook_id},
        headers=DEMO_HEADERS,
    )
    assert refused.status_code == 404, refused.text
    assert other["id"] != hook["id"]


async def test_an_endpoint_failing_for_the_window_is_disabled_and_others_are_told(
    gateway: Gateway, receiver: Receiver, clock: Clock
) -> None:
    client, runtime = gateway
    failing = await create_webhook(client, receiver, "down")
    await create_webhook(client, receiver, "watcher", events=["endpoint.disabled"])
    receiver.answer("down", 500)
    await create_invoice(client, status="DRAFT")
    await work_until(runtime, lambda: settled(runtime))
    # Failed once, then delivered: no run of failures is under way.
    state = (await client.get(f"{WEBHOOKS}/{failing['id']}", headers=DEMO_HEADERS)).json()
    assert state["isActive"] is True

    receiver.answer("down", 503, 503)
    await create_invoice(client, status="DRAFT")

    async def retried_once() -> bool:
        messages = await outbox(runtime, endpoint_id=failing["id"], status="pending")
        return any(m.attempts >= 1 for m in messages)

    await work_until(runtime, retried_once)
    state = (await client.get(f"{WEBHOOKS}/{failing['id']}", headers=DEMO_HEADERS)).json()
    assert state["isActive"] is True  # failing, but not for long enough yet

    clock.shift = timedelta(seconds=601)
    await work_until(runtime, lambda: settled(runtime))
    state = (await client.get(f"{WEBHOOKS}/{failing['id']}", headers=DEMO_HEADERS)).json()
    assert state["isActive"] is False
    assert state["disabled_reason"].startswith("every delivery failed since ")
    told = [d for d in receiver.accepted if d.path == "watcher"]
    assert [d.event for d in told] == ["endpoint.disabled"]
    assert told[0].body["data"]["webhook_id"] == failing["id"]
    assert told[0].body["data"]["reason"] == state["disabled_reason"]
    assert not [d for d in receiver.requests if d.path == "down" and d.event == "endpoint.disabled"]

    # Enabled again, it starts afresh.
    await client.post(f"{WEBHOOKS}/{failing['id']}/enable", headers=DEMO_HEADERS)
    receiver.answer("down")
    sent = await client.post(f"{WEBHOOKS}/{failing['id']}/test", headers=DEMO_HEADERS)
    assert sent.status_code == 202
    await work_until(runtime, lambda: settled(runtime))
    assert receiver.accepted[-1].event == "webhook.test"


async def test_replay_after_a_sequence_sends_the_logged_events_the_filter_lets_through(
    gateway: Gateway, receiver: Receiver
) -> None:
    client, runtime = gateway
    hook = await create_webhook(client, receiver, "s", events=["invoice.created"])
    first = await create_invoice(client, status="DRAFT")
    await client.post("/api/v0/taxes", json={"name": "VAT", "percentage": 20}, headers=DEMO_HEADERS)
    second = await create_invoice(client, status="DRAFT")
    await work_until(runtime, lambda: settled(runtime))
    sent = {d.invoice_id: d.webhook_id for d in receiver.accepted if d.path == "s"}
    assert set(sent) == {first["id"], second["id"]}
    [message] = await outbox(runtime, endpoint_id=hook["id"], invoice_id=first["id"])
    assert message.seq is not None

    # Everything after the sequence before the first invoice's event: both invoices'
    # events (the tax's is not for this endpoint), in order, with their webhook-ids.
    replayed = await client.post(
        f"{WEBHOOKS}/{hook['id']}/replay", json={"after": message.seq - 1}, headers=DEMO_HEADERS
    )
    assert replayed.status_code == 202, replayed.text
    queued = replayed.json()["data"]
    assert [q["event_type"] for q in queued] == ["invoice.created", "invoice.created"]
    assert [q["webhook_id"] for q in queued] == [sent[first["id"]], sent[second["id"]]]
    assert queued[0]["sequence"] == message.seq < queued[1]["sequence"]
    assert replayed.json()["has_more"] is False
    # After the first one: only the second.
    later = await client.post(
        f"{WEBHOOKS}/{hook['id']}/replay", json={"after": message.seq}, headers=DEMO_HEADERS
    )
    assert [q["webhook_id"] for q in later.json()["data"]] == [sent[second["id"]]]

    # An endpoint added since gets the events under their own ids.
    late = await create_webhook(client, receiver, "late", events=["invoice.*"])
    caught_up = await client.post(
        f"{WEBHOOKS}/{late['id']}/replay", json={"after": 0}, headers=DEMO_HEADERS
    )
    assert [q["webhook_id"][:4] for q in caught_up.json()["data"]] == ["evt_", "evt_"]
    await work_until(runtime, lambda: settled(runtime))
    again = [d for d in receiver.accepted if d.path == "s"]
    assert sorted(d.webhook_id for d in again[2:]) == sorted(
        [sent[first["id"]], sent[second["id"]], sent[second["id"]]]
    )
    assert {d.invoice_id for d in receiver.accepted if d.path == "late"} == {
        first["id"],
        second["id"],
    }
    assert receiver.bad_signatures == []

    bad = await client.post(
        f"{WEBHOOKS}/{hook['id']}/replay",
        json={"after": -1},
        headers=DEMO_HEADERS,
    )
    assert bad.status_code == 400
