"""The execution context: Strawberry's, with a shortcut for plain leaf fields.

A nested page of invoices is mostly leaf fields that read an attribute of an object built
up front (schema.invoices). For each one graphql-core makes a Path, builds a ResolveInfo,
checks for arguments, calls Strawberry's attribute resolver (which ignores the info),
recurses through complete_value for the non-null wrapper and asks whether the result is
awaitable. The shortcut does what those steps amount to for such a field: read the
attribute and serialize it with the field's scalar or enum type. A null in a non-null
field and a serializer's error take graphql-core's own error path (with the field's
Path, made only then), so answers and errors are the same as without it
(tests/graphql/test_execution.py and test_execution_gateway.py run both side by side).

A field takes the shortcut when Strawberry made its resolver the default one (no
resolver function, no field extensions, no arguments), the schema's default resolver is
getattr, its type is a scalar or an enum (optionally non-null), the query passes it no
arguments, and no schema extension wraps resolvers (no middleware). Everything else goes
through graphql-core unchanged. Which fields of a selection take it is worked out once
per selection and request: graphql-core hands the same field set for every item of a
list.

The override leans on graphql-core internals: execute_fields is a copy of 3.3.2's loop,
and it calls execute_field, handle_field_error, complete_leaf_value and
settle_in_background with their 3.3.2 signatures. graphql-core changed these within the
3.3 line, so pinning is not enough: `shortcut_supported()` compares the installed
graphql-core against what the override was written for, and `choose_execution_context()`
falls back to Strawberry's stock execution context (one warning logged) when it differs
or when settings.graphql_execution_shortcut is off. The endpoint then keeps working,
only with more CPU per leaf field.

To accept another graphql-core release: diff its Executor.execute_fields against the
copy below, adjust EXPECTED_SIGNATURES if needed, add it to VERIFIED_GRAPHQL_CORE and run
tests/graphql/test_execution*.py.
"""

from __future__ import annotations

import importlib
import inspect
import logging
import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import graphql
from graphql import (
    GraphQLField,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    is_leaf_type,
    is_specified_scalar_type,
)
from graphql import execution as graphql_execution
from graphql import pyutils as graphql_pyutils
from graphql.pyutils import Path, Undefined
from strawberry.resolvers import is_default_resolver
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

from schema import walk

if TYPE_CHECKING:
    # Annotations only: graphql-core releases without these must still import this module.
    from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet

log = logging.getLogger("gateway.graphql")

VERIFIED_GRAPHQL_CORE = ("3.3.2",)
"""graphql-core releases whose Executor.execute_fields the override was compared with."""

EXPECTED_SIGNATURES = {
    "execute_fields": (
        "(self, parent_type, source_value, path, grouped_field_set, position_context)"
    ),
    "execute_field": "(self, parent_type, source, field_details_list, path, position_context)",
    "handle_field_error": "(self, raw_error, return_type, field_details_list, path)",
    "complete_leaf_value": "(return_type, result)",
    "settle_in_background": "(self, awaitables)",
}
"""The Executor methods the override replaces or calls, as it calls them."""

BYPASSED = ("execute_fields", "execute_field", "complete_value")
"""What a shortcut field skips: an override of these between graphql-core's Executor and
Strawberry's execution context (say, Strawberry's own) would be skipped too."""

EXECUTOR_ATTRIBUTES = ("schema", "is_awaitable", "middleware_manager")
"""Attributes the override reads, set by Executor.__init__."""

# Optional: releases before 3.3 lack it, and this module must import with those.
_gather_with_cancel: Callable[..., Any] | None = getattr(
    graphql_pyutils, "gather_with_cancel", None
)


