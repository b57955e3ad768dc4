"""What a client sees of an error: GatewayErrors keep their message and gain their
`code`; GraphQL's own errors (syntax, validation, coercion) pass with a code; anything
else is masked as "Internal server error (request id ...)" and logged with that id.

    extensions.code
    ├── <GatewayError.code>          INVALID_INPUT, RATE_LIMITED, SERVICE_UNAVAILABLE ...
    ├── SERVICE_UNAVAILABLE          also: the database unreachable (gateway.db.availability)
    ├── GRAPHQL_PARSE_FAILED         syntax error, too many tokens
    ├── GRAPHQL_VALIDATION_FAILED    unknown field, depth/alias limit, introspection off,
    │                                a variable the schema cannot coerce ...
    ├── QUERY_TOO_COSTLY             over the cost budget (schema.cost_limit), with
    │                                extensions.cost and .budget
    ├── BAD_USER_INPUT               a value rejected during execution
    └── INTERNAL_SERVER_ERROR        everything else (masked)

Applied to every result by the HTTP view (schema.app), not by a schema extension: an
exception that escapes the operation (say, from a validation rule) skips the extensions'
on_operation exits and would reach the client unmasked.

A request error (nothing ran: no data, and no error names a field's path) has an HTTP
status, used when the answer is application/graphql-response+json (schema.media_types):
400 for the request's own faults (parse, validation, coercion, cost), a GatewayError's own
status, 503 for an unreachable database, 500 for anything else.
"""

from __future__ import annotations

import logging

from graphql import GraphQLError, GraphQLSyntaxError
from strawberry.types import ExecutionResult

from gateway.db.availability import DatabaseAvailability, is_unreachable
from gateway.domain.errors import GatewayError, ServiceUnavailable

log = logging.getLogger("gateway.graphql")


def present(
    errors: list[GraphQLError], request_id: str, database: DatabaseAvailability
) -> list[GraphQLError]:
    return [_present(error, request_id, database) for error in errors]


def _present(error: GraphQLError, request_id: str, database: DatabaseAvailability) -> GraphQLError:
    original = error.original_error
    if isinstance(original, GatewayError):
        return _copy(error, error.message, {"code": original.code})
    if original is not None and is_unreachable(original):
        database.report_failure(original)  # one log line per outage, not per field
        unavailable = ServiceUnavailable()
        return _copy(error, unavailable.message, {"code": unavailable.code})
    if original is None or isinstance(original, GraphQLError):
        extensions = error.extensions or {}
        return _copy(error, error.message, {**extensions, "code": _code(error, extensions)})
    log.error(
        "unhandled error in GraphQL request_id=%s path=%s",
        request_id,
        error.path,
        exc_info=original,
    )
    return _copy(
        error,
        f"Internal server error (request id {request_id})",
        {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
    )


def request_error_status(result: ExecutionResult) -> int | None:
    """The status of `result` when it is a request error (see above), else None."""
    if result.data is not None or not result.errors:
        return None
    if any(error.path is not None for error in result.errors):
        return None  # execution ran: a null root, with field errors
    return max(_status(error) for error in result.errors)


def _status(error: GraphQLError) -> int:
    original = error.original_error
    if isinstance(original, GatewayError):
        return original.status_code
    if original is not None and is_unreachable(original):
        return ServiceUnavailable.status_code
    if original is None or isinstance(original, GraphQLError):
        return 400
    return 500


def _code(error: GraphQLError, extensions: dict[str, object]) -> str:
    given = extensions.get("code")
    if isinstance(given, str):
        return given  # the gateway's own GraphQLErrors name their code
    if isinstance(error, GraphQLSyntaxError):
        return "GRAPHQL_PARSE_FAILED"
    if error.path is None:
        return "GRAPHQL_VALIDATION_FAILED"
    return "BAD_USER_INPUT"


def _copy(error: GraphQLError, message: str, extensions: dict[str, object]) -> GraphQLError:
    # original_error is dropped: nothing of it may reach the client.
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions=extensions,
    )
