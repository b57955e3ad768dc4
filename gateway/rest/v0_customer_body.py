"""The v0 create- and update-customer request bodies (../spec v0-resources §3.1, §3.4):
one field table, v0 names -> command fields. See gateway.rest.v0_fields for how a table
is read.

An update takes the same fields, each optional: null clears the email and leaves the
type and status as they are (the names and the phone number cannot be null). It also
takes a `reason` (why a customer is blacklisted), checked and not kept.
"""

from __future__ import annotations

from typing import Any

from gateway.domain import customer_rules as rules
from gateway.domain.customers import CreateCustomerCommand, UpdateCustomerCommand
from gateway.domain.errors import InvalidInput
from gateway.domain.problems import Problem
from gateway.rest.v0_fields import Kind, V0Field, body_object, parse_fields

CUSTOMER_FIELDS = (
    V0Field("first_name", "first_name", Kind.TEXT, required=True, rule=rules.FIRST_NAME),
    V0Field("last_name", "last_name", Kind.TEXT, required=True, rule=rules.LAST_NAME),
    V0Field("phone_number", "phone_number", Kind.TEXT, required=True, rule=rules.PHONE_NUMBER),
    V0Field("email", "email", Kind.TEXT, rule=rules.EMAIL, wrong_type=rules.EMAIL.invalid()),
    V0Field("customer_type", "customer_type", Kind.ENUM, choice=rules.CUSTOMER_TYPE),
    V0Field("status", "status", Kind.ENUM, choice=rules.STATUS),
)
REASON = V0Field("reason", "reason", Kind.TEXT, rule=rules.REASON)
UPDATE_FIELDS = (*CUSTOMER_FIELDS, REASON)

# Null for these is "not given": the default on create, unchanged on update.
_DEFAULTED = ("customer_type", "status")


def _given(values: dict[str, Any]) -> dict[str, Any]:
    return {
        name: value
        for name, value in values.items()
        if not (name in _DEFAULTED and value is None) and name != REASON.target
    }


def parse_create_customer(payload: object) -> CreateCustomerCommand:
    problems: list[Problem] = []
    values = parse_fields(body_object(payload), CUSTOMER_FIELDS, problems)
    if problems:
        raise InvalidInput(problems)
    return CreateCustomerCommand(**_given(values))


def parse_update_customer(payload: object) -> UpdateCustomerCommand:
    """Only the fields given."""
    problems: list[Problem] = []
    values = parse_fields(body_object(payload), UPDATE_FIELDS, problems, partial=True)
    if problems:
        raise InvalidInput(problems)
    return UpdateCustomerCommand(**_given(values))
