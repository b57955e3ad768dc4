"""Hostile documents are refused during validation: no resolver runs, no 500.
Internal errors are masked; introspection can be switched off."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from graphql import ASTValidationRule, parse, validate
from strawberry.extensions.validation_cache import _get_validate_cache

from gateway.db.statements import count_statements
from gateway.settings import Settings
from schema import schema as schema_module
from tests.apptest import seeded_gateway
from tests.graphql.helpers import answer, gql


async def refused(client: httpx.AsyncClient, query: str) -> list[dict[str, object]]:
    """The errors of a document that must be refused before execution."""
    await gql(client, "{ __typename }")  # authenticates: the credential is now cached
    with count_statements() as counted:
        response = await gql(client, query)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["data"] is None, body
    assert counted.value == 0  # no resolver touched the database
    errors: list[dict[str, object]] = body["errors"]
    return errors


def nested(depth: int) -> str:
    """invoices -> edges -> node -> customer -> invoices -> ... `depth` levels deep."""
    levels = ["invoices { edges { node { customer {"] * depth
    return "{ " + " ".join(levels) + " id " + "} } } }" * depth + " }"


async def test_depth_limit(client: httpx.AsyncClient) -> None:
    ok = await gql(client, nested(2))  # depth 8
    assert "errors" not in ok.json()
    errors = await refused(client, nested(3))  # depth 12
    assert [e["message"] for e in errors] == ["'anonymous' exceeds maximum operation depth of 10"]
    assert errors[0]["extensions"] == {"code": "GRAPHQL_VALIDATION_FAILED"}


async def test_alias_limit_counts_fragments(client: httpx.AsyncClient) -> None:
    aliases = " ".join(f"a{n}: __typename" for n in range(20))
    query = (
        "query { invoices { totalCount } ...F ...G } "
        f"fragment F on Query {{ {aliases} }} "
        f"fragment G on Query {{ {aliases.replace('a', 'b')} }}"
    )
    errors = await refused(client, query)
    assert errors[0]["message"] == "40 aliases found. Allowed: 30"


async def test_circular_fragments(client: httpx.AsyncClient) -> None:
    query = """
    query { invoices { edges { node { ...A } } } }
    fragment A on Invoice { customer { ...B } }
    fragment B on Customer { invoices { edges { node { ...A } } } }
    """
    errors = await refused(client, query)
    assert any("Cannot spread fragment 'A' within itself" in str(e["message"]) for e in errors)


async def test_unknown_fragment_is_a_validation_error(client: httpx.AsyncClient) -> None:
    errors = await refused(client, "query { invoices { totalCount } ...Missing }")
    assert errors[0]["message"] == "Unknown fragment 'Missing'."


async def test_token_limit(client: httpx.AsyncClient) -> None:
    fields = " ".join("__typename" for _ in range(2500))
    errors = await refused(client, f"{{ invoices {{ totalCount }} {fields} }}")
    assert errors[0]["message"] == (
        "Syntax Error: Document contains more than 2000 tokens. Parsing aborted."
    )
    assert errors[0]["extensions"] == {"code": "GRAPHQL_PARSE_FAILED"}


async def test_rules_are_built_once_so_validation_is_cached(client: httpx.AsyncClient) -> None:
    cache = _get_validate_cache(schema_module.CACHE_SIZE)
    query = "{ invoices(first: 1) { totalCount } }"
    await gql(client, query)
    before = cache.cache_info()
    for _ in range(3):
        await gql(client, query)
    # Answered from the cache (schema.suggestions.Validation's front of it, by the
    # document's identity): no new validation.
    assert cache.cache_info().misses == before.misses


async def test_internal_errors_are_masked_and_logged_with_a_request_id(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError('relation "invoice" does not exist; SELECT secret FROM invoice')

    monkeypatch.setattr("gateway.db.invoice_pages.invoices_after", broken)
    with caplog.at_level(logging.ERROR, logger="gateway.graphql"):
        response = await gql(client, "{ invoices { totalCount } }")
    assert response.status_code == 200
    body = response.json()
    request_id = response.headers["x-request-id"]
    assert body["data"] is None  # invoices is non-null, so the error nulls the root
    [error] = body["errors"]
    assert error["message"] == f"Internal server error (request id {request_id})"
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}
    assert "secret" not in response.text and "Traceback" not in response.text
    [record] = caplog.records
    assert request_id in record.getMessage()
    assert record.exc_info is not None and "SELECT secret" in str(record.exc_info[1])


@pytest.fixture
async def closed(sqlite_url: str) -> AsyncIterator[httpx.AsyncClient]:
    from gateway.db.migrate import upgrade

    await asyncio.to_thread(upgrade, sqlite_url)
    settings = Settings(database_url=sqlite_url, graphql_introspection=False)
    async with seeded_gateway(settings) as (client, _runtime):
        yield client


async def test_introspection_can_be_switched_off(closed: httpx.AsyncClient) -> None:
    errors = await refused(closed, "{ __schema { types { name } } invoices { totalCount } }")
    assert "introspection" in str(errors[0]["message"]).lower()
    errors = await refused(closed, '{ __type(name: "Invoice") { name } invoices { totalCount } }')
    assert "introspection" in str(errors[0]["message"]).lower()
    assert (await gql(closed, "{ __typename }")).json() == answer({"__typename": "Query"})


DEEP = nested(3)[1:-1].strip()  # 12 levels


def doubling(count: int, leaf: str) -> str:
    """`...F0`, where each fragment spreads the next one twice, down to `leaf`: under 2 KB,
    2^count selections once expanded."""
    fragments = " ".join(
        f"fragment F{n} on Query {{ ...F{n + 1} ...F{n + 1} }}" for n in range(count)
    )
    return f"query {{ ...F0 }} {fragments} fragment F{count} on Query {{ {leaf} }}"


@pytest.mark.parametrize("rule", schema_module.RULES, ids=lambda rule: rule.__name__)
def test_each_rule_measures_a_fragment_once(rule: type[ASTValidationRule]) -> None:
    # Every limit is exceeded 2^40 times over, so each rule has to measure the whole shape.
    document = parse(doubling(40, f"a: __typename {DEEP}"))
    started = time.monotonic()
    [error] = validate(schema_module.schema._schema, document, [rule])
    assert time.monotonic() - started < 1
    assert error.message in (
        f"{2**40} aliases found. Allowed: 30",
        "'anonymous' exceeds maximum operation depth of 10",
        f"{2**40 * 14} field selections once fragments are expanded. Allowed: 5000",
    )


async def test_a_doubling_fragment_document_is_refused_quickly(client: httpx.AsyncClient) -> None:
    started = time.monotonic()
    errors = await refused(client, doubling(40, "a: __typename"))
    assert time.monotonic() - started < 5
    assert [e["message"] for e in errors] == [
        f"{2**40} aliases found. Allowed: 30",
        f"{2**40} field selections once fragments are expanded. Allowed: 5000",
    ]
    started = time.monotonic()
    # Without aliases too: 2^40 selections of one field are refused, not executed.
    [error] = await refused(client, doubling(40, "__typename"))
    assert time.monotonic() - started < 5
    assert error["message"] == (
        f"{2**40} field selections once fragments are expanded. Allowed: 5000"
    )


async def test_the_depth_limit_counts_through_fragments(client: httpx.AsyncClient) -> None:
    errors = await refused(client, doubling(30, f"a: __typename {DEEP}"))
    assert [e["message"] for e in errors] == [
        "'anonymous' exceeds maximum operation depth of 10",
        f"{2**30} aliases found. Allowed: 30",
        f"{2**30 * 14} field selections once fragments are expanded. Allowed: 5000",
    ]
    query = f"query Deep {{ ...A }} fragment A on Query {{ ...B }} fragment B on Query {{ {DEEP} }}"
    [error] = await refused(client, query)
    assert error["message"] == "'Deep' exceeds maximum operation depth of 10"
    # where it first goes past the limit: the third `customer`, 11 levels down
    assert error["locations"] == [{"line": 1, "column": query.rindex("customer") + 1}]


# Each of these names something of the schema that is close to what it asks for.
MISTAKES = [
    ("{ invoicez { totalCount } }", None, "Did you mean 'invoice' or 'invoices'?"),
    ("{ invoices(frst: 1) { totalCount } }", None, "Did you mean 'first'?"),
    ("{ invoices(status: OPN) { totalCount } }", None, "Did you mean the enum value 'OPEN'?"),
    ("query { ...F } fragment F on Quer { __typename }", None, "Did you mean 'Query'?"),
    (
        "query($s: InvoiceStatus) { invoices(status: $s) { totalCount } }",
        {"s": "OPN"},
        "Did you mean the enum value 'OPEN'?",
    ),
]


@pytest.mark.parametrize(("query", "variables", "suggestion"), MISTAKES)
async def test_errors_suggest_names_only_with_introspection_on(
    client: httpx.AsyncClient,
    closed: httpx.AsyncClient,
    query: str,
    variables: dict[str, object] | None,
    suggestion: str,
) -> None:
    opened = (await gql(client, query, variables)).json()["errors"][0]["message"]
    assert opened.endswith(suggestion)
    hidden = (await gql(closed, query, variables)).json()["errors"][0]["message"]
    assert hidden == opened.replace(f" {suggestion}", "")
    assert "Did you mean" not in hidden
