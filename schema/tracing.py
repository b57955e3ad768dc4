"""GraphQL spans: one per operation, named as OpenTelemetry's GraphQL conventions say
(`mutation CreateInvoice`, `query` for an unnamed one, `GraphQL Operation` when the
document did not parse), and, when asked, one per resolver call under it.

The operation's span is the current span while it runs, so the SQL and Redis spans of
its resolvers, and the outbox rows it writes (gateway.tracing.outbox), hang under it.
Neither holds the document or its variables: those may carry personal data.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from inspect import isawaitable
from typing import Any

from graphql import GraphQLResolveInfo
from opentelemetry import trace
from opentelemetry.trace import Span, Status, StatusCode
from strawberry.extensions import SchemaExtension
from strawberry.extensions.tracing.utils import should_skip_tracing
from strawberry.extensions.utils import get_path_from_info

from gateway.tracing.settings import GraphQLSpans

_tracer = trace.get_tracer("gateway.graphql")
UNPARSED = "GraphQL Operation"


class OperationSpan(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        with _tracer.start_as_current_span(UNPARSED) as span:
            yield
            self._describe(span)

    def _describe(self, span: Span) -> None:
        execution = self.execution_context
        name = execution.operation_name
        kind: str | None = None
        if execution.graphql_document is not None:
            try:
                kind = execution.operation_type.value
            except RuntimeError:  # no operation of that name in the document
                kind = None
        if kind is not None:
            span.update_name(f"{kind} {name}" if name else kind)
            span.set_attribute("graphql.operation.type", kind)
        if name:
            span.set_attribute("graphql.operation.name", name)
        result = execution.result
        if result is not None and result.errors:
            span.set_status(Status(StatusCode.ERROR, result.errors[0].message))


class ResolverSpans(OperationSpan):
    def resolve(
        self,
        _next: Callable[..., Any],
        root: Any,
        info: GraphQLResolveInfo[Any],
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        if should_skip_tracing(_next, info):
            return _next(root, info, *args, **kwargs)
        span = _tracer.start_span(
            f"resolve {info.parent_type.name}.{info.field_name}",
            attributes={"graphql.field.path": ".".join(map(str, get_path_from_info(info)))},
        )
        try:
            with trace.use_span(span, end_on_exit=False):
                result = _next(root, info, *args, **kwargs)
        except Exception:
            span.end()
            raise
        if isawaitable(result):
            return _finish(span, result)
        span.end()
        return result


async def _finish(span: Span, result: Awaitable[Any]) -> Any:
    with trace.use_span(span, end_on_exit=True):
        return await result


def span_extensions(spans: GraphQLSpans) -> list[type[SchemaExtension]]:
    if spans is GraphQLSpans.RESOLVERS:
        return [ResolverSpans]
    if spans is GraphQLSpans.OPERATION:
        return [OperationSpan]
    return []
