"""The static cost of an operation: how many objects it may fetch, known before it runs.

    leaf field, introspection field        0
    object field                           1 + the cost of its selections
    list field                             size * (1 + the cost of its selections)
    field with a `first` argument          1 + the cost of its selections, in which a
      (a connection)                       list field's size is that `first`

A list's size is otherwise DEFAULT_PAGE_SIZE. `first` is read from the document, from the
variables or from its default, and counts at most MAX_PAGE_SIZE (the resolvers refuse
more). Every selection counts, aliases included; a fragment counts at each spread, but is
measured once per page size, so the analysis is linear in the document (GitHub's node
limit and Shopify's calculated query cost work the same way).

The figure depends on the document, the operation and the variables that give a `first`:
`CostCache` keeps it per document text, operation name and those values, so the hot path
(the same query again) costs two dictionary look-ups.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    ArgumentNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_leaf_type,
    is_list_type,
    value_from_ast_untyped,
)

from schema.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

PAGE_ARGUMENT = "first"

VariableKey = tuple[object, ...]


@dataclass
class _Walk:
    """One computation of an operation's cost."""

    schema: GraphQLSchema
    fragments: Mapping[str, FragmentDefinitionNode]
    variables: Mapping[str, Any]
    defaults: Mapping[str, Any]
    read: dict[str, None] = field(default_factory=dict)  # variables that gave a `first`
    measured: dict[tuple[str, int | None], int] = field(default_factory=dict)
    measuring: set[tuple[str, int | None]] = field(default_factory=set)

    def selections(
        self, selection_set: SelectionSetNode, parent: GraphQLNamedType, size: int | None
    ) -> int:
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self.field(selection, parent, size)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent
                if inner is not None:
                    total += self.selections(selection.selection_set, inner, size)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.spread(selection.name.value, size)
        return total

    def spread(self, name: str, size: int | None) -> int:
        key = (name, size)
        known = self.measured.get(key)
        if known is not None:
            return known
        fragment = self.fragments.get(name)
        inner = (
            None if fragment is None else self.schema.get_type(fragment.type_condition.name.value)
        )
        if fragment is None or inner is None or key in self.measuring:
            return 0  # unknown or in a cycle: validation has refused the document already
        self.measuring.add(key)
        cost = self.measured[key] = self.selections(fragment.selection_set, inner, size)
        self.measuring.discard(key)
        return cost

    def field(self, node: FieldNode, parent: GraphQLNamedType, size: int | None) -> int:
        name = node.name.value
        if name.startswith("__") or not isinstance(parent, GraphQLObjectType):
            return 0
        definition = parent.fields.get(name)
        if definition is None or node.selection_set is None:
            return 0
        named = get_named_type(definition.type)
        if is_leaf_type(named):
            return 0
        inner_size = None
        if PAGE_ARGUMENT in definition.args:
            inner_size = self.page_size(node, definition.args[PAGE_ARGUMENT].default_value)
        cost = 1 + self.selections(node.selection_set, named, inner_size)
        if is_list_type(get_nullable_type(definition.type)):
            cost *= DEFAULT_PAGE_SIZE if size is None else size
        return cost

    def page_size(self, node: FieldNode, default: Any) -> int:
        argument = next((a for a in node.arguments or () if a.name.value == PAGE_ARGUMENT), None)
        return _clamp(self.argument(argument, default))

    def argument(self, argument: ArgumentNode | None, default: Any) -> Any:
        if argument is None:
            return default
        value = argument.value
        if isinstance(value, VariableNode):
            name = value.name.value
            self.read[name] = None
            given = self.variables.get(name)
            return self.defaults.get(name, default) if given is None else given
        if isinstance(value, IntValueNode):
            return int(value.value)
        return value_from_ast_untyped(value)


def _clamp(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        return MAX_PAGE_SIZE  # not a page size: execution refuses it, count the most
    return min(max(value, 0), MAX_PAGE_SIZE)


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        return operations[0] if len(operations) == 1 else None
    return next((o for o in operations if o.name and o.name.value == name), None)


def measure(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any],
) -> tuple[int, tuple[str, ...]]:
    """The operation's cost, and the names of the variables it depends on."""
    operation = _operation(document, operation_name)
    if operation is None:
        return 0, ()  # execution reports the missing operation
    root = schema.get_root_type(operation.operation)
    if root is None:
        return 0, ()
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    defaults = {
        v.variable.name.value: value_from_ast_untyped(v.default_value)
        for v in operation.variable_definitions or ()
        if v.default_value is not None
    }
    walk = _Walk(schema, fragments, variables, defaults)
    cost = walk.selections(operation.selection_set, root, None)
    return cost, tuple(walk.read)


def _variable_key(variables: Mapping[str, Any], names: tuple[str, ...]) -> VariableKey:
    """The given values of `names`, as the cost sees them (so always hashable)."""
    return tuple(
        _clamp(variables[name]) if name in variables and variables[name] is not None else None
        for name in names
    )


class CostCache:
    """Costs by document text, operation name and the values of the variables they read;
    the oldest entries go first."""

    def __init__(self, maxsize: int) -> None:
        self._maxsize = maxsize
        self._reads: OrderedDict[tuple[str, str | None], tuple[str, ...]] = OrderedDict()
        self._costs: OrderedDict[tuple[str, str | None, VariableKey], int] = OrderedDict()

    def cost(
        self,
        schema: GraphQLSchema,
        query: str | None,
        document: DocumentNode,
        operation_name: str | None,
        variables: Mapping[str, Any] | None,
    ) -> int:
        variables = variables or {}
        if query is None:  # a document given already parsed: nothing to key it by
            return measure(schema, document, operation_name, variables)[0]
        operation = (query, operation_name)
        names = self._reads.get(operation)
        if names is not None:
            known = self._costs.get((*operation, _variable_key(variables, names)))
            if known is not None:
                return known
        cost, names = measure(schema, document, operation_name, variables)
        _remember(self._reads, operation, names, self._maxsize)
        _remember(self._costs, (*operation, _variable_key(variables, names)), cost, self._maxsize)
        return cost


def _remember(entries: OrderedDict[Any, Any], key: Any, value: Any, maxsize: int) -> None:
    entries[key] = value
    entries.move_to_end(key)
    while len(entries) > maxsize:
        entries.popitem(last=False)
