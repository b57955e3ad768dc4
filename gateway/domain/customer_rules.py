"""What may be wrong with the values of a create- or update-customer command (v0
§3.1): names of 1-100 characters, a phone number of at most 20 in E.164 shape, an
optional email address of at most 255, and the v0 customer types and statuses."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from gateway.domain.customers import CreateCustomerCommand, UpdateCustomerCommand
from gateway.domain.errors import InvalidInput
from gateway.domain.problems import Problem, empty
from gateway.domain.resource_enums import CustomerStatus, CustomerType
from gateway.domain.value_rules import Choice, Email, Rule, Text, field_problems

# The API reference's ^[+]?[1-9]\d{1,14}$, with \d spelled as the ASCII digits it means
# (Python's \d also matches other scripts' digits; ECMA-262's does not).
PHONE_PATTERN = "^[+]?[1-9][0-9]{1,14}$"
_PHONE = re.compile(PHONE_PATTERN)


@dataclass(frozen=True)
class PhoneNumber:
    """An international number: an optional +, then 2-15 digits not starting with 0."""

    max_length: int = 20
    required: bool = True
    pattern = PHONE_PATTERN

    def invalid(self) -> Problem:
        message = r"must match /^[+]?[1-9]\d{1,14}$/ regular expression"
        return Problem((), "NOT_PHONE_NUMBER", message)

    def check(self, value: str) -> list[Problem]:
        problems = [empty()] if self.required and not value else []
        if len(value) > self.max_length:
            message = f"must be shorter than or equal to {self.max_length} characters"
            return [*problems, Problem((), "TOO_LONG", message)]
        return problems if _PHONE.fullmatch(value) else [*problems, self.invalid()]


FIRST_NAME = Text(100, required=True)
LAST_NAME = Text(100, required=True)
PHONE_NUMBER = PhoneNumber()
EMAIL = Email(max_length=255, required=False)
CUSTOMER_TYPE = Choice(list(CustomerType))
STATUS = Choice(list(CustomerStatus))
# The list filters: a part of a first or last name, a whole email address.
NAME_FILTER = Text(100)
EMAIL_FILTER = Text(255)
# Why a customer is blacklisted (v0 takes it with the update; it is not kept).
REASON = Text(500)

RULES: dict[str, Rule[Any]] = {
    "first_name": FIRST_NAME,
    "last_name": LAST_NAME,
    "phone_number": PHONE_NUMBER,
    "email": EMAIL,
    "customer_type": CUSTOMER_TYPE,
    "status": STATUS,
}


def checked_create(command: CreateCustomerCommand) -> CreateCustomerCommand:
    problems = field_problems(RULES, vars(command))
    if problems:
        raise InvalidInput(problems)
    return command


def checked_update(command: UpdateCustomerCommand) -> UpdateCustomerCommand:
    problems = field_problems(RULES, command.changes())
    if problems:
        raise InvalidInput(problems)
    return command
