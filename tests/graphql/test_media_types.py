"""The media type of /graphql's answers (schema.media_types): chosen from Accept; with
application/graphql-response+json a request error is a 400 without `data`, with
application/json it stays a 200 with `"data": null`; Accept allowing neither is a 406."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from gateway.settings import Settings
from schema.media_types import GRAPHQL_RESPONSE_JSON, JSON, response_media_type
from tests.apptest import DEMO_HEADERS
from tests.graphql.helpers import URL, answer, gql

GRAPHQL_RESPONSE = "application/graphql-response+json; charset=utf-8"
BUDGET = Settings.graphql_max_cost


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        (None, JSON),
        ("", JSON),
        ("application/graphql-response+json", GRAPHQL_RESPONSE_JSON),
        ("application/json", JSON),
        ("*/*", JSON),
        ("application/*", JSON),
        ("application/graphql-response+json, application/json;q=0.9", GRAPHQL_RESPONSE_JSON),
        ("application/json, application/graphql-response+json", GRAPHQL_RESPONSE_JSON),
        ("application/graphql-response+json;q=0.5, application/json", JSON),
        ("application/graphql-response+json, */*", GRAPHQL_RESPONSE_JSON),
        ("application/json, */*;q=0.8", JSON),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", JSON),
        ("APPLICATION/GRAPHQL-RESPONSE+JSON; Charset=UTF-8", GRAPHQL_RESPONSE_JSON),
        ("application/json;q=0, application/*", GRAPHQL_RESPONSE_JSON),
        ("application/json;q=nonsense, application/graphql-response+json", GRAPHQL_RESPONSE_JSON),
        ("garbage", JSON),
        ("text/html", None),
        ("application/json;q=0", None),
        ("application/*;q=0, text/*", None),
        ("application/graphql-response+json;q=0, application/json;q=0, */*", None),
    ],
)
def test_the_media_type_follows_accept(accept: str | None, chosen: str | None) -> None:
    assert response_media_type(accept) == chosen


def errors_only(message: str, column: int, code: str, **extensions: Any) -> dict[str, Any]:
    error = {"message": message, "locations": [{"line": 1, "column": column}]}
    return {"errors": [{**error, "extensions": {"code": code, **extensions}}]}


UNPARSABLE = (
    "{",
    errors_only("Syntax Error: Expected Name, found <EOF>.", 2, "GRAPHQL_PARSE_FAILED"),
)
INVALID = (
    "{ app { nme } }",
    errors_only(
        "Cannot query field 'nme' on type 'App'. Did you mean 'name'?",
        9,
        "GRAPHQL_VALIDATION_FAILED",
    ),
)
# 9 pages of 100 invoices and their items, 1201 each (schema.cost): 10809.
COSTLY_PAGE = "invoices(first: 100) { edges { node { items { quantity } } } }"
COSTLY = "{ " + " ".join(f"p{n}: {COSTLY_PAGE}" for n in range(9)) + " }"


@pytest.mark.parametrize(
    ("query", "expected"), [UNPARSABLE, INVALID], ids=["unparsable", "invalid"]
)
async def test_a_request_error_is_a_400_without_data(
    client: httpx.AsyncClient, query: str, expected: dict[str, Any]
) -> None:
    response = await gql(client, query, headers={"accept": GRAPHQL_RESPONSE_JSON})
    assert response.status_code == 400
    assert response.headers["content-type"] == GRAPHQL_RESPONSE
    assert response.headers["vary"] == "Accept"
    assert len(response.headers["x-request-id"]) == 32
    assert response.json() == expected
    legacy = await gql(client, query, headers={"accept": JSON})
    assert legacy.status_code == 200
    assert legacy.headers["content-type"] == JSON
    assert legacy.json() == {"data": None, **expected}


async def test_variables_that_do_not_coerce_are_a_400_without_data(
    client: httpx.AsyncClient,
) -> None:
    query = "query One($id: ID!) { invoice(id: $id) { id } }"
    expected = {
        **errors_only(
            "Variable '$id' has invalid value: "
            "Expected value of non-null type 'ID!' not to be None.",
            11,
            "GRAPHQL_VALIDATION_FAILED",
        ),
        "extensions": {"cost": {"requested": 1, "budget": BUDGET}},
    }
    response = await gql(client, query, {"id": None}, headers={"accept": GRAPHQL_RESPONSE_JSON})
    assert (response.status_code, response.json()) == (400, expected)
    legacy = await gql(client, query, {"id": None}, headers={"accept": JSON})
    assert (legacy.status_code, legacy.json()) == (200, {"data": None, **expected})


async def test_an_operation_over_budget_is_a_400_without_data(client: httpx.AsyncClient) -> None:
    response = await gql(client, COSTLY, headers={"accept": GRAPHQL_RESPONSE_JSON})
    assert response.status_code == 400
    body = response.json()
    assert "data" not in body
    assert [error["extensions"]["code"] for error in body["errors"]] == ["QUERY_TOO_COSTLY"]
    assert body["extensions"] == {"cost": {"requested": 10809, "budget": BUDGET}}


async def test_an_answer_is_served_in_the_media_type_asked_for(
    client: httpx.AsyncClient,
) -> None:
    expected = answer({"__typename": "Query"})
    for accept, content_type in [
        (GRAPHQL_RESPONSE_JSON, GRAPHQL_RESPONSE),
        (f"{GRAPHQL_RESPONSE_JSON}, {JSON}", GRAPHQL_RESPONSE),
        (JSON, JSON),
        ("*/*", JSON),
    ]:
        response = await gql(client, "{ __typename }", headers={"accept": accept})
        assert response.status_code == 200, accept
        assert response.headers["content-type"] == content_type, accept
        assert response.json() == expected
    by_get = await client.get(
        URL,
        params={"query": "{ __typename }"},
        headers={**DEMO_HEADERS, "accept": GRAPHQL_RESPONSE_JSON},
    )
    assert by_get.status_code == 200
    assert by_get.headers["content-type"] == GRAPHQL_RESPONSE
    assert by_get.json() == expected


async def test_an_error_during_execution_keeps_data_and_200(client: httpx.AsyncClient) -> None:
    response = await gql(
        client, "{ invoices(first: -1) { totalCount } }", headers={"accept": GRAPHQL_RESPONSE_JSON}
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == GRAPHQL_RESPONSE
    body = response.json()
    assert body["data"] is None
    assert [(error["path"], error["extensions"]["code"]) for error in body["errors"]] == [
        (["invoices"], "INVALID_INPUT")
    ]


@pytest.mark.parametrize("accept", ["text/html", "application/json;q=0", "image/*"])
async def test_an_accept_allowing_neither_is_a_406(client: httpx.AsyncClient, accept: str) -> None:
    response = await gql(client, "{ __typename }", headers={"accept": accept})
    assert response.status_code == 406
    assert response.json() == {
        "statusCode": 406,
        "message": "Accept must allow application/graphql-response+json or application/json",
        "error": "Not Acceptable",
    }
