"""The execution context: Strawberry's, with a shortcut for plain leaf fields.

A nested page of invoices is mostly leaf fields (about 1,100 of 1,200) that read an
attribute of an object built up front (schema.invoices). For each one graphql-core
builds a ResolveInfo, checks for arguments, calls Strawberry's attribute resolver (which
ignores the info) and recurses through complete_value for the non-null wrapper. The
shortcut does what those steps amount to for such a field: read the attribute and
serialize it with the field's scalar or enum type. A null in a non-null field and a
serializer's error take graphql-core's own error path, so answers and errors are the
same as without it (tests/graphql/test_execution.py runs both side by side).

A field takes the shortcut when Strawberry marked its resolver as the default one (no
resolver function, no field extensions, no arguments), the schema's default resolver is
getattr, its type is a scalar or an enum (optionally non-null), and no schema extension
wraps resolvers (no middleware). Everything else goes through graphql-core unchanged.
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
from graphql.execution.collect_fields import FieldDetailsList
from graphql.pyutils import Path, Undefined, UndefinedType
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
    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any = None,
    ) -> Any | UndefinedType:
        manager = self.middleware_manager
        field_def = self.schema.get_field(parent_type, field_details_list[0].node.name.value)
        plan = None
        if field_def is not None and (manager is None or not manager.middlewares):
            plan = leaf_plan(field_def)
        if plan is None or field_details_list[0].node.arguments:
            return super().execute_field(
                parent_type, source, field_details_list, path, position_context
            )
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
            self.handle_field_error(raw_error, plan.return_type, field_details_list, path)
            return None
