"""The caller's webhook endpoints: add (its secret shown once), list, disable; through
gateway.services.webhook_endpoints, which refuses URLs that reach private addresses
unless settings.allow_private_webhook_urls."""

from __future__ import annotations

import strawberry

from gateway.services.webhook_endpoints import (
    add_webhook_endpoint,
    disable_webhook_endpoint,
    list_webhook_endpoints,
)
from schema.context import Context
from schema.types import WebhookEndpoint
from schema.user_errors import USER_ERRORS, UserError, user_errors

Info = strawberry.Info[Context, None]

DISABLED_REASON = "disabled by the app"


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
