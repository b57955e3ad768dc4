"""Names each GraphQL operation in its request's state: /graphql is one route, the
operation is what tells its requests apart. The access log (gateway.access_log) finds
`graphql_operation`: the operation's name when the document parsed and the name is a
GraphQL name, else nothing. Metrics (gateway.metrics.operations) count it under the
name the request asked for, also when the document did not parse."""

from __future__ import annotations

import re
from collections.abc import Iterator

from strawberry.extensions import SchemaExtension

from gateway.metrics.operations import note_operation
from schema.context import Context

# A GraphQL Name, of a length fit for a log line.
_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,99}")


class OperationName(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        try:
            yield
        finally:
            execution = self.execution_context
            if isinstance(execution.context, Context):
                scope = execution.context.request.scope
                name = execution.operation_name
                note_operation(scope, name)
                parsed = execution.graphql_document is not None
                if parsed and isinstance(name, str) and _NAME.fullmatch(name):
                    scope["state"]["graphql_operation"] = name