def shortcut_supported() -> str | None:
    """None when the installed graphql-core is the one the override was written for, else
    the reason it is not (for the log line)."""
    version = graphql.version
    if version not in VERIFIED_GRAPHQL_CORE:
        return f"graphql-core {version} is not one of {', '.join(VERIFIED_GRAPHQL_CORE)}"
    executor = getattr(graphql_execution, "Executor", None)
    if not isinstance(executor, type) or not issubclass(
        StrawberryGraphQLCoreExecutionContext, executor
    ):
        return "Strawberry's execution context is not a graphql.execution.Executor"
    for name, expected in EXPECTED_SIGNATURES.items():
        method = getattr(StrawberryGraphQLCoreExecutionContext, name, None)
        found = _parameters(method) if callable(method) else "missing"
        if found != expected:
            return f"Executor.{name}{found} is not {name}{expected}"
    for name in BYPASSED:
        owner = _owner(StrawberryGraphQLCoreExecutionContext, name)
        if owner is not executor:
            return f"{name} is overridden by {owner.__module__}.{owner.__qualname__}"
    annotated = _annotations(executor)
    for name in EXECUTOR_ATTRIBUTES:
        if name not in annotated:
            return f"Executor has no attribute {name}"
    return _helpers_missing()


def _helpers_missing() -> str | None:
    if _gather_with_cancel is None:
        return "graphql.pyutils has no gather_with_cancel"
    if "node" not in _field_details_fields():
        return "graphql.execution.collect_fields.FieldDetails has no node"
    path_fields = getattr(graphql_pyutils.Path, "_fields", ())
    if path_fields != ("prev", "key", "typename"):
        return f"Path{path_fields} is not Path('prev', 'key', 'typename')"
    manager = getattr(graphql, "MiddlewareManager", None)
    if "middlewares" not in getattr(manager, "__slots__", ()):
        return "MiddlewareManager has no middlewares"
    return None


def _field_details_fields() -> tuple[str, ...]:
    try:
        module = importlib.import_module("graphql.execution.collect_fields")
    except ImportError:
        return ()
    return tuple(getattr(getattr(module, "FieldDetails", None), "_fields", ()))


def _parameters(method: Callable[..., Any]) -> str:
    """The signature's parameter list without annotations and defaults: what a call
    needs to line up with."""
    try:
        signature = inspect.signature(method)
    except (TypeError, ValueError):
        return "(?)"
    bare = [
        parameter.replace(annotation=inspect.Parameter.empty, default=inspect.Parameter.empty)
        for parameter in signature.parameters.values()
    ]
    return str(signature.replace(parameters=bare, return_annotation=inspect.Signature.empty))


def _owner(cls: type, name: str) -> type:
    return next((klass for klass in cls.__mro__ if name in vars(klass)), object)


def _annotations(cls: type) -> set[str]:
    return {name for klass in cls.__mro__ for name in vars(klass).get("__annotations__", {})}


def choose_execution_context(shortcut: bool) -> type[StrawberryGraphQLCoreExecutionContext]:
    """GatewayExecutionContext when `shortcut` is on and the installed graphql-core is the
    one it was written for; Strawberry's stock execution context otherwise."""
    if not shortcut:
        return StrawberryGraphQLCoreExecutionContext
    try:
        reason = shortcut_supported()
    except Exception as exc:  # a release the check itself trips over is not supported either
        reason = f"checking graphql-core failed: {exc!r}"
    if reason is not None:
        log.warning("GraphQL leaf-field shortcut off, running stock execution: %s", reason)
        return StrawberryGraphQLCoreExecutionContext
    return GatewayExecutionContext


@dataclass(frozen=True, slots=True)
class LeafPlan:
    attribute: str
    leaf_type: GraphQLLeafType
    non_null: bool
    return_type: GraphQLOutputType
    # The value itself is the answer (a str for String and ID, a bool for Boolean): the
    # scalar's serializer would only check and return it. (Not Int: it checks the range.)
    passthrough: type | None


@dataclass(frozen=True, slots=True)
class ObjectPlan:
    """An attribute holding an object of a type with no is_type_of (no interfaces)."""

    attribute: str
    object_type: GraphQLObjectType
    non_null: bool
    return_type: GraphQLOutputType


