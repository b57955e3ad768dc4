"""A compiled walk over a plain subtree of an answer: objects whose selected fields are
all attribute reads (leaf values, objects, lists of either), completed by one loop per
object instead of graphql-core's per-field machinery.

schema.execution completes such fields itself already (a Path, a plan lookup and an
awaitable check per field, graphql-core's subfield collection per object). Below a
resolver that hands out built objects (a page of invoices with customer, wallet, tax and
items -> product) the whole selection is plain, so it is compiled once per selection into
one small generated function per object type (straight-line attribute reads and
serializer calls) and run without any of that; schema.execution shares the functions
across requests of the same document.

The walk never reports errors: anything that would make one (a null in a non-null
field or list item, a value a scalar refuses, an iterable that is not a list) raises
`Detour`, and the caller completes the same subtree again through the general path,
which reports it exactly as graphql-core does. The walk reads attributes only, so doing
the subtree twice changes nothing.
"""

from __future__ import annotations

import keyword
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from graphql import BREAK, DirectiveNode, GraphQLObjectType, VariableNode, Visitor, visit
from graphql.pyutils import Undefined

if TYPE_CHECKING:
    from graphql.execution.collect_fields import FieldDetailsList

LEAF, OBJECT, OBJECTS, LEAVES, TYPENAME = range(5)

# (response name, attribute, kind, non-null, serialize, passthrough type, nested walker,
# non-null items): what a field of a walk does, before it is generated into code.
Entry = tuple[str, str, int, bool, Callable[[Any], Any] | None, type | None, Any, bool]
Walker = Callable[[Any], dict[str, Any]]
Walk = Walker


class Detour(Exception):
    """The subtree needs graphql-core's completion (it has an error to report)."""


_DETOUR = Detour()


def run(walk: Walker, source: Any) -> dict[str, Any]:
    """The completed object: {response name: value} in selection order."""
    return walk(source)


def run_list(walk: Walker, values: Any, items_non_null: bool) -> list[Any]:
    if type(values) is not list:
        raise _DETOUR
    if items_non_null:
        return [walk(item) for item in values]  # None or Undefined fails: a detour
    return [None if item is None else walk(item) for item in values]


def _generate(entries: tuple[Entry, ...]) -> Walker:
    """A function completing one object: straight-line code, one statement group per
    field, with the field's serializer and nested walkers bound as globals. Every name
    in the source comes from the schema (attributes) or is repr()'d (response names)."""
    scope: dict[str, Any] = {"Undefined": Undefined, "DETOUR": _DETOUR, "list": list}
    lines = ["def walk(source):", "    answer = {}"]
    for index, entry in enumerate(entries):
        name, attribute, kind, non_null, serialize, passthrough, nested, items_non_null = entry
        key = repr(name)
        if kind == TYPENAME:
            lines.append(f"    answer[{key}] = {attribute!r}")
            continue
        scope[f"s{index}"], scope[f"p{index}"], scope[f"n{index}"] = serialize, passthrough, nested
        read = (
            f"source.{attribute}"
            if attribute.isidentifier() and not keyword.iskeyword(attribute)
            else f"getattr(source, {attribute!r})"
        )
        lines.append(f"    v = {read}")
        lines.append("    if v is None or v is Undefined:")
        lines.append("        raise DETOUR" if non_null else f"        answer[{key}] = None")
        lines.append("    else:")
        if kind == LEAF:
            if passthrough is not None:
                lines.append(f"        if type(v) is p{index}:")
                lines.append(f"            answer[{key}] = v")
                lines.append("        else:")
                lines.extend(_serialized(index, key, "            "))
            else:
                lines.extend(_serialized(index, key, "        "))
        elif kind == OBJECT:
            lines.append(f"        answer[{key}] = n{index}(v)")
        else:
            lines.append("        if type(v) is not list:")
            lines.append("            raise DETOUR")
            if kind == OBJECTS:
                item = f"n{index}(x)"
            else:
                item = f"(x if type(x) is p{index} else leaf(s{index}, x))"
            if items_non_null:
                guard = "DETOUR_ITEM(x)" if kind == LEAVES else ""
                item = f"{guard} or {item}" if guard else item
                lines.append(f"        answer[{key}] = [{item} for x in v]")
            else:
                lines.append(f"        answer[{key}] = [None if x is None else {item} for x in v]")
    lines.append("    return answer")
    scope["leaf"] = _leaf
    scope["DETOUR_ITEM"] = _detour_on_null
    exec("\n".join(lines), scope)  # noqa: S102 (source built above from the schema)
    walker: Walker = scope["walk"]
    return walker


def _serialized(index: int, key: str, indent: str) -> list[str]:
    return [
        f"{indent}r = s{index}(v)",
        f"{indent}if r is None or r is Undefined:",
        f"{indent}    raise DETOUR",
        f"{indent}answer[{key}] = r",
    ]


def _leaf(serialize: Callable[[Any], Any], value: Any) -> Any:
    if value is Undefined:
        raise _DETOUR
    serialized = serialize(value)
    if serialized is None or serialized is Undefined:
        raise _DETOUR
    return serialized


def _detour_on_null(value: Any) -> None:
    """None for a value a non-null list item may hold; a detour for None."""
    if value is None or value is Undefined:
        raise _DETOUR


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
    return _generate(tuple(entries))
