"""Relay-style connections over keyset pages (gateway.db.keyset): edges, cursors,
pageInfo, totalCount.

A cursor is the base64url of a small versioned JSON document naming the connection and
ordering it belongs to (the Keyset's tag) and the row's position in it:
`{"v": 1, "of": "invoices/TOTAL_ASC", "key": ["12.50"], "id": "inv_..."}`. Decimals and
times are written as text, so they come back exactly. `after` takes only a cursor with
the tag of the connection it is given to; anything else is InvalidInput.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import strawberry

from gateway.db.keyset import Ordering, Position
from gateway.domain.errors import InvalidInput
from gateway.domain.text import is_storable

DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 100

NodeT = TypeVar("NodeT")
RowT = TypeVar("RowT")

_VERSION = 1
_NOT_OURS = "after must be a cursor returned by this connection"
_LONGEST_CURSOR = 2000


@strawberry.type(
    description=(
        "hasPreviousPage is true when the page was asked for with `after` (there is no "
        "backward paging); hasNextPage tells whether rows follow this page."
    )
)
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[NodeT]):
    node: NodeT
    cursor: str


@strawberry.type
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]]
    page_info: PageInfo
    count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field
    async def total_count(self) -> int:
        return await self.count()


@dataclass(frozen=True)
class Keyset:
    """A connection in one of its orderings: `scope` names the connection (and whose rows
    it pages, for a nested one)."""

    scope: str
    ordering: Ordering

    @property
    def tag(self) -> str:
        return f"{self.scope}/{self.ordering.name}"


@dataclass(frozen=True)
class Window:
    """The requested page: `first` rows beyond `after`."""

    keyset: Keyset
    first: int
    after: Position | None

    @property
    def limit(self) -> int:
        """Rows to fetch: one more than shown tells that a next page exists."""
        return self.first + 1


def window(first: int, after: str | None, keyset: Keyset) -> Window:
    """InvalidInput for a size outside 1..MAX_PAGE_SIZE or a cursor not of `keyset`."""
    if first < 1:
        raise InvalidInput(["first must not be less than 1"])
    if first > MAX_PAGE_SIZE:
        raise InvalidInput([f"first must not be greater than {MAX_PAGE_SIZE}"])
    return Window(keyset, first, None if after is None else _decode(after, keyset))


@dataclass(frozen=True)
class Fetched(Generic[RowT]):
    """A page fetched with one extra row, which only tells that a next page exists."""

    shown: Sequence[RowT]
    has_next_page: bool

    @classmethod
    def of(cls, rows: Sequence[RowT], page: Window) -> Fetched[RowT]:
        return cls(shown=rows[: page.first], has_next_page=len(rows) > page.first)


def connection(
    fetched: Fetched[Any],
    nodes: Sequence[NodeT],
    page: Window,
    count: Callable[[], Awaitable[int]],
) -> Connection[NodeT]:
    """`nodes` are built from `fetched.shown`, in its order."""
    ordering = page.keyset.ordering
    edges = [
        Edge(node=node, cursor=_encode(page.keyset, ordering.position(row)))
        for row, node in zip(fetched.shown, nodes, strict=True)
    ]
    return connection_of(edges, fetched.has_next_page, page.after is not None, count)


def connection_of(
    edges: list[Edge[NodeT]],
    has_next_page: bool,
    has_previous_page: bool,
    count: Callable[[], Awaitable[int]],
) -> Connection[NodeT]:
    """A connection of edges whose cursors are already made (a keyset page's, or the
    event log's sequences)."""
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=has_next_page,
            has_previous_page=has_previous_page,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        count=count,
    )


def _encode(keyset: Keyset, position: Position) -> str:
    document = {
        "v": _VERSION,
        "of": keyset.tag,
        "key": [keyset.ordering.dump(position.value)],
        "id": position.id,
    }
    text = json.dumps(document, separators=(",", ":"), ensure_ascii=True)
    return base64.urlsafe_b64encode(text.encode("ascii")).decode("ascii")


def _decode(cursor: str, keyset: Keyset) -> Position:
    try:
        if len(cursor) > _LONGEST_CURSOR:
            raise ValueError("too long")
        document = json.loads(base64.b64decode(cursor, altchars=b"-_", validate=True))
        if not isinstance(document, dict) or set(document) != {"v", "of", "key", "id"}:
            raise ValueError("not a cursor")
        key, row_id = document["key"], document["id"]
        if (
            type(document["v"]) is not int
            or document["v"] != _VERSION
            or document["of"] != keyset.tag
            or not isinstance(key, list)
            or len(key) != 1
            or not isinstance(key[0], str)
            or not isinstance(row_id, str)
            or not is_storable(key[0])
            or not is_storable(row_id)
        ):
            raise ValueError("not of this connection")
        return Position(keyset.ordering.load(key[0]), row_id)
    except (binascii.Error, UnicodeError, ValueError, RecursionError):
        raise InvalidInput([_NOT_OURS]) from None
