"""Relay-style connections over offset pages: edges, cursors, pageInfo, totalCount."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import strawberry

from gateway.domain.errors import InvalidInput

DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 100

NodeT = TypeVar("NodeT")
_PREFIX = "offset:"


@strawberry.type
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
class Window:
    offset: int
    limit: int


def window(first: int, after: str | None) -> Window:
    """The requested page; InvalidInput for a size outside 1..MAX_PAGE_SIZE or a bad cursor."""
    if first < 1:
        raise InvalidInput(["first must not be less than 1"])
    if first > MAX_PAGE_SIZE:
        raise InvalidInput([f"first must not be greater than {MAX_PAGE_SIZE}"])
    return Window(offset=0 if after is None else _decode(after) + 1, limit=first)


RowT = TypeVar("RowT")


@dataclass(frozen=True)
class Fetched(Generic[RowT]):
    """A page fetched with one extra row, which only tells that a next page exists."""

    shown: Sequence[RowT]
    has_next_page: bool

    @classmethod
    def of(cls, rows: Sequence[RowT], page: Window) -> Fetched[RowT]:
        return cls(shown=rows[: page.limit], has_next_page=len(rows) > page.limit)


def connection(
    nodes: Sequence[NodeT],
    page: Window,
    count: Callable[[], Awaitable[int]],
    *,
    has_next_page: bool,
) -> Connection[NodeT]:
    """`nodes` are the page's own rows (see Fetched: build nodes for those only)."""
    edges = [
        Edge(node=node, cursor=_encode(page.offset + index)) for index, node in enumerate(nodes)
    ]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=has_next_page,
            has_previous_page=page.offset > 0,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        count=count,
    )


def _encode(position: int) -> str:
    return base64.urlsafe_b64encode(f"{_PREFIX}{position}".encode()).decode()


def _decode(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor.encode("ascii")).decode("ascii")
    except (binascii.Error, UnicodeError, ValueError):
        text = ""
    digits = text.removeprefix(_PREFIX)
    if not text.startswith(_PREFIX) or not digits.isdigit() or len(digits) > 9:
        raise InvalidInput(["after must be a cursor returned by this connection"])
    return int(digits)
