"""The execution context: Strawberry's, with a shortcut for plain leaf fields.

A nested page of invoices is mostly leaf fields (about 1,100 of 1,200) that read an
attribute of an object built up front (schema.invoices). For each one graphql-core
makes a Path, builds a ResolveInfo, checks for arguments, calls Strawberry's attribute
resolver (which ignores the info), recurses through complete_value for the non-null
wrapper and asks whether the result is awaitable. The shortcut does what those steps
amount to for such a field: read the attribute and serialize it with the field's scalar
or enum type. A null in a non-null field and a serializer's error take graphql-core's
own error path (with the field's Path, made only then), so answers and errors are the
same as without it (tests/graphql/test_execution.py runs both side by side).

A field takes the shortcut when Strawberry marked its resolver as the default one (no
resolver function, no field extensions, no arguments), the schema's default resolver is
getattr, its type is a scalar or an enum (optionally non-null), the query passes it no
arguments, and no schema extension wraps resolvers (no middleware). Everything else goes
through graphql-core unchanged. Which fields of a selection take it is worked out once
per selection and request: graphql-core hands the same field set for every item of a
list.

execute_fields is graphql-core 3.3's (its loop, with the shortcut added), so
pyproject.toml keeps graphql-core within 3.3; the side-by-side tests catch a change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLField,
    GraphQLLeafType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    is_leaf_type,
)
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet
from graphql.pyutils import Path, Undefined, gather_with_cancel
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types.field import StrawberryField

DEFINITION = "strawberry-definition"  # where Strawberry keeps a field's definition


@dataclass(frozen=True, slots=True)
class LeafPlan:
    attribute: str
    leaf_type: GraphQLLeafType
    non_null: bool
    return_type: GraphQLOutputType


# By id(field): the field is kept alongside, so an id is never reused while cached.
_plans: dict[int, tuple[GraphQLField, LeafPlan | None]] = {}


def leaf_plan(field_def: GraphQLField) -> LeafPlan | None:
    """How to resolve the field directly, or None when it needs the full path."""
    cached = _plans.get(id(field_def))
    if cached is None or cached[0] is not field_def:
        cached = _plans[id(field_def)] = (field_def, _build_plan(field_def))
    return cached[1]


def _build_plan(field_def: GraphQLField) -> LeafPlan | None:
    definition = (field_def.extensions or {}).get(DEFINITION)
    resolve = field_def.resolve
    if (
        not isinstance(definition, StrawberryField)
        or not getattr(resolve, "_is_default", False)
        or not definition.is_basic_field
        or definition.default_resolver is not getattr
        or field_def.args
    ):
        return None
    return_type = field_def.type
    non_null = isinstance(return_type, GraphQLNonNull)
    inner = return_type.of_type if isinstance(return_type, GraphQLNonNull) else return_type
    if not is_leaf_type(inner):
        return None
    assert isinstance(inner, GraphQLLeafType)
    return LeafPlan(definition.python_name, inner, non_null, return_type)


class GatewayExecutionContext(StrawberryGraphQLCoreExecutionContext):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        manager = self.middleware_manager
        self._shortcuts = manager is None or not manager.middlewares
        # By id(field set); the set is kept alongside, as in graphql-core's own memo.
        self._selection_plans: dict[int, tuple[GroupedFieldSet, list[LeafPlan | None]]] = {}

    def _plans_for(
        self, parent_type: GraphQLObjectType, grouped_field_set: GroupedFieldSet
    ) -> list[LeafPlan | None]:
        cached = self._selection_plans.get(id(grouped_field_set))
        if cached is not None and cached[0] is grouped_field_set:
            return cached[1]
        plans: list[LeafPlan | None] = []
        for field_details_list in grouped_field_set.values():
            node = field_details_list[0].node
            field_def = self.schema.get_field(parent_type, node.name.value)
            usable = self._shortcuts and not node.arguments
            plans.append(leaf_plan(field_def) if usable and field_def is not None else None)
        self._selection_plans[id(grouped_field_set)] = (grouped_field_set, plans)
        return plans

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any = None,
    ) -> Any:
        """graphql-core's execute_fields, with plain leaf fields resolved in place."""
        plans = self._plans_for(parent_type, grouped_field_set)
        results: dict[str, Any] = {}
        is_awaitable = self.is_awaitable
        awaitable_fields: list[str] = []
        try:
            for (response_name, field_details_list), plan in zip(
                grouped_field_set.items(), plans, strict=True
            ):
                if plan is not None:
                    results[response_name] = self._leaf(
                        plan, parent_type, source_value, field_details_list, path, response_name
                    )
                    continue
                field_path = Path(path, response_name, parent_type.name)
                result = self.execute_field(
                    parent_type, source_value, field_details_list, field_path, position_context
                )
                if result is not Undefined:
                    results[response_name] = result
                    if is_awaitable(result):
                        awaitable_fields.append(response_name)
        except Exception:
            if awaitable_fields:
                self.settle_in_background([results[field] for field in awaitable_fields])
            raise
        if not awaitable_fields:
            return results

        async def get_results() -> dict[str, Any]:
            if len(awaitable_fields) == 1:
                field = awaitable_fields[0]
                results[field] = await results[field]
            else:
                awaited = await gather_with_cancel(*(results[field] for field in awaitable_fields))
                results.update(zip(awaitable_fields, awaited, strict=True))
            return results

        return get_results()

    def _leaf(
        self,
        plan: LeafPlan,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path | None,
        response_name: str,
    ) -> Any:
        try:
            value = getattr(source, plan.attribute)
            if value is None or value is Undefined:
                if plan.non_null:
                    raise TypeError(
                        "Cannot return null for non-nullable field"
                        f" {parent_type.name}.{field_details_list[0].node.name.value}."
                    )
                return None
            return self.complete_leaf_value(plan.leaf_type, value)
        except Exception as raw_error:
            field_path = Path(path, response_name, parent_type.name)
            self.handle_field_error(raw_error, plan.return_type, field_details_list, field_path)
            return None
