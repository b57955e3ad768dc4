"""Names each GraphQL operation in its request's state, for gateway.metrics.http to
count and time it under that name (the one the client asked for, else the document's)."""

from __future__ import annotations

from collections.abc import Iterator

from strawberry.extensions import SchemaExtension

from gateway.metrics.operations import note_operation
from schema.context import Context


class OperationMetrics(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        try:
            yield
        finally:
            # Also when the document did not parse: then it is named as the request asked.
            execution = self.execution_context
            if isinstance(execution.context, Context):
                note_operation(execution.context.request.scope, execution.operation_name)
