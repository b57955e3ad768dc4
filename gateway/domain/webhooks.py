"""Webhook endpoints as commands: create and update (v0 `name`, `url`, `isActive`,
`encrypted`, `events`), and which event types an endpoint's filter lets through.

A filter is a list of patterns: an event type ("invoice.paid"), every type of one
resource ("invoice.*") or every type ("*"). What a pattern may name is the gateway's
known event types, which the caller passes in (they are gateway.services.events').
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from gateway.domain.errors import InvalidInput
from gateway.domain.problems import Problem, under
from gateway.domain.update_invoice import UNCHANGED, Unchanged
from gateway.domain.value_rules import Count, EachValue, Text, Url

MIN_NAME_LENGTH = 3
MAX_NAME_LENGTH = 100
MAX_EVENT_PATTERNS = 50
MAX_PATTERN_LENGTH = 64
EVERY_EVENT = "*"
_WILDCARD = ".*"


@dataclass(frozen=True)
class CreateWebhookCommand:
    url: str
    name: str = ""
    is_active: bool = True
    encrypted: bool = False
    events: tuple[str, ...] = (EVERY_EVENT,)


@dataclass(frozen=True)
class UpdateWebhookCommand:
    """A field left UNCHANGED keeps its stored value."""

    url: str | Unchanged = UNCHANGED
    name: str | Unchanged = UNCHANGED
    is_active: bool | Unchanged = UNCHANGED
    encrypted: bool | Unchanged = UNCHANGED
    events: tuple[str, ...] | Unchanged = UNCHANGED

    def changes(self) -> dict[str, object]:
        return {
            field.name: value
            for field in dataclasses.fields(self)
            if (value := getattr(self, field.name)) is not UNCHANGED
        }


def subscribes(patterns: Sequence[str] | None, event_type: str) -> bool:
    """Whether an endpoint with these patterns (None: every type) gets `event_type`."""
    if patterns is None:
        return True
    resource = event_type.partition(".")[0]
    return any(
        pattern in (EVERY_EVENT, event_type) or pattern == resource + _WILDCARD
        for pattern in patterns
    )


def pattern_problems(patterns: Sequence[str], known: Iterable[str]) -> list[Problem]:
    """Problems of a filter (paths ("events", index)): at least one pattern, each an
    event type of `known`, "<resource>.*" of a resource of `known`, or "*"."""
    known_types = set(known)
    resources = {event_type.partition(".")[0] for event_type in known_types}
    if not patterns:
        return [Problem(("events",), "EMPTY", "should not be empty")]
    if len(patterns) > MAX_EVENT_PATTERNS:
        message = f"must contain no more than {MAX_EVENT_PATTERNS} elements"
        return [Problem(("events",), "TOO_MANY", message)]
    problems = []
    for index, pattern in enumerate(patterns):
        wildcard = pattern.endswith(_WILDCARD) and pattern[: -len(_WILDCARD)] in resources
        if pattern != EVERY_EVENT and pattern not in known_types and not wildcard:
            message = 'must be a known event type (such as "invoice.paid"), "<resource>.*" or "*"'
            problems.append(Problem(("events", index), "UNKNOWN_EVENT_TYPE", message))
    return problems


@dataclass(frozen=True)
class Name:
    """A webhook's name: MIN_NAME_LENGTH to MAX_NAME_LENGTH characters."""

    min_length: int = MIN_NAME_LENGTH
    max_length: int = MAX_NAME_LENGTH

    def check(self, value: str) -> list[Problem]:
        if len(value) < self.min_length:
            message = f"must be longer than or equal to {self.min_length} characters"
            return [Problem((), "TOO_SHORT", message)]
        return Text(self.max_length).check(value)


NAME = Name()
URL = Url()
EVENTS = EachValue(Count(1, MAX_EVENT_PATTERNS), Text(MAX_PATTERN_LENGTH, required=True))


def checked(command: CreateWebhookCommand | UpdateWebhookCommand, known: Iterable[str]) -> None:
    """InvalidInput with the command's problems: its name and its event filter."""
    given = command.changes() if isinstance(command, UpdateWebhookCommand) else vars(command)
    problems: list[Problem] = []
    name = given.get("name")
    if isinstance(name, str) and (name or isinstance(command, UpdateWebhookCommand)):
        problems += under(("name",), NAME.check(name))
    events = given.get("events")
    if isinstance(events, tuple):
        problems += pattern_problems(events, known)
    if problems:
        raise InvalidInput(problems)
