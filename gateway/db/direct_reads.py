"""A request's reads on PostgreSQL straight through asyncpg, on the connection
gateway.db.request_reads holds in autocommit mode.

The statements are SQLAlchemy Core SELECTs built once at import (gateway.db.reads,
gateway.db.keyset). Through an AsyncSession each execution still compiled its cache key,
expanded `IN (:ids)` into one placeholder per id (a new server-side statement for every
list length), crossed into a greenlet and back, and built a Row per result row. Here a
statement is rendered once: `IN (:ids)` becomes `= ANY($n)` (one prepared statement
whatever the length, kept in asyncpg's statement cache per connection), and each
column's result processor is looked up once, exactly as SQLAlchemy would pick it for
the column's type and the server's type OID. A row is then asyncpg's record with those
processors applied: the same values SQLAlchemy would have returned.

Only sessions gateway.db.request_reads opens carry a DirectReads (an autocommit
connection: no transaction for a raw statement to slip out of). A statement this module
cannot render (another expanding form) and any failure of the direct call go back to
SQLAlchemy, which then runs the statement itself, with its own error types and
connection invalidation.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeEngine

from gateway.db.statements import note_statement

INFO_KEY = "direct_reads"
"""Where a session's DirectReads lives: Session.info[INFO_KEY]."""

_PLACEHOLDER = re.compile(
    r"(?<!NOT )IN \(__\[POSTCOMPILE_(\w+)\]\)"  # IN (:ids), rendered as = ANY($n)
    r"|__\[POSTCOMPILE_(\w+)\]"  # any other expanding form: left to SQLAlchemy
    r"|\$(\d+)"  # a plain parameter, renumbered
)

Processor = Callable[[Any], Any]


@dataclass(frozen=True, slots=True)
class Rendered:
    sql: str
    names: tuple[str, ...]  # the parameter behind $1, $2, ...
    binds: tuple[Processor | None, ...]  # its bind processor (per element for a list)
    lists: tuple[bool, ...]  # whether it was an expanding IN (a list, sent as an array)
    types: tuple[TypeEngine[Any], ...]  # each result column's type


# By id(statement), the statement kept alongside so the id is not reused.
_rendered: dict[int, tuple[Select[Any], Rendered | None]] = {}
# By id(statement): the result processors, once the server told the column types.
_processors: dict[int, tuple[tuple[int, Processor], ...]] = {}


def render(statement: Select[Any], dialect: Dialect) -> Rendered | None:
    cached = _rendered.get(id(statement))
    if cached is None or cached[0] is not statement:
        cached = _rendered[id(statement)] = (statement, _render(statement, dialect))
    return cached[1]


def _render(statement: Select[Any], dialect: Dialect) -> Rendered | None:
    compiled = statement.compile(dialect=dialect)
    positions = compiled.positiontup or []
    numbers: dict[str, int] = {}
    lists: dict[str, bool] = {}
    unrenderable = False

    def number(name: str, is_list: bool) -> str:
        nonlocal unrenderable
        if lists.setdefault(name, is_list) != is_list:
            unrenderable = True
        return f"${numbers.setdefault(name, len(numbers) + 1)}"

    def replace(match: re.Match[str]) -> str:
        nonlocal unrenderable
        listed, bare, position = match.groups()
        if listed is not None:
            return f"= ANY({number(listed, True)})"
        if bare is not None:  # an expanding form other than IN (...): not rendered here
            unrenderable = True
            return match.group(0)
        return number(positions[int(position) - 1], False)

    sql = _PLACEHOLDER.sub(replace, compiled.string)
    if unrenderable or "POSTCOMPILE" in sql:
        return None
    names = tuple(numbers)
    binds: list[Processor | None] = []
    for name in names:
        bind = compiled._bind_processors.get(name)
        if bind is not None and not callable(bind):
            return None  # a tuple type's per-element processors: not rendered here
        binds.append(bind)
    return Rendered(
        sql=sql,
        names=names,
        binds=tuple(binds),
        lists=tuple(lists[name] for name in names),
        types=tuple(column.type for column in compiled._result_columns),
    )


class DirectReads:
    """Runs rendered statements on one asyncpg connection (autocommit)."""

    def __init__(self, driver_connection: Any, dialect: Dialect) -> None:
        self._connection = driver_connection
        self._dialect = dialect

    async def rows(
        self, statement: Select[Any], params: Mapping[str, Any]
    ) -> list[Sequence[Any]] | None:
        """The result rows as SQLAlchemy would give them, or None when SQLAlchemy must
        run the statement (not renderable here, or the direct call failed)."""
        rendered = render(statement, self._dialect)
        if rendered is None:
            return None
        try:
            arguments = [
                _bound(params[name], bind, is_list)
                for name, bind, is_list in zip(
                    rendered.names, rendered.binds, rendered.lists, strict=True
                )
            ]
            processors = _processors.get(id(statement))
            if processors is None:
                processors = await self._processors_of(statement, rendered)
            note_statement()
            records = await self._connection.fetch(rendered.sql, *arguments)
        except Exception:
            return None
        if not processors:
            return records  # type: ignore[no-any-return]
        rows: list[Sequence[Any]] = []
        for record in records:
            values = list(record)
            for index, process in processors:
                values[index] = process(values[index])
            rows.append(values)
        return rows

    async def _processors_of(
        self, statement: Select[Any], rendered: Rendered
    ) -> tuple[tuple[int, Processor], ...]:
        prepared = await self._connection.prepare(rendered.sql)
        oids = [attribute.type.oid for attribute in prepared.get_attributes()]
        found = []
        for index, (column_type, oid) in enumerate(zip(rendered.types, oids, strict=True)):
            process = column_type._cached_result_processor(self._dialect, oid)
            if process is not None:
                found.append((index, process))
        processors = _processors[id(statement)] = tuple(found)
        return processors


def _bound(value: Any, bind: Processor | None, is_list: bool) -> Any:
    if is_list:
        values = list(value)
        return values if bind is None else [bind(item) for item in values]
    return value if bind is None or value is None else bind(value)
