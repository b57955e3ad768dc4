"""Leaves the GraphQL operation's name in the request state (`graphql_operation`), where
the access log (gateway.access_log) finds it: /graphql is one route, the operation is
what tells its requests apart. Anonymous operations, documents that do not parse and
names that are not GraphQL names leave nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator

from strawberry.extensions import SchemaExtension

from schema.context import Context

# A GraphQL Name, of a length fit for a log line.
_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,99}")


class OperationName(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        execution = self.execution_context
        if not isinstance(execution.context, Context) or execution.graphql_document is None:
            return
        name = execution.operation_name
        if name is not None and _NAME.fullmatch(name):
            execution.context.request.scope["state"]["graphql_operation"] = name
