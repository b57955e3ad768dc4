"""The request bodies the document states (generated from the v0 field tables) against
the parsers that read those tables: bodies generated from the document, valid and
invalid, are accepted and refused by the parser as the document says, but for the few
things a JSON Schema cannot state (GAPS). And the overlay cannot state a constraint."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import jsonschema_rs
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import Case, GenerationMode

from gateway.domain.errors import InvalidInput
from gateway.domain.problems import Problem
from gateway.rest.openapi import openapi_document
from gateway.rest.openapi.overlay import OverlayError, annotated
from gateway.rest.v0_invoice_body import INVOICE_FIELDS, parse_create_invoice, parse_update_invoice
from gateway.rest.v0_payment_body import parse_payment
from gateway.rest.v0_schema import body_schema
from tests.apptest import basic_invoice

DOCUMENT = openapi_document()
SCHEMA = schemathesis.openapi.from_dict(DOCUMENT)
JSON = (dict, list, str, int, float, bool, type(None))
EXAMPLES = 80
BODIES = [
    ("/api/v0/invoices", "POST", parse_create_invoice),
    ("/api/v0/invoices/{invoice_id}", "PUT", parse_update_invoice),
    ("/api/v0/invoices/{invoice_id}/payments", "POST", parse_payment),
]
IDS = ["create", "update", "payment"]
VALID = [basic_invoice(), {}, {"amount": 1, "method": "CRYPTO"}]
ITEM = {"product_id": "prod_1", "quantity": 1}
# Values at and past the tables' limits, and of the wrong types, for every field.
EDGES: list[object] = [
    *(None, True, [], {}, [{}], [None], [ITEM], [ITEM] * 100, [ITEM] * 101),
    *(0, -1, 0.001, 0.01, 1, 2.00005, 1_000_000, 1_000_000.5, 10**18, 10**18 - 1),
    *("1E18", "0.001", "12.34", "-1", "", " ", "\x00", "a\x00b", "x", "prod_1"),
    *("a" * 64, "a" * 65, "a" * 200, "a" * 201, "a" * 500, "a" * 501),
    *("DRAFT", "OPEN", "PAID", "EMAIL", "CRYPTO", ["CRYPTO", "CRYPTO"], ["crypto"]),
    *("2030-01-31", "2030-02-30", "2030-1-31", "0000-01-01"),
    *("B4D7FC2F-3D04-4C3C-A1A6-0A9F1A1C8A5E", "b4d7fc2f-3d04-4c3c-a1a6-0a9f1a1c8a5"),
    *("a@example.com", "a@example", "http://example.com/a.png", "ftp://example.com"),
    *("http://e.co/" + "a" * 2036, "http://e.co/" + "a" * 2037),
    *("usdc", "eurc", "USDC"),
]


def _email_too_long(value: object) -> bool:
    if not isinstance(value, str):
        return False
    local, _, domain = value.rpartition("@")
    return len(local) > 64 or len(domain) > 253


def _url_refused(value: object) -> bool:
    """What the logo pattern only roughly states: the port's range, the IPv6 address."""
    if not isinstance(value, str):
        return False
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError out of range
    except ValueError:
        return True
    host = parts.hostname or ""
    if parts.netloc.rpartition("@")[2].startswith("["):
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return True
    return False


def _numeral(value: object) -> bool:
    """A string amount: its bounds and places are stated of numbers only."""
    return isinstance(value, str)


def _year_zero(value: object) -> bool:
    """RFC 3339 has a year 0000; Python's date does not."""
    return isinstance(value, str) and value.startswith("0000-")


def _fixed_discount(value: object) -> bool:
    """A discount's value is stated for any type; a FIXED one is an amount (0.01, 2 places)."""
    return isinstance(value, int | float) and (value < 0.01 or round(value, 2) != value)


def _percentage(value: object) -> bool:
    """... and a PERCENTAGE one at most 100."""
    return isinstance(value, int | float) and value > 100


# Where a body the document allows is refused, by (field, problem code): the value must
# be one of these the document cannot rule out.
GAPS: dict[tuple[str, str], Callable[[Any], bool]] = {
    ("email", "NOT_EMAIL"): _email_too_long,
    ("logo", "NOT_URL"): _url_refused,
    ("amount", "TOO_LARGE"): _numeral,
    ("amount", "TOO_PRECISE"): _numeral,
    ("due_date", "NOT_DATE"): _year_zero,
    ("send_date", "NOT_DATE"): _year_zero,
    ("value", "TOO_SMALL"): _fixed_discount,
    ("value", "TOO_PRECISE"): _fixed_discount,
    ("value", "TOO_LARGE"): _percentage,
}


