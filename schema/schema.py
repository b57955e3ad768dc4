"""The Schema, with its guardrails and caches. Validation rules are built once, here:
rule classes built per request would never hit the validation cache.

The app builds its schema with the execution context its settings choose
(schema.execution.choose_execution_context, called by schema.app); `schema` below is the
stock-executed one, for the SDL and tools."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import strawberry
from graphql import ASTValidationRule, GraphQLError
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import MaxTokensLimiter, ParserCache, SchemaExtension
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types import ExecutionContext

from gateway.tracing.settings import GraphQLSpans
from schema.context import Context
from schema.cost_limit import CostLimit
from schema.limits import alias_limit, depth_limit, selection_limit
from schema.mutations import Mutation
from schema.operation_name import OperationName
from schema.queries import Query
from schema.scalars import SCALARS
from schema.subscriptions import Subscription
from schema.suggestions import Validation, hiding_suggestions

MAX_DEPTH = 10
MAX_ALIASES = 30
MAX_TOKENS = 2000
# Fields selected with every fragment spread expanded (GitHub's node limit, per document).
MAX_SELECTIONS = 5000
CACHE_SIZE = 256

RULES: tuple[type[ASTValidationRule], ...] = (
    depth_limit(MAX_DEPTH),
    alias_limit(MAX_ALIASES),
    selection_limit(MAX_SELECTIONS),
)
RULES_WITHOUT_INTROSPECTION = (*RULES, NoSchemaIntrospectionCustomRule)


class Guardrails(SchemaExtension):
    """Adds RULES, and the no-introspection rule when settings.graphql_introspection is off.

    Either way the rules are one of two tuples built at import, so validation stays cached.
    """

    def on_operation(self) -> Iterator[None]:
        execution = self.execution_context
        context = execution.context
        introspection = not isinstance(context, Context) or (
            context.runtime.settings.graphql_introspection
        )
        rules = RULES if introspection else RULES_WITHOUT_INTROSPECTION
        execution.validation_rules = (*execution.validation_rules, *rules)
        yield


class GatewaySchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """schema.errors logs what needs logging, with the request id."""


def _extensions(*, hide_suggestions: bool, spans: GraphQLSpans) -> list[Any]:
    # In this order: the operation's span covers all the others; the token limit is a
    # parse option, so a document over it is refused before any rule sees it; the cost
    # is measured only once the document is valid.
    return [
        *_span_extensions(spans),
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: ParserCache(maxsize=CACHE_SIZE),
        Guardrails,
        lambda: Validation(maxsize=CACHE_SIZE, hide_suggestions=hide_suggestions),
        CostLimit,
        OperationName,
    ]


def _span_extensions(spans: GraphQLSpans) -> list[Any]:
    if spans is GraphQLSpans.NONE:
        return []  # not even imported: an untraced process loads no OpenTelemetry SDK
    from schema.tracing import span_extensions

    return list(span_extensions(spans))


ExecutionContextClass = type[StrawberryGraphQLCoreExecutionContext]

# One schema per execution context class, introspection setting, spans and process: every app
# built (tests build many) shares it, so schema.execution's field plans and the
# validation cache stay bounded.
_schemas: dict[tuple[ExecutionContextClass, bool, GraphQLSpans], GatewaySchema] = {}


def schema_for(
    execution_context_class: ExecutionContextClass = StrawberryGraphQLCoreExecutionContext,
    *,
    introspection: bool = True,
    spans: GraphQLSpans = GraphQLSpans.NONE,
) -> GatewaySchema:
    """The schema, run with `execution_context_class`. Without `introspection`, its
    errors suggest no names ("Did you mean ...?"): those would show the schema. `spans`:
    what an operation adds to the trace (schema.tracing)."""
    key = (execution_context_class, introspection, spans)
    built = _schemas.get(key)
    if built is None:
        built = _schemas[key] = GatewaySchema(
            query=Query,
            mutation=Mutation,
            subscription=Subscription,
            extensions=_extensions(hide_suggestions=not introspection, spans=spans),
            config=StrawberryConfig(scalar_map=SCALARS),
            execution_context_class=(
                execution_context_class
                if introspection
                else hiding_suggestions(execution_context_class)
            ),
        )
    return built


schema = schema_for()
