"""The body of POST .../void and .../mark_uncollectible: `{"reason"?}`, or no body at all."""

from __future__ import annotations

from gateway.domain import invoice_closing as rules
from gateway.domain.errors import InvalidInput
from gateway.domain.invoice_closing import CloseRequest
from gateway.domain.problems import Problem
from gateway.rest.v0_fields import Kind, V0Field, body_object, parse_fields

CLOSE_FIELDS = (V0Field("reason", "reason", Kind.TEXT, rule=rules.REASON),)


def parse_close(payload: object, *, empty: bool) -> CloseRequest:
    """`empty`: the request came without a body, which asks for no reason."""
    if empty:
        return CloseRequest()
    problems: list[Problem] = []
    values = parse_fields(body_object(payload), CLOSE_FIELDS, problems)
    if problems:
        raise InvalidInput(problems)
    return CloseRequest(**values)
