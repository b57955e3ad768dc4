"""schema.execution's shortcut for plain leaf fields answers exactly as graphql-core does:
the same operations run on one schema twice, with and without the shortcut. And the
check that keeps it off when graphql-core is not what it was written for.
(tests/graphql/test_execution_gateway.py does the same with the gateway's schema.)"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

import graphql
import pytest
import strawberry
from graphql import GraphQLField
from graphql.execution import Executor, collect_fields
from strawberry.extensions import ParserCache, SchemaExtension
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from gateway.domain.status import InvoiceStatus
from schema import (
    enums,  # noqa: F401  (registers the enums)
    execution,
)
from schema.execution import (
    GatewayExecutionContext,
    ListPlan,
    ObjectPlan,
    choose_execution_context,
    field_plan,
    leaf_plan,
    shortcut_supported,
)
from schema.scalars import SCALARS
from schema.schema import schema_for


@strawberry.type
class Line:
    amount: Decimal
    label: str | None


@strawberry.type
class Thing:
    id: strawberry.ID
    name: str
    nickname: str | None
    count: int
    price: Decimal
    status: InvoiceStatus
    due: date
    created: datetime
    lines: list[Line]
    missing: str  # non-null, but the object holds None: a field error
    broken_count: int  # holds a string: Int's serializer refuses it
    broken_label: str | None  # holds a list: String's serializer refuses it, a nullable field
    best_line: Line
    maybe_line: Line | None
    broken_line: Line  # non-null, holds None: nulls the Thing
    tags: list[str]
    statuses: list[InvoiceStatus]
    broken_tags: list[int]  # holds strings: each item a field error (non-null items)
    holey: list[Line]  # holds a None among lines: non-null items, the whole list fails
    holey_ok: list[Line | None]  # the same, nullable items: only that item is null
    lines_tuple: list[Line]  # a tuple, not a list: graphql-core's own path

    @strawberry.field
    def shout(self, suffix: str = "!") -> str:
        return self.name.upper() + suffix

    @strawberry.field
    async def later(self) -> str:
        return self.name[::-1]

    @strawberry.field
    def boom(self) -> str | None:
        raise ValueError(f"boom on {self.name}")


def _thing(number: int) -> Thing:
    return Thing(
        id=strawberry.ID(f"t{number}"),
        name=f"thing {number}",
        nickname=None if number % 2 else f"nick {number}",
        count=number,
        price=Decimal("12.50") * number,
        status=InvoiceStatus.OPEN if number % 2 else InvoiceStatus.PAID,
        due=date(2027, 1, number + 1),
        created=datetime(2026, 12, 1, 12, number, tzinfo=UTC),
        lines=[Line(amount=Decimal("1.10"), label=None), Line(amount=Decimal(3), label="x")],
        missing=None,  # type: ignore[arg-type]
        broken_count="many",  # type: ignore[arg-type]
        broken_label=["a", "b"],  # type: ignore[arg-type]
        best_line=Line(amount=Decimal(number), label="best"),
        maybe_line=None if number % 2 else Line(amount=Decimal("0.5"), label=None),
        broken_line=None,  # type: ignore[arg-type]
        tags=[f"t{number}", "x"],
        statuses=[InvoiceStatus.OPEN, InvoiceStatus.VOID],
        broken_tags=["one", 2],  # type: ignore[list-item]
        holey=[Line(amount=Decimal(1), label="a"), None],  # type: ignore[list-item]
        holey_ok=[None, Line(amount=Decimal(2), label="b")],
        lines_tuple=(Line(amount=Decimal(4), label="t"),),  # type: ignore[arg-type]
    )


@strawberry.type
class Query:
    @strawberry.field
    def things(self) -> list[Thing]:
        return [_thing(number) for number in range(3)]

    @strawberry.field
    def thing(self) -> Thing | None:
        return _thing(1)


def _schema(**options: Any) -> strawberry.Schema:
    return strawberry.Schema(query=Query, config=StrawberryConfig(scalar_map=SCALARS), **options)


FAST = _schema(execution_context_class=GatewayExecutionContext)
PLAIN = _schema()

OPERATIONS = [
    "{ things { id name nickname count price status due created lines { amount label } } }",
    "{ things { a: name b: name name ...F } } fragment F on Thing { price status }",
    '{ things { shout loud: shout(suffix: "?") name } }',
    "{ thing { name missing } }",  # null in a non-null field nulls the parent
    "{ things { name brokenCount } }",
    "{ things { name brokenLabel count } }",
    "{ thing { name @skip(if: true) nickname @include(if: false) count } }",
    "{ thing { __typename name } }",
    "{ things { name later count lines { label } } }",  # async fields among leaves
    "{ thing { boom name missing later } }",  # a sibling's error, then the non-null one
    "{ things { name boom } thing { count } }",
    # Objects and lists read from attributes (schema.execution's composite plans):
    "{ things { bestLine { amount label } maybeLine { amount } tags statuses } }",
    "{ things { name brokenLine { label } } }",  # a non-null object holding None
    "{ thing { name brokenTags } }",
    "{ things { name holey { label } } thing { holeyOk { label amount } } }",
    "{ things { linesTuple { amount } bestLine { ... on Line { label } } } }",
    "{ thing { bestLine { later: label missing: label } maybeLine { label } } }",
    "{ things { bestLine { amount } lines { label @include(if: false) amount } later } }",
]


CACHED = _schema(
    execution_context_class=GatewayExecutionContext, extensions=[lambda: ParserCache(maxsize=8)]
)
TOGGLED = (
    # The variable in the operation, then only in a fragment.
    """query Toggled($show: Boolean!) {
      things { name bestLine { label amount @include(if: $show) } lines { label } }
    }""",
    """query Toggled($show: Boolean!) { things { name bestLine { label amount } ...Lines } }
    fragment Lines on Thing { lines { label @skip(if: $show) amount } }""",
)


async def test_a_repeated_document_reuses_its_walks_unless_variables_select() -> None:
    """The parser cache hands out the same document: walks compiled for it are shared
    across executions, except where @include/@skip take variables."""
    plain_query = "{ things { name bestLine { label } } }"
    for _ in range(2):
        assert (await CACHED.execute(plain_query)).data == (await PLAIN.execute(plain_query)).data
    for document in TOGGLED:
        shown = []
        for show in (True, False, True):
            variables = {"show": show}
            fast = await CACHED.execute(document, variable_values=variables)
            plain = await PLAIN.execute(document, variable_values=variables)
            assert fast.errors is None and fast.data == plain.data
            first = fast.data["things"][0]  # type: ignore[index]
            shown.append(("amount" in first["bestLine"], "label" in first["lines"][0]))
        assert shown[0] != shown[1] and shown[0] == shown[2]


@pytest.mark.parametrize("operation", OPERATIONS)
async def test_the_shortcut_answers_as_graphql_core_does(operation: str) -> None:
    fast, plain = await FAST.execute(operation), await PLAIN.execute(operation)
    assert fast.data == plain.data
    assert [error.formatted for error in fast.errors or []] == [
        error.formatted for error in plain.errors or []
    ]


async def test_errors_keep_their_path_and_message() -> None:
    result = await FAST.execute("{ thing { name missing } }")
    assert result.data == {"thing": None}
    assert result.errors is not None
    [error] = result.errors
    assert error.path == ["thing", "missing"]
    assert "Cannot return null for non-nullable field Thing.missing" in error.message


def _field(schema: strawberry.Schema, type_name: str, field_name: str) -> Any:
    graphql_type: Any = schema._schema.get_type(type_name)
    return graphql_type.fields[field_name]


def test_plain_leaf_fields_take_the_shortcut_and_others_do_not() -> None:
    for name in ("id", "name", "nickname", "count", "price", "status", "due", "created"):
        assert leaf_plan(_field(FAST, "Thing", name)) is not None, name
    # A resolver function, a list, an object: graphql-core's full path.
    for name in ("shout", "lines"):
        assert leaf_plan(_field(FAST, "Thing", name)) is None, name
    assert leaf_plan(_field(FAST, "Query", "thing")) is None


def test_objects_and_lists_read_from_attributes_take_the_composite_plans() -> None:
    assert isinstance(field_plan(_field(FAST, "Thing", "bestLine")), ObjectPlan)
    assert isinstance(field_plan(_field(FAST, "Thing", "maybeLine")), ObjectPlan)
    for name in ("lines", "tags", "statuses", "holeyOk"):
        assert isinstance(field_plan(_field(FAST, "Thing", name)), ListPlan), name
    # A resolver function stays on graphql-core's path, whatever it returns.
    assert field_plan(_field(FAST, "Query", "things")) is None
    assert field_plan(_field(FAST, "Thing", "later")) is None


def test_a_resolver_other_than_strawberrys_default_takes_the_full_path() -> None:
    plain = _field(FAST, "Thing", "name")
    swapped = GraphQLField(
        plain.type, resolve=lambda source, _info: source.nickname, extensions=plain.extensions
    )
    assert leaf_plan(swapped) is None


class Shout(SchemaExtension):
    """Middleware: wraps every resolver, so no field may skip it."""

    def resolve(self, _next: Any, root: Any, info: Any, *args: Any, **kwargs: Any) -> Any:
        result = _next(root, info, *args, **kwargs)
        return result.upper() if isinstance(result, str) else result


async def test_middleware_turns_the_shortcut_off() -> None:
    fast = _schema(execution_context_class=GatewayExecutionContext, extensions=[Shout])
    plain = _schema(extensions=[Shout])
    operation = "{ things { name nickname count } }"
    answer, expected = await fast.execute(operation), await plain.execute(operation)
    assert answer.errors is None and answer.data == expected.data
    assert answer.data is not None and answer.data["things"][0]["name"] == "THING 0"


def test_the_installed_graphql_core_is_the_one_the_shortcut_was_written_for() -> None:
    # When this fails after an upgrade, the app runs stock execution: see the procedure in
    # schema/execution.py's docstring.
    assert shortcut_supported() is None


def test_the_override_takes_what_graphql_core_passes() -> None:
    ours = inspect.signature(GatewayExecutionContext.execute_fields).parameters
    theirs = inspect.signature(Executor.execute_fields).parameters
    assert list(ours) == list(theirs)


def _with_parameter_more(
    self: Any,
    parent_type: Any,
    source_value: Any,
    path: Any,
    grouped_field_set: Any,
    position_context: Any,
    incremental: Any = None,
) -> Any:
    raise AssertionError("not called")


def _renamed(self: Any, error: Any, return_type: Any, field_details_list: Any, path: Any) -> None:
    raise AssertionError("not called")


def _bound(self: Any, return_type: Any, result: Any) -> Any:
    raise AssertionError("not called")


class _OldPath(NamedTuple):
    prev: Any
    key: Any


class _OldFieldDetails(NamedTuple):
    field_node: Any
    defer_usage: Any


Change = Callable[[pytest.MonkeyPatch], None]
CHANGES: dict[str, tuple[Change, str]] = {
    "another release": (lambda mp: mp.setattr(graphql, "version", "3.3.3"), "3.3.3"),
    "execute_fields takes more": (
        lambda mp: mp.setattr(Executor, "execute_fields", _with_parameter_more),
        "execute_fields",
    ),
    "handle_field_error renamed a parameter": (
        lambda mp: mp.setattr(Executor, "handle_field_error", _renamed),
        "handle_field_error",
    ),
    "complete_leaf_value is no longer static": (
        lambda mp: mp.setattr(Executor, "complete_leaf_value", _bound),
        "complete_leaf_value",
    ),
    "settle_in_background is gone": (
        lambda mp: mp.delattr(Executor, "settle_in_background"),
        "settle_in_background",
    ),
    "Strawberry overrides execute_field": (
        lambda mp: mp.setattr(
            StrawberryGraphQLCoreExecutionContext, "execute_field", Executor.execute_field
        ),
        "execute_field is overridden by strawberry",
    ),
    "no Executor": (lambda mp: mp.delattr(graphql.execution, "Executor"), "Executor"),
    "no middleware_manager": (
        lambda mp: mp.delitem(Executor.__annotations__, "middleware_manager"),
        "middleware_manager",
    ),
    "no gather_with_cancel": (
        lambda mp: mp.setattr(execution, "_gather_with_cancel", None),
        "gather_with_cancel",
    ),
    "no MiddlewareManager": (
        lambda mp: mp.delattr(graphql, "MiddlewareManager"),
        "MiddlewareManager",
    ),
    "Path without typename": (lambda mp: mp.setattr(graphql.pyutils, "Path", _OldPath), "Path"),
    "FieldDetails without node": (
        lambda mp: mp.setattr(collect_fields, "FieldDetails", _OldFieldDetails),
        "FieldDetails",
    ),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_changed_graphql_core_is_reported(monkeypatch: pytest.MonkeyPatch, change: str) -> None:
    apply, expected = CHANGES[change]
    apply(monkeypatch)
    reason = shortcut_supported()
    assert reason is not None and expected in reason


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_changed_graphql_core_gets_stock_execution_and_one_warning(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, change: str
) -> None:
    apply, expected = CHANGES[change]
    apply(monkeypatch)
    with caplog.at_level(logging.WARNING, logger="gateway.graphql"):
        chosen = choose_execution_context(True)
    assert chosen is StrawberryGraphQLCoreExecutionContext
    [record] = caplog.records
    assert record.levelno == logging.WARNING and expected in record.getMessage()


def test_a_check_that_fails_counts_as_unsupported(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def tripped(_cls: type) -> set[str]:
        raise RuntimeError("unexpected shape")

    monkeypatch.setattr(execution, "_annotations", tripped)
    with caplog.at_level(logging.WARNING, logger="gateway.graphql"):
        assert choose_execution_context(True) is StrawberryGraphQLCoreExecutionContext
    [record] = caplog.records
    assert "unexpected shape" in record.getMessage()


def test_the_shortcut_when_asked_for_and_supported(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="gateway.graphql"):
        assert choose_execution_context(True) is GatewayExecutionContext
        assert choose_execution_context(False) is StrawberryGraphQLCoreExecutionContext
    assert caplog.records == []


def test_one_schema_per_execution_context() -> None:
    assert schema_for(GatewayExecutionContext) is schema_for(GatewayExecutionContext)
    assert schema_for(GatewayExecutionContext).execution_context_class is GatewayExecutionContext
    stock = schema_for()
    assert stock.execution_context_class is StrawberryGraphQLCoreExecutionContext
    assert stock is not schema_for(GatewayExecutionContext)
