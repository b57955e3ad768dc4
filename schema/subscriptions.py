"""GraphQL subscriptions, over the graphql-transport-ws protocol on /graphql."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from typing import Final

import strawberry
from graphql import GraphQLError
from starlette.websockets import WebSocketState

from gateway.domain.errors import CursorExpired
from gateway.event_hub import SlowConsumer
from gateway.services.event_stream import EventFilter, follow_events
from schema.context import SocketContext
from schema.events import Event, event_cursor

# RFC 6455 "Try Again Later": clients that reconnect (graphql-ws does) resume with `after`.
SLOW_CONSUMER_CLOSE: Final = 1013


def slow_consumer_reason(capacity: int) -> str:
    return f"Slow consumer: over {capacity} events unread; resubscribe with after = last cursor"


async def close_socket(context: SocketContext, code: int, reason: str) -> None:
    if context.closing or context.websocket.application_state is WebSocketState.DISCONNECTED:
        return
    context.closing = True
    await context.websocket.close(code=code, reason=reason)


def _cursor(after: str | None) -> int | None:
    if after is None:
        return None
    if not after.isdigit() or len(after) > 19:
        raise GraphQLError(
            "after must be a cursor this feed returned", extensions={"code": "BAD_CURSOR"}
        )
    return int(after)


async def invoice_events(
    info: strawberry.Info[SocketContext, None],
    types: list[str] | None = None,
    invoice_id: strawberry.ID | None = None,
    after: str | None = None,
) -> AsyncGenerator[Event, None]:
    context = info.context
    assert context.caller is not None  # the socket was authenticated on connection_init
    runtime = context.runtime
    hub = runtime.events
    reason = slow_consumer_reason(hub.capacity)
    closing: set[asyncio.Task[None]] = set()

    def on_overflow() -> None:
        # The operation may be stuck sending to this client: close from another task.
        task = asyncio.get_running_loop().create_task(
            close_socket(context, SLOW_CONSUMER_CLOSE, reason)
        )
        closing.add(task)
        task.add_done_callback(closing.discard)

    wanted = EventFilter(
        types=frozenset(types) if types is not None else None,
        invoice_id=str(invoice_id) if invoice_id is not None else None,
    )
    events = follow_events(
        hub,
        runtime.sessions,
        context.caller.app_id,
        after=_cursor(after),
        wanted=wanted,
        on_overflow=on_overflow,
    )
    try:
        async for row in events:
            yield Event.from_row(row)
    except CursorExpired as exc:
        extensions = {"code": exc.code, "oldest": event_cursor(exc.oldest)}
        raise GraphQLError(str(exc), extensions=extensions) from exc
    except SlowConsumer:
        await close_socket(context, SLOW_CONSUMER_CLOSE, reason)
        # The socket is closing: the protocol handler cancels this operation.
        await asyncio.Event().wait()
    finally:
        await events.aclose()


@strawberry.type
class Subscription:
    invoice_events: AsyncGenerator[Event, None] = strawberry.subscription(
        resolver=invoice_events,
        description=(
            "The app's events as they happen, the same items as the `events` feed. With "
            "`after` (a cursor), first those after it, then live ones: resubscribing with "
            "the last cursor received misses nothing and repeats nothing. A subscriber "
            "that lets too many events wait is disconnected (close code 1013)."
        ),
    )
