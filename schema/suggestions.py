"""Hiding graphql-core's "Did you mean ...?" suggestions, which name the schema's fields,
arguments, types and enum values: with introspection off they would leak it.

graphql-core takes `hide_suggestions` in validation (unknown fields, arguments, types,
enum literals) and in execution (variable values); Strawberry passes it to neither, so a
schema that hides them validates through `Validation(hide_suggestions=True)` and
executes with an executor class from `hiding_suggestions`.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache, lru_cache
from typing import Any

from graphql import ASTValidationRule, DocumentNode, GraphQLError, GraphQLSchema, validate
from strawberry.extensions import ValidationCache
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

ExecutionContextClass = type[StrawberryGraphQLCoreExecutionContext]


_hiding: dict[ExecutionContextClass, ExecutionContextClass] = {}


def hiding_suggestions(base: ExecutionContextClass) -> ExecutionContextClass:
    """`base`, building its executors with hide_suggestions (one class per base)."""
    made = _hiding.get(base)
    if made is not None:
        return made

    class HidingSuggestions(base):  # type: ignore[valid-type,misc]
        @classmethod
        def build(cls, *args: Any, **kwargs: Any) -> Any:
            return super().build(*args, **{**kwargs, "hide_suggestions": True})

    HidingSuggestions.__name__ = HidingSuggestions.__qualname__ = f"{base.__name__}Hiding"
    _hiding[base] = HidingSuggestions
    return HidingSuggestions


class Validation(ValidationCache):
    """Strawberry's ValidationCache (its rules, its cache), or with hide_suggestions a
    cache of its own around graphql-core's validate with hide_suggestions.

    In front of either, the answer by the document's identity: the parser cache hands a
    repeated query the same DocumentNode, and the LRU cache behind would hash it, which
    walks the whole tree (about 25 µs for the bench's page, every request)."""

    def __init__(self, maxsize: int, *, hide_suggestions: bool) -> None:
        super().__init__(maxsize)
        self._maxsize = maxsize
        if hide_suggestions:
            self.cached_validate_document = _cache_hiding_suggestions(maxsize)

    def on_validate(self) -> Iterator[None]:
        execution = self.execution_context
        document = execution.graphql_document
        schema = execution.schema._schema
        rules = tuple(execution.validation_rules)
        key = (id(schema), id(document), id(self.cached_validate_document), rules)
        found = _validated.get(key)
        if found is not None and found[0] is document:
            errors = found[1]
        else:
            errors = self.cached_validate_document(schema, document, rules)
            if len(_validated) >= self._maxsize:
                _validated.clear()
            _validated[key] = (document, errors)
        execution.pre_execution_errors = errors
        yield


# By (schema, document, validator, rules) identities; the document kept alongside, so
# its id is not reused while the entry lives.
_validated: dict[tuple[Any, ...], tuple[DocumentNode | None, list[GraphQLError]]] = {}


@cache
def _cache_hiding_suggestions(maxsize: int) -> Any:
    @lru_cache(maxsize=maxsize)
    def validate_hiding_suggestions(
        schema: GraphQLSchema,
        document: DocumentNode,
        rules: tuple[type[ASTValidationRule], ...],
    ) -> list[GraphQLError]:
        # The rules strawberry.schema.schema.validate_document adds.
        rules = (*rules, MaybeNullValidationRule, OneOfInputValidationRule)
        return validate(schema, document, rules, hide_suggestions=True)

    return validate_hiding_suggestions