def _validator(component: str) -> Any:
    # The component's $refs ("#/components/schemas/...") resolve against this root.
    schema = {"$ref": f"#/components/schemas/{component}", "components": DOCUMENT["components"]}
    return jsonschema_rs.Draft202012Validator(schema, validate_formats=True)


def _component(path: str, method: str) -> str:
    operation = DOCUMENT["paths"][path][method.lower()]
    ref: str = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    return ref.rpartition("/")[2]


def _value(body: Any, problem: Problem) -> Any:
    for part in problem.path:
        body = body[part]
    return body


def _in_a_gap(body: Any, problem: Problem) -> bool:
    allowed = GAPS.get((str(problem.path[-1]), problem.code)) if problem.path else None
    return allowed is not None and allowed(_value(body, problem))


def _parser_agrees(validator: Any, parse: Callable[[object], object], body: object) -> bool:
    """Whether the document allows `body`, after checking that `parse` agrees."""
    allowed: bool = validator.is_valid(body)
    try:
        parse(body)
    except InvalidInput as refused:
        gaps = all(_in_a_gap(body, problem) for problem in refused.problems)
        assert not allowed or gaps, (body, refused.messages)
    else:
        assert allowed, body
    return allowed


@pytest.mark.parametrize(("path", "method", "parse"), BODIES, ids=IDS)
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_the_parser_accepts_what_the_document_allows_and_only_that(
    path: str, method: str, parse: Callable[[object], object], mode: GenerationMode
) -> None:
    validator = _validator(_component(path, method))
    seen: set[bool] = set()

    @given(case=SCHEMA[path][method].as_strategy(mode))
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    def check(case: Case[Any]) -> None:
        body = case.body
        if not isinstance(body, JSON):  # raw bytes or no body at all: not the parser's
            return
        seen.add(_parser_agrees(validator, parse, body))

    check()
    # Negative cases are negative somewhere (often a header): some bodies must be too.
    assert True in seen and (mode is GenerationMode.POSITIVE or False in seen)


@pytest.mark.parametrize(
    ("path", "method", "parse", "body"),
    [(*operation, body) for operation, body in zip(BODIES, VALID, strict=True)],
    ids=IDS,
)
def test_the_parser_agrees_at_every_fields_edges(
    path: str, method: str, parse: Callable[[object], object], body: dict[str, Any]
) -> None:
    validator = _validator(_component(path, method))
    assert _parser_agrees(validator, parse, body)
    fields = DOCUMENT["components"]["schemas"][_component(path, method)]["properties"]
    for field in fields:
        allowed = [_parser_agrees(validator, parse, {**body, field: edge}) for edge in EDGES]
        assert True in allowed and False in allowed, field


def test_optional_fields_may_be_null_and_required_ones_not() -> None:
    schema = body_schema(INVOICE_FIELDS)
    for spec in INVOICE_FIELDS:
        nullable = jsonschema_rs.validator_for(schema["properties"][spec.name]).is_valid(None)
        assert nullable is not spec.required, spec.name


@given(key=st.sampled_from(["maxLength", "minimum", "enum", "format", "type", "nullable"]))
def test_an_overlay_states_no_constraint(key: str) -> None:
    with pytest.raises(OverlayError, match=key):
        annotated(body_schema(INVOICE_FIELDS), {"name": {key: 1}})


def test_an_overlay_names_only_fields_of_the_table() -> None:
    with pytest.raises(OverlayError, match="customerId"):
        annotated(body_schema(INVOICE_FIELDS), {"customerId": {"description": "typo"}})


@pytest.mark.parametrize(
    "field",
    [
        "walletId",  # the rule's own pattern stands
        "payment_link",  # no string
        "items",
    ],
)
def test_an_overlay_pattern_goes_only_where_the_rule_has_none(field: str) -> None:
    with pytest.raises(OverlayError, match=field):
        annotated(body_schema(INVOICE_FIELDS), {field: {"pattern": "^x$"}})
