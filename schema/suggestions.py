"""Hiding graphql-core's "Did you mean ...?" suggestions, which name the schema's fields,
arguments, types and enum values: with introspection off they would leak it.

graphql-core takes `hide_suggestions` in validation (unknown fields, arguments, types,
enum literals) and in execution (variable values); Strawberry passes it to neither, so a
schema that hides them validates through `Validation(hide_suggestions=True)` and
executes with an executor class from `hiding_suggestions`.
"""

from __future__ import annotations

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
    cache of its own around graphql-core's validate with hide_suggestions."""

    def __init__(self, maxsize: int, *, hide_suggestions: bool) -> None:
        super().__init__(maxsize)
        if hide_suggestions:
            self.cached_validate_document = _cache_hiding_suggestions(maxsize)


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
