"""The cost budget: an operation whose cost (schema.cost) passes settings.graphql_max_cost
is refused before it runs, with QUERY_TOO_COSTLY; every operation that is valid gets
`extensions.cost` in its answer:

    {"data": ..., "extensions": {"cost": {"requested": 2502, "budget": 10000}}}
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from gateway.metrics.operations import note_cost
from gateway.settings import Settings
from schema.context import Context
from schema.cost import CostCache

CACHE_SIZE = 256
COSTS = CostCache(CACHE_SIZE)


def too_costly(requested: int, budget: int) -> GraphQLError:
    return GraphQLError(
        f"Query cost {requested} exceeds the budget of {budget}: "
        "ask for smaller pages (first) or fewer nested lists",
        extensions={"code": "QUERY_TOO_COSTLY", "cost": requested, "budget": budget},
    )


class CostLimit(SchemaExtension):
    requested: int | None = None
    budget: int = Settings.graphql_max_cost

    def on_execute(self) -> Iterator[None]:
        execution = self.execution_context
        context = execution.context
        if isinstance(context, Context):
            self.budget = context.runtime.settings.graphql_max_cost
        assert execution.graphql_document is not None  # on_execute runs after parsing
        self.requested = COSTS.cost(
            execution.schema._schema,
            execution.query,
            execution.graphql_document,
            execution.operation_name,
            execution.variables,
        )
        if isinstance(context, Context):
            note_cost(context.request.scope, self.requested)
        if self.requested > self.budget:
            error = too_costly(self.requested, self.budget)
            execution.result = GraphQLExecutionResult(data=None, errors=[error])
        yield

    def get_results(self) -> dict[str, object]:
        if self.requested is None:
            return {}
        return {"cost": {"requested": self.requested, "budget": self.budget}}
