"""A compiled walk over a plain subtree of an answer: objects whose selected fields are
all attribute reads (leaf values, objects, lists of either), completed by one loop per
object instead of graphql-core's per-field machinery.

schema.execution completes such fields itself already (a Path, a plan lookup and an
awaitable check per field, graphql-core's subfield collection per object). Below a
resolver that hands out built objects (a page of invoices with customer, wallet, tax and
items -> product) the whole selection is plain, so it is compiled once per selection
and request into nested tuples and run without any of that.

The walk never reports errors: anything that would make one (a null in a non-null
field or list item, a value a scalar refuses, an iterable that is not a list) raises
`Detour`, and the caller completes the same subtree again through the general path,
which reports it exactly as graphql-core does. The walk reads attributes only, so doing
the subtree twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from graphql import BREAK, DirectiveNode, GraphQLObjectType, VariableNode, Visitor, visit
from graphql.pyutils import Undefined

if TYPE_CHECKING:
    from graphql.execution.collect_fields import FieldDetailsList

LEAF, OBJECT, OBJECTS, LEAVES, TYPENAME = range(5)

# (response name, attribute, kind, non-null, serialize, passthrough type, nested walk,
# non-null items); a walk is a tuple of these.
Entry = tuple[str, str, int, bool, Callable[[Any], Any] | None, type | None, Any, bool]
Walk = tuple[Entry, ...]


class Detour(Exception):
    """The subtree needs graphql-core's completion (it has an error to report)."""


_DETOUR = Detour()


def run(walk: Walk, source: Any) -> dict[str, Any]:
    """The completed object: {response name: value} in selection order."""
    answer: dict[str, Any] = {}
    for name, attribute, kind, non_null, serialize, passthrough, nested, items_non_null in walk:
        if kind == TYPENAME:
            answer[name] = attribute
            continue
        value = getattr(source, attribute)
        if value is None or value is Undefined:
            if non_null:
                raise _DETOUR
            answer[name] = None
        elif kind == LEAF:
            answer[name] = value if type(value) is passthrough else _leaf(serialize, value)
        elif kind == OBJECT:
            answer[name] = run(nested, value)
        elif type(value) is not list:
            raise _DETOUR
        elif kind == OBJECTS:
            answer[name] = [_item(nested, item, items_non_null) for item in value]
        else:
            answer[name] = [
                _leaf_item(serialize, passthrough, item, items_non_null) for item in value
            ]
    return answer


def run_list(walk: Walk, values: Any, items_non_null: bool) -> list[Any]:
    if type(values) is not list:
        raise _DETOUR
    return [_item(walk, item, items_non_null) for item in values]


def _leaf(serialize: Callable[[Any], Any] | None, value: Any) -> Any:
    assert serialize is not None
    serialized = serialize(value)
    if serialized is None or serialized is Undefined:
        raise _DETOUR
    return serialized


def _item(walk: Walk, value: Any, non_null: bool) -> dict[str, Any] | None:
    if value is None or value is Undefined:
        if non_null:
            raise _DETOUR
        return None
    return run(walk, value)


def _leaf_item(
    serialize: Callable[[Any], Any] | None, passthrough: type | None, value: Any, non_null: bool
) -> Any:
    if value is None or value is Undefined:
        if non_null:
            raise _DETOUR
        return None
    return value if type(value) is passthrough else _leaf(serialize, value)


# By id(operation node), the node kept alongside.
_varying: dict[int, tuple[Any, bool]] = {}


def selection_varies(operation: Any, fragments: Mapping[str, Any]) -> bool:
    """Whether a directive in the operation or its fragments takes a variable (so
    @skip/@include may select differently from one request to the next)."""
    found = _varying.get(id(operation))
    if found is not None and found[0] is operation:
        return bool(found[1])
    varies = any(_directive_takes_variable(node) for node in (operation, *fragments.values()))
    if len(_varying) >= 4096:
        _varying.clear()
    _varying[id(operation)] = (operation, varies)
    return varies


def _directive_takes_variable(root: Any) -> bool:
    found = False

    class Finder(Visitor):
        def enter_directive(self, node: DirectiveNode, *_args: Any) -> Any:
            nonlocal found
            if any(isinstance(argument.value, VariableNode) for argument in node.arguments or ()):
                found = True
                return BREAK
            return None

    visit(root, Finder())
    return found


Collect = Callable[[GraphQLObjectType, "FieldDetailsList"], Any]
PlanOf = Callable[[GraphQLObjectType, Any], Any]


def compile_walk(
    object_type: GraphQLObjectType,
    field_details_list: FieldDetailsList,
    collect: Collect,
    plan_of: PlanOf,
) -> Walk | None:
    """The walk for `object_type` selected by `field_details_list`, or None when some
    field of the subtree is not plain (a resolver, arguments, directives, deferred
    fragments, an abstract type). `collect` is the executor's collect_subfields and
    `plan_of(parent type, field details list)` its field plan (schema.execution)."""
    from schema.execution import LeafPlan, ListPlan, ObjectPlan

    grouped, new_defer_usages, *_ = collect(object_type, field_details_list)
    if new_defer_usages:
        return None
    entries: list[Entry] = []
    for name, details in grouped.items():
        node = details[0].node
        if node.name.value == "__typename":
            entries.append((name, object_type.name, TYPENAME, True, None, None, None, False))
            continue
        plan = plan_of(object_type, details)
        if isinstance(plan, LeafPlan):
            serialize = plan.leaf_type.serialize
            entries.append(
                (
                    name,
                    plan.attribute,
                    LEAF,
                    plan.non_null,
                    serialize,
                    plan.passthrough,
                    None,
                    False,
                )
            )
        elif isinstance(plan, ObjectPlan):
            nested = compile_walk(plan.object_type, details, collect, plan_of)
            if nested is None:
                return None
            entries.append((name, plan.attribute, OBJECT, plan.non_null, None, None, nested, False))
        elif isinstance(plan, ListPlan):
            item = plan.item
            if isinstance(item, ObjectPlan):
                nested = compile_walk(item.object_type, details, collect, plan_of)
                if nested is None:
                    return None
                entries.append(
                    (
                        name,
                        plan.attribute,
                        OBJECTS,
                        plan.non_null,
                        None,
                        None,
                        nested,
                        item.non_null,
                    )
                )
            else:
                serialize = item.leaf_type.serialize
                entries.append(
                    (
                        name,
                        plan.attribute,
                        LEAVES,
                        plan.non_null,
                        serialize,
                        item.passthrough,
                        None,
                        item.non_null,
                    )
                )
        else:
            return None
    return tuple(entries)