@dataclass(frozen=True, slots=True)
class ListPlan:
    """An attribute holding a list of such objects or of leaf values (one level)."""

    attribute: str
    item: ObjectPlan | LeafPlan
    non_null: bool
    return_type: GraphQLOutputType


FieldPlan = LeafPlan | ObjectPlan | ListPlan

# Built-in scalars whose serializer returns a value of exactly this type unchanged.
_PASSTHROUGH: dict[str, type] = {"String": str, "ID": str, "Boolean": bool}

# By id(field): the field is kept alongside, so an id is never reused while cached.
_plans: dict[int, tuple[GraphQLField, FieldPlan | None]] = {}


def field_plan(field_def: GraphQLField) -> FieldPlan | None:
    """How to complete the field from its attribute, or None when it needs the full path."""
    cached = _plans.get(id(field_def))
    if cached is None or cached[0] is not field_def:
        cached = _plans[id(field_def)] = (field_def, _build_plan(field_def))
    return cached[1]


def leaf_plan(field_def: GraphQLField) -> LeafPlan | None:
    plan = field_plan(field_def)
    return plan if isinstance(plan, LeafPlan) else None


def _build_plan(field_def: GraphQLField) -> FieldPlan | None:
    definition = (field_def.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    resolve = field_def.resolve
    if (
        not isinstance(definition, StrawberryField)
        or resolve is None
        or not is_default_resolver(resolve)
        or not definition.is_basic_field
        or definition.default_resolver is not getattr
        or field_def.args
    ):
        return None
    return _type_plan(definition.python_name, field_def.type, lists=True)


def _type_plan(attribute: str, return_type: GraphQLOutputType, *, lists: bool) -> FieldPlan | None:
    non_null = isinstance(return_type, GraphQLNonNull)
    inner = return_type.of_type if isinstance(return_type, GraphQLNonNull) else return_type
    if is_leaf_type(inner):
        assert isinstance(inner, GraphQLLeafType)
        passthrough = _PASSTHROUGH.get(inner.name) if is_specified_scalar_type(inner) else None
        return LeafPlan(attribute, inner, non_null, return_type, passthrough)
    if isinstance(inner, GraphQLObjectType):
        if inner.is_type_of is not None:
            return None
        return ObjectPlan(attribute, inner, non_null, return_type)
    if lists and isinstance(inner, GraphQLList):
        item = _type_plan(attribute, inner.of_type, lists=False)
        if isinstance(item, LeafPlan | ObjectPlan):
            return ListPlan(attribute, item, non_null, return_type)
    return None


SHARED_WALKS = 4096
"""Walks kept across requests (by schema, type and field nodes); cleared when full."""

# The nodes are kept alongside (compared by identity): their ids are not reused meanwhile.
_shared_walks: dict[tuple[int, ...] | tuple[Any, ...], tuple[tuple[Any, ...], Any]] = {}


class GatewayExecutionContext(StrawberryGraphQLCoreExecutionContext):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        manager = self.middleware_manager
        self._shortcuts = manager is None or not manager.middlewares
        # By id(field set); the set is kept alongside, as in graphql-core's own memo.
        self._selection_plans: dict[int, tuple[GroupedFieldSet, list[FieldPlan | None]]] = {}
        # By (type name, id(field details list)), the list kept alongside.
        self._walks: dict[tuple[str, int], tuple[FieldDetailsList, walk.Walk | None]] = {}

    def _plans_for(
        self, parent_type: GraphQLObjectType, grouped_field_set: GroupedFieldSet
    ) -> list[FieldPlan | None]:
        cached = self._selection_plans.get(id(grouped_field_set))
        if cached is not None and cached[0] is grouped_field_set:
            return cached[1]
        plans = [self._plan_of(parent_type, details) for details in grouped_field_set.values()]
        self._selection_plans[id(grouped_field_set)] = (grouped_field_set, plans)
        return plans

    def _plan_of(
        self, parent_type: GraphQLObjectType, field_details_list: FieldDetailsList
    ) -> FieldPlan | None:
        node = field_details_list[0].node
        if not self._shortcuts or node.arguments:
            return None
        field_def = self.schema.get_field(parent_type, node.name.value)
        plan = None if field_def is None else field_plan(field_def)
        if not isinstance(plan, LeafPlan) and any(
            details.node.directives for details in field_details_list
        ):
            return None  # @stream and the like: graphql-core's path
        return plan

    def _walk_for(
        self, object_type: GraphQLObjectType, field_details_list: FieldDetailsList
    ) -> walk.Walk | None:
        key = (object_type.name, id(field_details_list))
        cached = self._walks.get(key)
        if cached is None or cached[0] is not field_details_list:
            compiled = self._shared_walk(object_type, field_details_list)
            cached = self._walks[key] = (field_details_list, compiled)
        return cached[1]

    def _shared_walk(
        self, object_type: GraphQLObjectType, field_details_list: FieldDetailsList
    ) -> walk.Walk | None:
        """The walk as an earlier request of the same document compiled it: the parser
        cache hands out the same document, so the same nodes. Not shared when the
        document's @skip/@include take variables: the selection can differ per request."""
        nodes = tuple(details.node for details in field_details_list)
        shareable = self._shortcuts and not walk.selection_varies(
            self.operation, self.fragment_definitions
        )
        key = (id(self.schema), object_type.name, *map(id, nodes))
        if shareable:
            found = _shared_walks.get(key)
            if found is not None and all(map(operator.is_, found[0], nodes)):
                shared: walk.Walk | None = found[1]
                return shared
        compiled = walk.compile_walk(
            object_type, field_details_list, self.collect_subfields, self._plan_of
        )
        if shareable:
            if len(_shared_walks) >= SHARED_WALKS:
                _shared_walks.clear()
            _shared_walks[key] = (nodes, compiled)
        return compiled

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> Any:
        """graphql-core's execute_fields, with plain fields completed in place."""
        plans = self._plans_for(parent_type, grouped_field_set)
        results: dict[str, Any] = {}
        is_awaitable = self.is_awaitable
        awaitable_fields: list[str] = []
        try:
            for (response_name, field_details_list), plan in zip(
                grouped_field_set.items(), plans, strict=True
            ):
                if type(plan) is LeafPlan:
                    results[response_name] = self._leaf(
                        plan, parent_type, source_value, field_details_list, path, response_name
                    )
                    continue
                field_path = Path(path, response_name, parent_type.name)
                if plan is None:
                    result = self.execute_field(
                        parent_type, source_value, field_details_list, field_path, position_context
                    )
                else:
                    result = self._composite(
                        plan,  # type: ignore[arg-type]
                        parent_type,
                        source_value,
                        field_details_list,
                        field_path,
                        position_context,
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
                assert _gather_with_cancel is not None  # shortcut_supported() checked it
                awaited = await _gather_with_cancel(*(results[field] for field in awaitable_fields))
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
            if type(value) is plan.passthrough:
                return value
            if value is None or value is Undefined:
                if plan.non_null:
                    raise _null_error(parent_type, field_details_list)
                return None
            return self.complete_leaf_value(plan.leaf_type, value)
        except Exception as raw_error:
            field_path = Path(path, response_name, parent_type.name)
            self.handle_field_error(raw_error, plan.return_type, field_details_list, field_path)
            return None

    def _composite(
        self,
        plan: ObjectPlan | ListPlan,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any,
    ) -> Any:
        """An object or list field read from its attribute: what execute_field does after
        the default resolver, without a ResolveInfo (no resolver runs here, and the types
        have no is_type_of to pass one to)."""
        try:
            value = getattr(source, plan.attribute)
            if value is None or value is Undefined:
                if plan.non_null:
                    raise _null_error(parent_type, field_details_list)
                return None
            if isinstance(plan, ObjectPlan):
                compiled = self._walk_for(plan.object_type, field_details_list)
                if compiled is not None:
                    try:
                        return walk.run(compiled, value)
                    except Exception:  # noqa: S110 (the general path below reports it)
                        pass
                completed = self.collect_and_execute_subfields(
                    plan.object_type, field_details_list, path, value, position_context
                )
            elif type(value) is list:
                item = plan.item
                if isinstance(item, ObjectPlan):
                    compiled = self._walk_for(item.object_type, field_details_list)
                    if compiled is not None:
                        try:
                            return walk.run_list(compiled, value, item.non_null)
                        except Exception:  # noqa: S110 (the general path below reports it)
                            pass
                completed = self._items(item, field_details_list, path, value, position_context)
            else:  # an iterable of another kind, or not one: graphql-core decides
                return self.execute_field(
                    parent_type, source, field_details_list, path, position_context
                )
        except Exception as raw_error:
            self.handle_field_error(raw_error, plan.return_type, field_details_list, path)
            return None
        if self.is_awaitable(completed):
            return self._settled(completed, plan.return_type, field_details_list, path)
        return completed

    def _items(
        self,
        item: ObjectPlan | LeafPlan,
        field_details_list: FieldDetailsList,
        path: Path,
        values: list[Any],
        position_context: Any,
    ) -> Any:
        """graphql-core's complete_iterable_value for a list of objects or leaf values."""
        completed: list[Any] = []
        awaitable_indices: list[int] = []
        try:
            for index, value in enumerate(values):
                result = self._item(item, field_details_list, path, index, value, position_context)
                completed.append(result)
                if self.is_awaitable(result):
                    awaitable_indices.append(index)
        except Exception:
            if awaitable_indices:
                self.settle_in_background([completed[index] for index in awaitable_indices])
            raise
        if not awaitable_indices:
            return completed

        async def get_completed() -> list[Any]:
            assert _gather_with_cancel is not None  # shortcut_supported() checked it
            awaited = await _gather_with_cancel(*(completed[i] for i in awaitable_indices))
            for index, value in zip(awaitable_indices, awaited, strict=True):
                completed[index] = value
            return completed

        return get_completed()

    def _item(
        self,
        item: ObjectPlan | LeafPlan,
        field_details_list: FieldDetailsList,
        path: Path,
        index: int,
        value: Any,
        position_context: Any,
    ) -> Any:
        """graphql-core's complete_list_item_value for one item: its value, or an awaitable."""
        item_path = Path(path, index, None)
        try:
            if value is None or value is Undefined:
                if item.non_null:
                    raise _list_null_error(path, field_details_list)
                return None
            if isinstance(item, LeafPlan):
                if type(value) is item.passthrough:
                    return value
                return self.complete_leaf_value(item.leaf_type, value)
            result = self.collect_and_execute_subfields(
                item.object_type, field_details_list, item_path, value, position_context
            )
        except Exception as raw_error:
            self.handle_field_error(raw_error, item.return_type, field_details_list, item_path)
            return None
        if self.is_awaitable(result):
            return self._settled(result, item.return_type, field_details_list, item_path)
        return result

    async def _settled(
        self,
        completed: Any,
        return_type: GraphQLOutputType,
        field_details_list: FieldDetailsList,
        path: Path,
    ) -> Any:
        try:
            return await completed
        except Exception as raw_error:
            self.handle_field_error(raw_error, return_type, field_details_list, path)
            return None


def _null_error(parent_type: GraphQLObjectType, field_details_list: FieldDetailsList) -> TypeError:
    return TypeError(
        "Cannot return null for non-nullable field"
        f" {parent_type.name}.{field_details_list[0].node.name.value}."
    )


def _list_null_error(path: Path, field_details_list: FieldDetailsList) -> TypeError:
    # graphql-core completes a list item with the list field's info: the same message.
    field = f"{path.typename}.{field_details_list[0].node.name.value}"
    return TypeError(f"Cannot return null for non-nullable field {field}.")
