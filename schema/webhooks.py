"""The caller's webhook endpoints: add (its secret shown once), list, disable; through
gateway.services.webhook_endpoints, which refuses URLs that reach private addresses
unless settings.allow_private_webhook_urls. And their management, as /api/v0/webhooks
does it (gateway.services.webhooks): create, update, enable, delete, rotate the secret,
send a test event, replay a message or the events after a cursor."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from gateway.domain.errors import GatewayError, InvalidInput, WebhookNotFound
from gateway.domain.problems import Problem
from gateway.domain.webhooks import EVERY_EVENT, CreateWebhookCommand, UpdateWebhookCommand
from gateway.services.webhook_endpoints import (
    add_webhook_endpoint,
    disable_webhook_endpoint,
    list_webhook_endpoints,
)
from gateway.services.webhooks import (
    QueuedMessage,
    WebhookView,
    create_webhook,
    delete_webhook,
    get_webhook,
    replay_events,
    replay_message,
    rotate_webhook_secret,
    send_test_event,
    set_webhook_enabled,
    update_webhook,
)
from schema.context import Context
from schema.events import event_cursor
from schema.types import WebhookEndpoint
from schema.user_errors import INPUT, USER_ERRORS, UserError, user_errors

Info = strawberry.Info[Context, None]

DISABLED_REASON = "disabled by the app"
_ID = ("id",)
_EVENTS = (
    'Event types ("invoice.paid"), every type of a resource ("invoice.*") or "*"; '
    "webhook.test always reaches the endpoint it is sent to."
)


@strawberry.type
class AddWebhookEndpointPayload:
    endpoint: WebhookEndpoint | None
    secret: str | None = strawberry.field(
        default=None,
        description=(
            "The signing secret (whsec_...) to verify deliveries with. Shown here only: "
            "keep it, it cannot be read again."
        ),
    )
    user_errors: list[UserError]


@strawberry.type
class DisableWebhookEndpointPayload:
    endpoint: WebhookEndpoint | None
    user_errors: list[UserError]


async def resolve_add_webhook_endpoint(info: Info, url: str) -> AddWebhookEndpointPayload:
    context = info.context
    try:
        row = await add_webhook_endpoint(context.runtime, context.caller.app_id, url)
    except USER_ERRORS as exc:
        return AddWebhookEndpointPayload(endpoint=None, user_errors=user_errors(exc, prefix=()))
    return AddWebhookEndpointPayload(
        endpoint=WebhookEndpoint.from_row(row), secret=row.secret, user_errors=[]
    )


async def resolve_disable_webhook_endpoint(
    info: Info, id: strawberry.ID
) -> DisableWebhookEndpointPayload:
    context = info.context
    try:
        row = await disable_webhook_endpoint(
            context.runtime, context.caller.app_id, id, DISABLED_REASON
        )
    except USER_ERRORS as exc:
        errors = user_errors(exc, not_found=("id",))
        return DisableWebhookEndpointPayload(endpoint=None, user_errors=errors)
    return DisableWebhookEndpointPayload(endpoint=WebhookEndpoint.from_row(row), user_errors=[])


async def resolve_webhook_endpoints(info: Info) -> list[WebhookEndpoint]:
    context = info.context
    rows = await list_webhook_endpoints(context.runtime, context.caller.app_id)
    return [WebhookEndpoint.from_row(row) for row in rows]


@strawberry.input(description="A new webhook endpoint.")
class CreateWebhookEndpointInput:
    url: str = strawberry.field(description="An absolute http(s) URL on a public address.")
    name: str = strawberry.field(description="3 to 100 characters.")
    enabled: bool = True
    encrypted: bool = False
    events: list[str] = strawberry.field(default_factory=lambda: [EVERY_EVENT], description=_EVENTS)

    def to_command(self) -> CreateWebhookCommand:
        return CreateWebhookCommand(
            url=self.url,
            name=self.name,
            is_active=self.enabled,
            encrypted=self.encrypted,
            events=tuple(self.events),
        )


@strawberry.input(description="Changes to an endpoint: a field left out or null stays.")
class UpdateWebhookEndpointInput:
    url: str | None = None
    name: str | None = None
    enabled: bool | None = None
    encrypted: bool | None = None
    events: list[str] | None = strawberry.field(default=None, description=_EVENTS)

    def to_command(self) -> UpdateWebhookCommand:
        given: dict[str, Any] = {
            "url": self.url,
            "name": self.name,
            "is_active": self.enabled,
            "encrypted": self.encrypted,
            "events": None if self.events is None else tuple(self.events),
        }
        return UpdateWebhookCommand(
            **{name: value for name, value in given.items() if value is not None}
        )


@strawberry.type
class WebhookEndpointPayload:
    endpoint: WebhookEndpoint | None
    user_errors: list[UserError]


@strawberry.type
class WebhookSecretPayload:
    endpoint: WebhookEndpoint | None
    secret: str | None = strawberry.field(
        default=None, description="The new signing secret (whsec_...), shown here only."
    )
    user_errors: list[UserError]


@strawberry.type(description="A message queued for one endpoint; the worker delivers it.")
class QueuedWebhookMessage:
    message_id: str
    webhook_id: str = strawberry.field(description="The webhook-id header it will carry.")
    event_type: str
    cursor: str | None = strawberry.field(
        description="The event's sequence in the app's log (null: not a logged event)."
    )

    @classmethod
    def of(cls, queued: QueuedMessage) -> QueuedWebhookMessage:
        cursor = None if queued.sequence is None else event_cursor(queued.sequence)
        return cls(
            message_id=queued.message_id,
            webhook_id=queued.webhook_id,
            event_type=queued.event_type,
            cursor=cursor,
        )


@strawberry.type
class WebhookMessagesPayload:
    messages: list[QueuedWebhookMessage]
    has_more: bool = strawberry.field(
        description="More events follow: replay again after endCursor."
    )
    end_cursor: str | None = strawberry.field(
        description="The last event looked at (replay again after it for the rest)."
    )
    user_errors: list[UserError]


def _endpoint_payload(view: WebhookView) -> WebhookEndpointPayload:
    return WebhookEndpointPayload(endpoint=WebhookEndpoint.from_row(view.endpoint), user_errors=[])


def _failed_endpoint(exc: GatewayError, prefix: tuple[str, ...] = INPUT) -> WebhookEndpointPayload:
    return WebhookEndpointPayload(
        endpoint=None, user_errors=user_errors(exc, prefix=prefix, not_found=_ID)
    )


async def resolve_create_webhook_endpoint(
    info: Info,
    endpoint_input: Annotated[CreateWebhookEndpointInput, strawberry.argument(name="input")],
) -> WebhookSecretPayload:
    context = info.context
    try:
        issued = await create_webhook(context.runtime, context.caller, endpoint_input.to_command())
    except USER_ERRORS as exc:
        return WebhookSecretPayload(endpoint=None, user_errors=user_errors(exc))
    endpoint = WebhookEndpoint.from_row(issued.webhook.endpoint)
    return WebhookSecretPayload(endpoint=endpoint, secret=issued.secret, user_errors=[])


async def resolve_update_webhook_endpoint(
    info: Info,
    id: strawberry.ID,
    endpoint_input: Annotated[UpdateWebhookEndpointInput, strawberry.argument(name="input")],
) -> WebhookEndpointPayload:
    context = info.context
    try:
        view = await update_webhook(
            context.runtime, context.caller, id, endpoint_input.to_command()
        )
    except USER_ERRORS as exc:
        return _failed_endpoint(exc)
    return _endpoint_payload(view)


async def resolve_enable_webhook_endpoint(info: Info, id: strawberry.ID) -> WebhookEndpointPayload:
    context = info.context
    try:
        view = await set_webhook_enabled(context.runtime, context.caller, id, True)
    except USER_ERRORS as exc:
        return _failed_endpoint(exc, ())
    return _endpoint_payload(view)


async def resolve_delete_webhook_endpoint(info: Info, id: strawberry.ID) -> WebhookEndpointPayload:
    context = info.context
    try:
        view = await delete_webhook(context.runtime, context.caller, id)
    except USER_ERRORS as exc:
        return _failed_endpoint(exc, ())
    return _endpoint_payload(view)


async def resolve_rotate_webhook_endpoint_secret(
    info: Info, id: strawberry.ID
) -> WebhookSecretPayload:
    context = info.context
    try:
        issued = await rotate_webhook_secret(context.runtime, context.caller, id)
    except USER_ERRORS as exc:
        errors = user_errors(exc, prefix=(), not_found=_ID)
        return WebhookSecretPayload(endpoint=None, user_errors=errors)
    endpoint = WebhookEndpoint.from_row(issued.webhook.endpoint)
    return WebhookSecretPayload(endpoint=endpoint, secret=issued.secret, user_errors=[])


def _messages(queued: list[QueuedMessage], has_more: bool = False) -> WebhookMessagesPayload:
    messages = [QueuedWebhookMessage.of(one) for one in queued]
    last = messages[-1].cursor if messages else None
    return WebhookMessagesPayload(
        messages=messages, has_more=has_more, end_cursor=last, user_errors=[]
    )


def _failed_messages(exc: GatewayError) -> WebhookMessagesPayload:
    errors = user_errors(exc, prefix=(), not_found=_ID)
    return WebhookMessagesPayload(messages=[], has_more=False, end_cursor=None, user_errors=errors)


async def resolve_send_webhook_test_event(info: Info, id: strawberry.ID) -> WebhookMessagesPayload:
    context = info.context
    try:
        queued = await send_test_event(context.runtime, context.caller, id)
    except USER_ERRORS as exc:
        return _failed_messages(exc)
    return _messages([queued])


async def resolve_replay_webhook_message(
    info: Info, id: strawberry.ID, message_id: str
) -> WebhookMessagesPayload:
    context = info.context
    try:
        queued = await replay_message(context.runtime, context.caller, id, message_id)
    except USER_ERRORS as exc:
        return _failed_messages(exc)
    return _messages([queued])


async def resolve_replay_webhook_events(
    info: Info,
    id: strawberry.ID,
    after: Annotated[
        str, strawberry.argument(description="An event cursor (sequence); 0 for the oldest.")
    ],
) -> WebhookMessagesPayload:
    context = info.context
    try:
        if not (after.isascii() and after.isdigit() and len(after) < 19):
            raise InvalidInput([Problem(("after",), "NOT_CURSOR", "must be an event cursor")])
        replayed = await replay_events(context.runtime, context.caller, id, after=int(after))
    except USER_ERRORS as exc:
        return _failed_messages(exc)
    payload = _messages(replayed.queued, replayed.has_more)
    if replayed.last_sequence is not None:
        payload.end_cursor = event_cursor(replayed.last_sequence)
    return payload


async def resolve_webhook_endpoint(info: Info, id: strawberry.ID) -> WebhookEndpoint | None:
    context = info.context
    try:
        view = await get_webhook(context.runtime, context.caller, id)
    except WebhookNotFound:
        return None
    return WebhookEndpoint.from_row(view.endpoint)
