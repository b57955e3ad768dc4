"""schema.execution's shortcut for plain leaf fields answers exactly as graphql-core does:
the same operations run on one schema twice, with and without the shortcut."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
import strawberry
from strawberry.schema.config import StrawberryConfig

from gateway.domain.status import InvoiceStatus
from schema import enums  # noqa: F401  (registers the enums)
from schema.execution import GatewayExecutionContext, leaf_plan
from schema.scalars import SCALARS


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
    "{ thing { name @skip(if: true) nickname @include(if: false) count } }",
    "{ thing { __typename name } }",
    "{ things { name later count lines { label } } }",  # async fields among leaves
    "{ thing { boom name missing later } }",  # a sibling's error, then the non-null one
    "{ things { name boom } thing { count } }",
]


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


def test_the_gateway_schema_runs_with_the_shortcut() -> None:
    from schema.schema import schema

    assert schema.execution_context_class is GatewayExecutionContext
