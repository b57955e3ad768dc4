"""Keyset pages: an app's rows in one ordering, the page after a row's position.

An Ordering sorts by one column and then by id, both ascending or both descending, so
every row has its own position. The page after a position is the rows beyond it,
`(sort, id) > (:after_sort, :after_id)` (`<` descending), written out as
`sort >= :after_sort AND (sort > :after_sort OR id > :after_id)` so SQLite and
PostgreSQL run it alike and an index on (app_id, sort, id) serves it. A row added
before a position never moves the rows after it, unlike an offset.

A Listing is one kind of row with its filters and orderings. A filter is a condition
over a bound parameter of the filter's name; the statement for each set of filters,
ordering and page (first or later) is built once. The v0 REST lists page the same
Listings by offset (skip/take), which they document.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Generic, TypeVar

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    FunctionElement,
    Integer,
    Select,
    Table,
    and_,
    bindparam,
    func,
    or_,
    select,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.db.binds import APP_ID
from gateway.db.reads import TABLES, fetch, select_rows

RowT = TypeVar("RowT", bound=tuple[Any, ...])
SortValue = str | Decimal | datetime | date

LIMIT: BindParameter[int] = bindparam("limit", type_=Integer)
OFFSET: BindParameter[int] = bindparam("offset", type_=Integer)
AFTER_ID: BindParameter[str] = bindparam("after_id")

# Non-negative (see sortable), and at most 28 significant digits once quantized to a
# money column's scale: no decimal context error when it is bound.
_DECIMAL = re.compile(r"\d{1,24}(\.\d{1,4})?")
_LONGEST_TEXT = 1000


@dataclass(frozen=True)
class Position:
    """Where a row stands in an ordering: its sort value and its id."""

    value: SortValue
    id: str


@dataclass(frozen=True)
class Ordering:
    """Rows by `field` (of Python type `kind`), then by id, in one direction."""

    name: str
    field: str
    kind: type[SortValue]
    descending: bool = False

    def position(self, row: Any) -> Position:
        return Position(getattr(row, self.field), row.id)

    def dump(self, value: SortValue) -> str:
        if isinstance(value, datetime | date):
            return value.isoformat()
        return str(value)

    def load(self, text: str) -> SortValue:
        """The value `dump` wrote; ValueError for anything it could not have written."""
        if len(text) > _LONGEST_TEXT:
            raise ValueError("too long")
        if self.kind is Decimal:
            if not _DECIMAL.fullmatch(text):
                raise ValueError("not a decimal")
            return Decimal(text)
        if self.kind is datetime:
            moment = datetime.fromisoformat(text)
            if moment.tzinfo is None:
                raise ValueError("no time zone")
            return moment
        if self.kind is date:
            return date.fromisoformat(text)
        return text


class sortable(FunctionElement[Any]):
    """A column or value as it sorts: itself, except an exact decimal on SQLite. There it
    is text (gateway.db.types.ExactDecimal: digits, a point and the column's scale, never
    an exponent), right-aligned to one width so that text order is number order. That
    holds for the non-negative amounts the gateway keeps, and stays exact where a REAL
    would round."""

    inherit_cache = True


_DECIMAL_WIDTH = 40  # wider than any ExactDecimal (precision + point)


@compiles(sortable)
def _sortable(element: sortable, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(sortable, "sqlite")
def _sortable_sqlite(element: sortable, compiler: SQLCompiler, **kw: Any) -> str:
    inner = compiler.process(element.clauses, **kw)
    [clause] = element.clauses
    if clause.type.python_type is Decimal:
        return f"printf('%{_DECIMAL_WIDTH}s', {inner})"
    return inner


@dataclass(frozen=True)
class Sorted:
    """An Ordering over a table's columns: ORDER BY and the condition for rows beyond a
    position (bound parameters after_sort and after_id)."""

    order_by: tuple[ColumnElement[Any], ...]
    beyond: ColumnElement[bool]

    @classmethod
    def of(cls, table: Table, ordering: Ordering) -> Sorted:
        column = table.c[ordering.field]
        sort = sortable(column)
        after = sortable(bindparam("after_sort", type_=column.type))
        ids = table.c.id
        if ordering.descending:
            return cls(
                order_by=(sort.desc(), ids.desc()),
                beyond=and_(sort <= after, or_(sort < after, ids < AFTER_ID)),
            )
        return cls(
            order_by=(sort.asc(), ids.asc()),
            beyond=and_(sort >= after, or_(sort > after, ids > AFTER_ID)),
        )


def after_params(after: Position | None) -> dict[str, Any]:
    return {} if after is None else {"after_sort": after.value, "after_id": after.id}


class Listing(Generic[RowT]):
    """An app's rows of one type: filtered, counted, and paged in its orderings."""

    def __init__(
        self,
        row_type: type[RowT],
        filters: Mapping[str, ColumnElement[bool]],
        orderings: Iterable[Ordering],
    ) -> None:
        self.row_type = row_type
        self.table = TABLES[row_type]
        self._filters = dict(filters)
        self._sorted = {ordering: Sorted.of(self.table, ordering) for ordering in orderings}
        self._pages: dict[tuple[tuple[str, ...], Ordering, bool], Select[Any]] = {}
        self._offset_pages: dict[tuple[tuple[str, ...], Ordering], Select[Any]] = {}
        self._counts: dict[tuple[str, ...], Select[Any]] = {}

    def _where(self, shape: tuple[str, ...]) -> list[ColumnElement[bool]]:
        return [self.table.c.app_id == APP_ID, *(self._filters[name] for name in shape)]

    def _page(self, shape: tuple[str, ...], ordering: Ordering, later: bool) -> Select[Any]:
        key = (shape, ordering, later)
        statement = self._pages.get(key)
        if statement is None:
            sorted_ = self._sorted[ordering]
            where = self._where(shape) + ([sorted_.beyond] if later else [])
            statement = self._pages[key] = (
                select_rows(self.row_type).where(*where).order_by(*sorted_.order_by).limit(LIMIT)
            )
        return statement

    async def page(
        self,
        session: AsyncSession,
        app_id: str,
        filters: Mapping[str, Any],
        ordering: Ordering,
        after: Position | None,
        limit: int,
    ) -> list[RowT]:
        """At most `limit` rows beyond `after` (from the first when None), in `ordering`.
        `filters` maps filter names to values; a None value is no filter."""
        given = _given(filters)
        statement = self._page(tuple(given), ordering, after is not None)
        params = {**given, **after_params(after), "app_id": app_id, "limit": limit}
        return await fetch(session, self.row_type, statement, params)

    async def offset_page(
        self,
        session: AsyncSession,
        app_id: str,
        filters: Mapping[str, Any],
        ordering: Ordering,
        *,
        offset: int,
        limit: int,
    ) -> list[RowT]:
        """At most `limit` rows after the first `offset`, in `ordering`: the v0 lists'
        skip/take pages, over the same filters."""
        given = _given(filters)
        key = (tuple(given), ordering)
        statement = self._offset_pages.get(key)
        if statement is None:
            statement = self._offset_pages[key] = (
                select_rows(self.row_type)
                .where(*self._where(key[0]))
                .order_by(*self._sorted[ordering].order_by)
                .offset(OFFSET)
                .limit(LIMIT)
            )
        params = {**given, "app_id": app_id, "offset": offset, "limit": limit}
        return await fetch(session, self.row_type, statement, params)

    async def count(self, session: AsyncSession, app_id: str, filters: Mapping[str, Any]) -> int:
        given = _given(filters)
        shape = tuple(given)
        statement = self._counts.get(shape)
        if statement is None:
            where = self._where(shape)
            statement = self._counts[shape] = (
                select(func.count()).select_from(self.table).where(*where)
            )
        connection = await session.connection()
        result = await connection.execute(statement, {**given, "app_id": app_id})
        return int(result.scalar_one())


def _given(filters: Mapping[str, Any]) -> dict[str, Any]:
    return {name: filters[name] for name in sorted(filters) if filters[name] is not None}


def like_pattern(text: str) -> str:
    """`text` anywhere, for LIKE ... ESCAPE '\\': its own % and _ match only themselves."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
