"""The v0 create- and update-webhook request bodies (API reference: name, url, isActive,
encrypted; and `events`, the types the webhook gets). See gateway.rest.v0_fields for how
a table is read. `signing_secret` is not taken: the gateway issues every secret (and
shows it in the 201), so that each is one Standard Webhooks can verify with."""

from __future__ import annotations

from typing import Any

from gateway.domain import webhooks as rules
from gateway.domain.errors import InvalidInput
from gateway.domain.problems import Problem
from gateway.domain.webhooks import CreateWebhookCommand, UpdateWebhookCommand
from gateway.rest.v0_fields import Kind, V0Field, body_object, parse_fields

WEBHOOK_FIELDS = (
    V0Field("name", "name", Kind.TEXT, required=True, rule=rules.NAME),
    V0Field("url", "url", Kind.TEXT, required=True, rule=rules.URL),
    V0Field("isActive", "is_active", Kind.BOOLEAN),
    V0Field("encrypted", "encrypted", Kind.BOOLEAN),
    V0Field("events", "events", Kind.TEXTS, rule=rules.EVENTS),
)


def _parsed(payload: object, *, partial: bool) -> dict[str, Any]:
    problems: list[Problem] = []
    values = parse_fields(body_object(payload), WEBHOOK_FIELDS, problems, partial=partial)
    if problems:
        raise InvalidInput(problems)
    return values


def parse_create_webhook(payload: object) -> CreateWebhookCommand:
    values = _parsed(payload, partial=False)
    return CreateWebhookCommand(
        url=values["url"],
        name=values["name"],
        is_active=True if values["is_active"] is None else values["is_active"],
        encrypted=bool(values["encrypted"]),
        events=values["events"] or (rules.EVERY_EVENT,),
    )


def parse_update_webhook(payload: object) -> UpdateWebhookCommand:
    """Only the fields given; null is "not given"."""
    values = _parsed(payload, partial=True)
    return UpdateWebhookCommand(
        **{name: value for name, value in values.items() if value is not None}
    )
