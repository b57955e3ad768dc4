"""The depth, alias and selection limits: validation rules linear in the document.

Both measure the operation with every fragment spread expanded, as Strawberry's
QueryDepthLimiter and MaxAliasesLimiter do, but they measure each fragment once and reuse
the figure at every spread: fragments that each spread the next one twice expand to 2^n
selections, and walking every spread again would pin a worker for minutes. A spread of a
fragment being measured (a cycle) or of an undefined one counts as nothing here:
NoFragmentCyclesRule and KnownFragmentNamesRule report those.

They measure on entering the document, inside graphql-core's visit, so their errors come
first and a document nested too deeply for the interpreter is "Validation aborted." (as
graphql-core's own check of fragment nesting makes it), not an internal error.
"""

from __future__ import annotations

from collections.abc import Callable

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    Node,
    OperationDefinitionNode,
    SelectionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
)

Measure = Callable[[SelectionSetNode, "Expanded"], int]


class Expanded:
    """A measure of selection sets with fragment spreads expanded, computed once per
    selection set: `measure(selection_set, expanded)` calls `expanded` for the selection
    sets below it, and `expanded.spread` for a fragment spread."""

    def __init__(
        self,
        context: ValidationContext,
        measure: Callable[[SelectionSetNode, Expanded], int],
    ) -> None:
        self._context = context
        self._measure = measure
        self._measured: dict[int, int] = {}
        self._measuring: set[int] = set()

    def __call__(self, selection_set: SelectionSetNode) -> int:
        key = id(selection_set)
        known = self._measured.get(key)
        if known is not None:
            return known
        if key in self._measuring:
            return 0
        self._measuring.add(key)
        value = self._measured[key] = self._measure(selection_set, self)
        self._measuring.discard(key)
        return value

    def fragment(self, spread: FragmentSpreadNode) -> FragmentDefinitionNode | None:
        return self._context.get_fragment(spread.name.value)

    def spread(self, spread: FragmentSpreadNode) -> int:
        fragment = self.fragment(spread)
        return 0 if fragment is None else self(fragment.selection_set)


def _reach(selection_set: SelectionSetNode, expanded: Expanded) -> int:
    """How many levels below `selection_set` its deepest selection lies (0: none below).

    As in QueryDepthLimiter, introspection fields (`__schema`, `__type`) add no depth."""
    deepest = 0
    for selection in selection_set.selections:
        below = _below(selection, expanded)
        if below is not None:
            deepest = max(deepest, isinstance(selection, FieldNode) + expanded(below))
    return deepest


def _counting(field_counts: Callable[[FieldNode], int]) -> Measure:
    """A measure that adds `field_counts` of each field, fragments expanded."""

    def count(selection_set: SelectionSetNode, expanded: Expanded) -> int:
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += field_counts(selection)
                if selection.selection_set is not None:
                    total += expanded(selection.selection_set)
            elif isinstance(selection, InlineFragmentNode):
                total += expanded(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                total += expanded.spread(selection)
        return total

    return count


_aliases = _counting(lambda field: field.alias is not None)
_fields = _counting(lambda _field: 1)


def _operations(context: ValidationContext) -> list[OperationDefinitionNode]:
    return [d for d in context.document.definitions if isinstance(d, OperationDefinitionNode)]


def _below(selection: SelectionNode, reach: Expanded) -> SelectionSetNode | None:
    """The selection set whose depth counts towards `selection`'s."""
    if isinstance(selection, FieldNode):
        return None if selection.name.value.startswith("__") else selection.selection_set
    if isinstance(selection, InlineFragmentNode):
        return selection.selection_set
    if isinstance(selection, FragmentSpreadNode):
        fragment = reach.fragment(selection)
        return None if fragment is None else fragment.selection_set
    return None


def _too_deep(operation: OperationDefinitionNode, reach: Expanded, limit: int) -> Node:
    """The first selection on a path down `operation` that lies deeper than `limit` levels
    (one path, guided by the memoized reaches, so this is linear too)."""
    selection_set, depth = operation.selection_set, 0
    seen: set[tuple[int, int]] = set()
    while depth <= limit:
        if (id(selection_set), depth) in seen:
            return operation  # a fragment cycle, which NoFragmentCyclesRule reports
        seen.add((id(selection_set), depth))
        for selection in selection_set.selections:
            below = _below(selection, reach)
            level = depth + isinstance(selection, FieldNode)
            if below is not None and level + reach(below) > limit:
                selection_set, depth = below, level
                break
        else:
            return operation
    return selection_set.selections[0]


def depth_limit(max_depth: int) -> type[ValidationRule]:
    class DepthLimit(ValidationRule):
        """No operation nests fields more than `max_depth` levels deep."""

        def enter_document(self, *_args: object) -> None:
            reach = Expanded(self.context, _reach)
            for operation in _operations(self.context):
                if reach(operation.selection_set) > max_depth:
                    name = operation.name.value if operation.name else "anonymous"
                    self.report_error(
                        GraphQLError(
                            f"'{name}' exceeds maximum operation depth of {max_depth}",
                            _too_deep(operation, reach, max_depth),
                        )
                    )

    return DepthLimit


def alias_limit(max_aliases: int) -> type[ValidationRule]:
    class AliasLimit(ValidationRule):
        """The document's operations, fragments expanded, use at most `max_aliases` aliases."""

        def enter_document(self, *_args: object) -> None:
            aliases = Expanded(self.context, _aliases)
            count = sum(aliases(operation.selection_set) for operation in _operations(self.context))
            if count > max_aliases:
                self.report_error(GraphQLError(f"{count} aliases found. Allowed: {max_aliases}"))

    return AliasLimit


def selection_limit(max_fields: int) -> type[ValidationRule]:
    class SelectionLimit(ValidationRule):
        """The document's operations, fragments expanded, select at most `max_fields`
        fields: a few hundred bytes of fragments that spread each other twice expand to
        billions of selections, which no client means to send."""

        def enter_document(self, *_args: object) -> None:
            fields = Expanded(self.context, _fields)
            count = sum(fields(operation.selection_set) for operation in _operations(self.context))
            if count > max_fields:
                self.report_error(
                    GraphQLError(
                        f"{count} field selections once fragments are expanded. "
                        f"Allowed: {max_fields}"
                    )
                )

    return SelectionLimit
