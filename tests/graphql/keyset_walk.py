"""Paging a connection through GraphQL: one page, or every page after another."""

from __future__ import annotations

from typing import Any

import httpx

from tests.graphql.helpers import data


def page_query(field: str, types: dict[str, str] | None = None, node: str = "id") -> str:
    """`field`'s page with $first, $after and the arguments named in `types` (name: type)."""
    types = types or {}
    declared = "".join(f", ${name}: {kind}" for name, kind in types.items())
    passed = "".join(f", {name}: ${name}" for name in types)
    return f"""query Page($first: Int!, $after: String{declared}) {{
      {field}(first: $first, after: $after{passed}) {{
        totalCount
        pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }}
        edges {{ cursor node {{ {node} }} }}
      }}
    }}"""


async def page(
    client: httpx.AsyncClient,
    field: str,
    first: int,
    after: str | None = None,
    arguments: dict[str, Any] | None = None,
    types: dict[str, str] | None = None,
) -> dict[str, Any]:
    """One page, its pageInfo checked against its edges."""
    variables = {**(arguments or {}), "first": first, "after": after}
    result: dict[str, Any] = (await data(client, page_query(field, types), variables))[field]
    edges, info = result["edges"], result["pageInfo"]
    assert info["hasPreviousPage"] is (after is not None)
    assert info["startCursor"] == (edges[0]["cursor"] if edges else None)
    assert info["endCursor"] == (edges[-1]["cursor"] if edges else None)
    assert len(edges) == first if info["hasNextPage"] else len(edges) <= first
    return result


def ids(result: dict[str, Any]) -> list[str]:
    return [edge["node"]["id"] for edge in result["edges"]]


async def walk(
    client: httpx.AsyncClient,
    field: str,
    first: int,
    after: str | None = None,
    arguments: dict[str, Any] | None = None,
    types: dict[str, str] | None = None,
) -> list[str]:
    """The ids of every page after `after`, `first` at a time, until hasNextPage is false."""
    seen: list[str] = []
    while True:
        result = await page(client, field, first, after, arguments, types)
        seen += ids(result)
        if not result["pageInfo"]["hasNextPage"]:
            return seen
        after = result["pageInfo"]["endCursor"]
